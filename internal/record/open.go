package record

import "encoding/binary"

// Open authenticates and decrypts one complete record (header and
// fragment; the header's length must match) and returns its content type
// and plaintext. It decrypts in place: plaintext aliases record, and record
// is overwritten even when Open fails. Open allocates nothing. The sequence
// number advances only on success.
//
// Errors carry the alert to send:
//   - bad_record_mac when authentication fails or the fragment is shorter
//     than the AEAD expansion (and, in TLS 1.2 AES-GCM, the explicit
//     nonce): such a fragment cannot be authenticated, and RFC 8446 and
//     RFC 5246 both send bad_record_mac for every deprotection failure
//     ("This alert is used for all deprotection failures", RFC 8446,
//     Section 6.2), which also keeps length probing from telling the
//     failures apart;
//   - record_overflow for a ciphertext or plaintext over the limits;
//   - unexpected_message for a TLS 1.3 inner plaintext without a non-zero
//     byte, a zero-length TLS 1.3 handshake or alert record, or a content
//     type that has no business in a protected record;
//   - decode_error when the header does not match the record's length.
func (p *Protector) Open(record []byte) (typ uint8, plaintext []byte, err error) {
	return p.open(nil, record)
}

// OpenTo is Open, except that the plaintext is written to dst instead of
// over the record, saving a copy when dst is the reader's own buffer. dst
// must hold at least len(record)-HeaderLen bytes (an upper bound on the
// decrypted fragment) and must not overlap record; all of dst up to that
// bound may be overwritten (in TLS 1.3 it receives the inner content type
// and padding too), and it is overwritten even when OpenTo fails. The
// returned plaintext is a prefix of dst. A dst that is too small or
// overlaps record is a caller bug, reported as an internal_error.
func (p *Protector) OpenTo(dst, record []byte) (typ uint8, plaintext []byte, err error) {
	if len(record) < HeaderLen {
		return 0, nil, errShortHeader
	}
	if int(record[3])<<8|int(record[4]) != len(record)-HeaderLen {
		return 0, nil, errLengthMismatch
	}
	if len(dst) < len(record)-HeaderLen || overlaps(dst[:len(record)-HeaderLen], record) {
		return 0, nil, errOpenToBuffer
	}
	return p.open(dst[:0], record)
}

// open checks the header, opens the record into out (in place when out is
// nil) and advances the sequence number on success.
func (p *Protector) open(out, record []byte) (typ uint8, plaintext []byte, err error) {
	if len(record) < HeaderLen {
		return 0, nil, errShortHeader
	}
	if int(record[3])<<8|int(record[4]) != len(record)-HeaderLen {
		return 0, nil, errLengthMismatch
	}
	if p.seq == ^uint64(0) {
		return 0, nil, errSeqExhausted
	}
	if p.aead == nil {
		p.unpark()
	}
	if p.version == versionTLS13 {
		typ, plaintext, err = p.open13(out, record)
	} else {
		typ, plaintext, err = p.open12(out, record)
	}
	if err != nil {
		return 0, nil, err
	}
	p.seq++
	return typ, plaintext, nil
}

