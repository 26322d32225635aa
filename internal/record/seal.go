package record

import (
	"encoding/binary"
)

// Seal appends one complete protected record carrying payload as content
// type typ to dst and returns the extended slice. len(payload) must not
// exceed MaxPlaintext (the caller fragments).
//
// TLS 1.3: the record's outer type is application_data and its
// legacy_record_version 0x0303; padding zero bytes follow the inner content
// type (clamped so that content plus padding stays within 2^14). TLS 1.2
// ignores padding.
//
// Seal allocates nothing when cap(dst) suffices (see SealedLen). payload
// may alias dst's spare capacity; placed at PayloadOffset it is encrypted
// in place. Seal increments the sequence number; it panics if the sequence
// number is exhausted (see Exhausted), which a caller that rekeys or closes
// in time never sees.
func (p *Protector) Seal(dst []byte, typ uint8, payload []byte, padding int) []byte {
	if len(payload) > MaxPlaintext {
		panic("hush: record: Seal payload exceeds 2^14 bytes")
	}
	if p.seq == ^uint64(0) {
		panic("hush: record: sequence number exhausted; the key must be changed")
	}
	if p.aead == nil {
		p.unpark()
	}
	var out []byte
	switch {
	case p.version == versionTLS13:
		out = p.seal13(dst, typ, payload, padding)
	case p.explicit:
		out = p.seal12Explicit(dst, typ, payload)
	default:
		out = p.seal12XOR(dst, typ, payload)
	}
	p.seq++
	return out
}

// SealedLen returns the number of bytes Seal appends for a payload of
// payloadLen bytes and the given padding.
func (p *Protector) SealedLen(payloadLen, padding int) int {
	switch {
	case p.version == versionTLS13:
		return HeaderLen + payloadLen + 1 + clampPadding(payloadLen, padding) + int(p.overhead)
	case p.explicit:
		return HeaderLen + explicitNonceLen + payloadLen + int(p.overhead)
	default:
		return HeaderLen + payloadLen + int(p.overhead)
	}
}

// clampPadding keeps the TLS 1.3 padding non-negative and within the record
// limit.
//
// RFC 8446, Section 5.4: "the full encoded TLSInnerPlaintext MUST NOT
// exceed 2^14 + 1 octets."
func clampPadding(payloadLen, padding int) int {
	if padding < 0 {
		return 0
	}
	if room := MaxPlaintext - payloadLen; padding > room {
		return max(room, 0)
	}
	return padding
}

// seal13 builds TLSInnerPlaintext = content || type || zeros in the output
// and encrypts it in place (RFC 8446, Section 5.2).
func (p *Protector) seal13(dst []byte, typ uint8, payload []byte, padding int) []byte {
	padding = clampPadding(len(payload), padding)
	inner := len(payload) + 1 + padding
	length := inner + int(p.overhead)
	whole, rec := grow(dst, HeaderLen+length)
	body := rec[HeaderLen : HeaderLen+inner]
	// Move the payload first: it may sit where the header goes.
	if !sameStart(payload, body) {
		copy(body, payload)
	}
	body[len(payload)] = typ
	clear(body[len(payload)+1:])
	// RFC 8446, Section 5.2: "The outer opaque_type field of a TLSCiphertext
	// record is always set to the value 23 (application_data)"; "The
	// legacy_record_version field is always 0x0303."
	putHeader(rec, TypeApplicationData, versionTLS12, length)
	p.setXORNonce()
	// RFC 8446, Section 5.2: "additional_data = TLSCiphertext.opaque_type ||
	// TLSCiphertext.legacy_record_version || TLSCiphertext.length".
	p.aead.Seal(body[:0], p.nonce[:], body, rec[:HeaderLen])
	return whole
}

// seal12Explicit seals a TLS 1.2 AES-GCM record: header, nonce_explicit
// (the sequence number, RFC 5288, Section 3), ciphertext.
func (p *Protector) seal12Explicit(dst []byte, typ uint8, payload []byte) []byte {
	const off = HeaderLen + explicitNonceLen
	length := explicitNonceLen + len(payload) + int(p.overhead)
	whole, rec := grow(dst, HeaderLen+length)
	body := rec[off : off+len(payload)]
	src := payload
	if overlaps(payload, rec) {
		if !sameStart(payload, body) {
			copy(body, payload)
		}
		src = body
	}
	putHeader(rec, typ, versionTLS12, length)
	binary.BigEndian.PutUint64(rec[HeaderLen:off], p.seq)
	binary.BigEndian.PutUint64(p.nonce[4:], p.seq)
	p.setAAD12(typ, versionTLS12, len(payload))
	p.aead.Seal(rec[off:off], p.nonce[:], src, p.aad[:])
	return whole
}

// seal12XOR seals a TLS 1.2 ChaCha20-Poly1305 record (RFC 7905, Section 2):
// no explicit nonce, the nonce is IV XOR sequence number.
func (p *Protector) seal12XOR(dst []byte, typ uint8, payload []byte) []byte {
	length := len(payload) + int(p.overhead)
	whole, rec := grow(dst, HeaderLen+length)
	body := rec[HeaderLen : HeaderLen+len(payload)]
	src := payload
	if overlaps(payload, rec) {
		if !sameStart(payload, body) {
			copy(body, payload)
		}
		src = body
	}
	putHeader(rec, typ, versionTLS12, length)
	p.setXORNonce()
	p.setAAD12(typ, versionTLS12, len(payload))
	p.aead.Seal(rec[HeaderLen:HeaderLen], p.nonce[:], src, p.aad[:])
	return whole
}

// setAAD12 fills the TLS 1.2 additional data.
//
// RFC 5246, Section 6.2.3.3: "additional_data = seq_num +
// TLSCompressed.type + TLSCompressed.version + TLSCompressed.length".
func (p *Protector) setAAD12(typ uint8, version uint16, length int) {
	binary.BigEndian.PutUint64(p.aad[:8], p.seq)
	p.aad[8] = typ
	binary.BigEndian.PutUint16(p.aad[9:11], version)
	binary.BigEndian.PutUint16(p.aad[11:13], uint16(length))
}
