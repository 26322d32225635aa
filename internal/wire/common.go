package wire

import (
	"sync"

	"github.com/hushtls/hush/internal/alert"
	"golang.org/x/crypto/cryptobyte"
)

// body checks the 4-byte header of msg (type want, uint24 length equal to
// the rest of msg) and returns the body.
func body(msg []byte, want HandshakeType, name string) (cryptobyte.String, error) {
	if len(msg) < HeaderLen || HandshakeType(msg[0]) != want {
		return nil, alert.New(alert.DecodeError, "malformed %s: bad header", name)
	}
	n := int(msg[1])<<16 | int(msg[2])<<8 | int(msg[3])
	if n != len(msg)-HeaderLen {
		return nil, alert.New(alert.DecodeError, "malformed %s: length %d, have %d", name, n, len(msg)-HeaderLen)
	}
	return cryptobyte.String(msg[HeaderLen:]), nil
}

// marshalMessage writes a handshake message of type typ whose body is
// produced by f.
func marshalMessage(typ HandshakeType, f func(b *Builder)) []byte {
	return marshalMessageSize(typ, 0, f)
}

// marshalMessageSize is marshalMessage with room for a body of about
// size bytes reserved up front, so that the buffer is allocated once.
func marshalMessageSize(typ HandshakeType, size int, f func(b *Builder)) []byte {
	// The Builder escapes (f receives it), so it comes from a pool rather
	// than costing an allocation per message. It holds nothing but the
	// slice, which goes to the caller and is dropped from the Builder
	// before the Builder goes back.
	b := builderPool.Get().(*Builder)
	b.buf = make([]byte, 0, HeaderLen+max(size, 124))
	b.AddUint8(uint8(typ))
	b.AddUint24LengthPrefixed(f)
	out := b.buf
	b.buf = nil
	builderPool.Put(b)
	return out
}

// builderPool holds empty Builders for marshalMessageSize.
var builderPool = sync.Pool{New: func() any { return new(Builder) }}

// readExtensions reads an Extension extensions<0..2^16-1> block from s
// (length prefix included). RFC 8446, Section 4.2: "There MUST NOT be more
// than one extension of the same type in a given extension block."
// The returned Data slices alias s.
func readExtensions(s *cryptobyte.String, name string) ([]Extension, error) {
	var block cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&block) {
		return nil, alert.New(alert.DecodeError, "malformed %s: extensions", name)
	}
	// Count the extensions first (cheaply, without checking duplicates),
	// so that the slice is allocated once at its final size rather than
	// grown by append. A malformed block is rejected by the loop below.
	// Only honest-sized blocks are presized: a hostile one with thousands
	// of (perhaps duplicate) extensions grows by append as before, so it
	// gets no larger allocation up front than it did.
	n, probe := 0, block
	for !probe.Empty() && n < maxPresizedExtensions {
		if !probe.Skip(2) || !probe.ReadUint16LengthPrefixed(new(cryptobyte.String)) {
			break
		}
		n++
	}
	var exts []Extension
	if n > 0 {
		exts = make([]Extension, 0, n)
	}
	var seen map[uint16]bool // only for blocks too long for a linear scan
	for !block.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !block.ReadUint16(&typ) || !block.ReadUint16LengthPrefixed(&data) {
			return nil, alert.New(alert.DecodeError, "malformed %s: extension", name)
		}
		dup := false
		if len(exts) < linearDupScan {
			for _, e := range exts {
				dup = dup || e.Type == typ
			}
		} else {
			if seen == nil {
				seen = make(map[uint16]bool, 2*linearDupScan)
				for _, e := range exts {
					seen[e.Type] = true
				}
			}
			dup = seen[typ]
			seen[typ] = true
		}
		if dup {
			return nil, alert.New(alert.IllegalParameter, "%s: duplicate extension %d", name, typ)
		}
		exts = append(exts, Extension{Type: typ, Data: data})
	}
	return exts, nil
}

// linearDupScan is how many extensions are checked for duplicates by a
// linear scan; longer blocks (only a hostile peer sends them) use a map, so
// the check stays linear in the block's size.
const linearDupScan = 32

// readExtensionsToEnd reads the extensions block that closes a message
// body (ClientHello, ServerHello, EncryptedExtensions, CertificateRequest,
// NewSessionTicket): anything after it is a decode_error.
func readExtensionsToEnd(s *cryptobyte.String, name string) ([]Extension, error) {
	exts, err := readExtensions(s, name)
	if err != nil {
		return nil, err
	}
	if !s.Empty() {
		return nil, hmDecode(name, "trailing data")
	}
	return exts, nil
}

// parseExtensionsToEnd is readExtensionsToEnd followed by parse on each
// extension, in order, stopping at the first error.
func parseExtensionsToEnd(s *cryptobyte.String, name string, parse func(Extension) error) ([]Extension, error) {
	exts, err := readExtensionsToEnd(s, name)
	if err != nil {
		return nil, err
	}
	for _, e := range exts {
		if err := parse(e); err != nil {
			return nil, err
		}
	}
	return exts, nil
}

// maxPresizedExtensions caps how many extensions readExtensions counts to
// size its slice in one allocation.
const maxPresizedExtensions = 2 * linearDupScan

// addExtension appends one extension whose body is produced by f.
func addExtension(b *Builder, typ uint16, f func(b *Builder)) {
	b.AddUint16(typ)
	b.AddUint16LengthPrefixed(f)
}

// emptyBody is a cryptobyte continuation that writes nothing.
func emptyBody(*Builder) {}

// readUint16List reads a uint16 list with a uint16 byte-length prefix,
// requiring at least min entries.
func readUint16List(s *cryptobyte.String, min int) ([]uint16, bool) {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || len(list)%2 != 0 || len(list)/2 < min {
		return nil, false
	}
	out := make([]uint16, 0, len(list)/2)
	for !list.Empty() {
		var v uint16
		list.ReadUint16(&v)
		out = append(out, v)
	}
	return out, true
}

// addUint16List writes a uint16 list with a uint16 byte-length prefix.
func addUint16List(b *Builder, list []uint16) {
	b.AddUint16LengthPrefixed(func(b *Builder) {
		for _, v := range list {
			b.AddUint16(v)
		}
	})
}

// cloneBytes copies b; nil stays nil.
func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
