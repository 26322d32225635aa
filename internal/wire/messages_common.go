package wire

import (
	"github.com/hushtls/hush/internal/alert"
	"golang.org/x/crypto/cryptobyte"
)

// Helpers shared by the parsers of the messages after the hellos
// (certificate.go, certificaterequest.go, newsessionticket.go, ...). They
// carry an hm prefix so they cannot collide with the hello helpers.

// hmStatusTypeOCSP is CertificateStatusType ocsp (RFC 6066, Section 8).
const hmStatusTypeOCSP uint8 = 1

// hmDecode is the decode_error for a malformed message called name.
func hmDecode(name, what string) error {
	return alert.New(alert.DecodeError, "malformed %s: %s", name, what)
}

// hmReadOpaque8 reads an opaque<min..2^8-1>; the result aliases s.
func hmReadOpaque8(s *cryptobyte.String, out *[]byte, min int) bool {
	var v cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = v
	return true
}

// hmReadOpaque16 reads an opaque<min..2^16-1>; the result aliases s.
func hmReadOpaque16(s *cryptobyte.String, out *[]byte, min int) bool {
	var v cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = v
	return true
}

// hmReadOpaque24 reads an opaque<min..2^24-1>; the result aliases s.
func hmReadOpaque24(s *cryptobyte.String, out *[]byte, min int) bool {
	var v cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = v
	return true
}

// hmReadOpaque16List reads a uint16-length list of opaque<1..2^16-1>
// entries (DistinguishedName lists, SignedCertificateTimestampList),
// requiring at least minEntries entries. Entries alias s.
func hmReadOpaque16List(s *cryptobyte.String, out *[][]byte, minEntries int) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) {
		return false
	}
	var entries [][]byte
	for !list.Empty() {
		var e []byte
		if !hmReadOpaque16(&list, &e, 1) {
			return false
		}
		entries = append(entries, e)
	}
	if len(entries) < minEntries {
		return false
	}
	*out = entries
	return true
}

// hmAddOpaque8 writes an opaque with a uint8 length prefix.
func hmAddOpaque8(b *Builder, v []byte) {
	b.AddUint8LengthPrefixed(func(b *Builder) { b.AddBytes(v) })
}

// appendOpaque8 appends v with a uint8 length prefix to dst. Like the
// Builder, it panics on a v too long for the prefix: callers only pass
// values hush built or bounded.
func appendOpaque8(dst, v []byte) []byte {
	if len(v) > 0xff {
		panic("wire: field too long for its length prefix")
	}
	return append(append(dst, byte(len(v))), v...)
}

// hmAddOpaque16 writes an opaque with a uint16 length prefix.
func hmAddOpaque16(b *Builder, v []byte) {
	b.AddUint16LengthPrefixed(func(b *Builder) { b.AddBytes(v) })
}

// hmAddOpaque24 writes an opaque with a uint24 length prefix.
func hmAddOpaque24(b *Builder, v []byte) {
	b.AddUint24LengthPrefixed(func(b *Builder) { b.AddBytes(v) })
}

// hmAddOpaque16List writes a uint16-length list of uint16-length opaques.
func hmAddOpaque16List(b *Builder, list [][]byte) {
	b.AddUint16LengthPrefixed(func(b *Builder) {
		for _, v := range list {
			hmAddOpaque16(b, v)
		}
	})
}

// hmAddRawExtensions writes extensions as they are.
func hmAddRawExtensions(b *Builder, exts []Extension) {
	for _, e := range exts {
		addExtension(b, e.Type, func(b *Builder) { b.AddBytes(e.Data) })
	}
}

// hmExtBody runs read over the body of extension e of message name and
// requires it to succeed and consume the body exactly; otherwise it returns
// a decode_error naming the extension.
func hmExtBody(name, ext string, e Extension, read func(s *cryptobyte.String) bool) error {
	s := cryptobyte.String(e.Data)
	if !read(&s) || !s.Empty() {
		return hmDecode(name, ext+" extension")
	}
	return nil
}
