// Package record implements the TLS record layer's protection: one
// Protector per direction and key, sealing and opening complete records
// (5-byte header + protected fragment) for TLS 1.3 (RFC 8446, Section 5)
// and TLS 1.2 AEAD suites (RFC 5246, Section 6.2.3.3; RFC 5288; RFC 7905).
//
// The fast path allocates nothing: the AEAD, the nonce and the additional
// data buffers are built once per key; Seal appends into the caller's
// buffer and Open decrypts in place.
package record

import "encoding/binary"

// Record content types (RFC 8446, Section 5.1; RFC 5246, Section 6.2.1).
const (
	TypeChangeCipherSpec uint8 = 20
	TypeAlert            uint8 = 21
	TypeHandshake        uint8 = 22
	TypeApplicationData  uint8 = 23
)

// Record size limits.
const (
	// HeaderLen is the length of a record header: type, version, length.
	HeaderLen = 5
	// MaxPlaintext is the largest plaintext fragment, 2^14 bytes.
	MaxPlaintext = 1 << 14
	// MaxCiphertext13 is the largest TLS 1.3 TLSCiphertext.length: 2^14 of
	// content, 1 byte of inner type and at most 255 bytes of AEAD expansion.
	MaxCiphertext13 = MaxPlaintext + 256
	// MaxCiphertext12 is the largest TLS 1.2 TLSCiphertext.length.
	MaxCiphertext12 = MaxPlaintext + 2048
)

// Protocol versions on the wire.
const (
	versionTLS12 uint16 = 0x0303
	versionTLS13 uint16 = 0x0304
)

// Header is a parsed record header.
type Header struct {
	Type    uint8
	Version uint16
	Length  int
}

// ParseHeader parses the first HeaderLen bytes of b, which must have at
// least that many. It checks nothing: limits depend on the caller's state.
func ParseHeader(b []byte) Header {
	_ = b[4]
	return Header{Type: b[0], Version: binary.BigEndian.Uint16(b[1:3]), Length: int(b[3])<<8 | int(b[4])}
}

// AppendHeader appends a record header to dst. length must be below 2^16.
func AppendHeader(dst []byte, typ uint8, version uint16, length int) []byte {
	return append(dst, typ, byte(version>>8), byte(version), byte(length>>8), byte(length))
}

// putHeader writes a record header into b[:HeaderLen].
func putHeader(b []byte, typ uint8, version uint16, length int) {
	_ = b[4]
	b[0] = typ
	b[1] = byte(version >> 8)
	b[2] = byte(version)
	b[3] = byte(length >> 8)
	b[4] = byte(length)
}