// open13 opens a TLS 1.3 record into out (or in place when out is nil).
func (p *Protector) open13(out, record []byte) (uint8, []byte, error) {
	// RFC 8446, Section 5.2: "The outer opaque_type field of a TLSCiphertext
	// record is always set to the value 23 (application_data)"; and Section
	// 5: "If a TLS implementation receives an unexpected record type, it
	// MUST terminate the connection with an "unexpected_message" alert."
	if record[0] != TypeApplicationData {
		return 0, nil, errOuterType13
	}
	frag := record[HeaderLen:]
	// RFC 8446, Section 5.2: "An endpoint that receives a record from its
	// peer with TLSCiphertext.length larger than 2^14 + 256 octets MUST
	// terminate the connection with a "record_overflow" alert."
	if len(frag) > MaxCiphertext13 {
		return 0, nil, errOverflow
	}
	if len(frag) < int(p.overhead) {
		return 0, nil, errShort
	}
	if out == nil {
		out = frag[:0]
	}
	p.setXORNonce()
	inner, err := p.aead.Open(out, p.nonce[:], frag, record[:HeaderLen])
	if err != nil {
		// RFC 8446, Section 5.2: "If the decryption fails, the receiver MUST
		// terminate the connection with a "bad_record_mac" alert."
		return 0, nil, errBadMAC
	}
	// RFC 8446, Section 5.4: "the full encoded TLSInnerPlaintext MUST NOT
	// exceed 2^14 + 1 octets"; Section 5.1: "An endpoint that receives a
	// record that exceeds this length MUST terminate the connection with a
	// "record_overflow" alert."
	if len(inner) > MaxPlaintext+1 {
		return 0, nil, errOverflow
	}
	// RFC 8446, Section 5.4: "If a receiving implementation does not find a
	// non-zero octet in the cleartext, it MUST terminate the connection
	// with an "unexpected_message" alert."
	i := len(inner) - 1
	for i >= 0 && inner[i] == 0 {
		i--
	}
	if i < 0 {
		return 0, nil, errNoContentType
	}
	typ, content := inner[i], inner[:i]
	switch typ {
	case TypeApplicationData:
	case TypeHandshake, TypeAlert:
		// RFC 8446, Section 5.4: "Implementations MUST NOT send Handshake and
		// Alert records that have a zero-length TLSInnerPlaintext.content; if
		// such a message is received, the receiving implementation MUST
		// terminate the connection with an "unexpected_message" alert."
		if len(content) == 0 {
			return 0, nil, errEmptyFragment
		}
	default:
		// RFC 8446, Section 5: "If a TLS implementation receives an
		// unexpected record type, it MUST terminate the connection with an
		// "unexpected_message" alert." A protected change_cipher_spec is one
		// (Section 5: "An implementation which ... receives a protected
		// change_cipher_spec record MUST abort the handshake with an
		// "unexpected_message" alert").
		return 0, nil, errBadType
	}
	return typ, content, nil
}

// open12 opens a TLS 1.2 record into out (or in place when out is nil).
func (p *Protector) open12(out, record []byte) (uint8, []byte, error) {
	typ := record[0]
	// RFC 5246, Section 6: "If a TLS implementation receives an unexpected
	// record type, it MUST send an unexpected_message alert."
	if typ < TypeChangeCipherSpec || typ > TypeApplicationData {
		return 0, nil, errBadType
	}
	frag := record[HeaderLen:]
	// RFC 5246, Section 6.2.3: "The length MUST NOT exceed 2^14 + 2048."
	if len(frag) > MaxCiphertext12 {
		return 0, nil, errOverflow
	}
	ct := frag
	if p.explicit {
		if len(frag) < explicitNonceLen+int(p.overhead) {
			return 0, nil, errShort
		}
		copy(p.nonce[4:], frag[:explicitNonceLen])
		ct = frag[explicitNonceLen:]
	} else {
		if len(frag) < int(p.overhead) {
			return 0, nil, errShort
		}
		p.setXORNonce()
	}
	ptLen := len(ct) - int(p.overhead)
	// RFC 5246, Section 6.2.1: the plaintext "length MUST NOT exceed 2^14";
	// Section 7.2.2: record_overflow for "a record decrypted to a
	// TLSCompressed record with more than 2^14+1024 bytes". With no
	// compression, anything over 2^14 overflows.
	if ptLen > MaxPlaintext {
		return 0, nil, errOverflow
	}
	if out == nil {
		out = ct[:0]
	}
	p.setAAD12(typ, binary.BigEndian.Uint16(record[1:3]), ptLen)
	pt, err := p.aead.Open(out, p.nonce[:], ct, p.aad[:])
	if err != nil {
		return 0, nil, errBadMAC
	}
	return typ, pt, nil
}
