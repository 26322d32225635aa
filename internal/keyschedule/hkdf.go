package keyschedule

import (
	"crypto"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"sync"
)

// labelPrefix is prepended to every HKDF-Expand-Label label.
// RFC 8446, Section 7.1: opaque label<7..255> = "tls13 " + Label;
const labelPrefix = "tls13 "

// maxHashSize is the largest digest of a TLS 1.3 hash (SHA-384 here,
// SHA-512 to be safe).
const maxHashSize = sha512.Size

// scratch is pooled working space: the HkdfLabel of one expansion, and a
// block for a derived key that is wiped after use (derive13.go).
type scratch struct {
	info  [2 + 1 + 255 + 1 + 255]byte
	block [maxHashSize]byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// expander expands one pseudorandom key (a TLS 1.3 secret) under several
// labels. The expansion itself is crypto/hkdf's (hush implements no
// primitive); the expander only builds each HkdfLabel in pooled scratch
// space instead of allocating it.
type expander struct {
	h   crypto.Hash
	prk []byte
}

// expandLabel is HKDF-Expand-Label (RFC 8446, Section 7.1) appended to dst.
func (e *expander) expandLabel(dst []byte, label string, context []byte, length int) []byte {
	full := len(labelPrefix) + len(label)
	if full > 255 || len(context) > 255 || length < 0 || length > 0xffff || length > 255*e.h.Size() {
		panic("keyschedule: HKDF-Expand-Label input out of range")
	}
	s := scratchPool.Get().(*scratch)
	// struct {
	//     uint16 length = Length;
	//     opaque label<7..255> = "tls13 " + Label;
	//     opaque context<0..255> = Context;
	// } HkdfLabel;
	info := append(s.info[:0], byte(length>>8), byte(length), byte(full))
	info = append(info, labelPrefix...)
	info = append(info, label...)
	info = append(info, byte(len(context)))
	info = append(info, context...)
	out, err := hkdf.Expand(e.h.New, e.prk, string(info), length)
	scratchPool.Put(s)
	if err != nil {
		panic("keyschedule: " + err.Error()) // lengths were checked above
	}
	dst = append(dst, out...)
	clear(out)
	return dst
}

// newExpander returns an expander for secret.
func newExpander(h crypto.Hash, secret []byte) expander { return expander{h: h, prk: secret} }

// ExpandLabel is HKDF-Expand-Label (RFC 8446, Section 7.1):
//
//	HKDF-Expand(Secret, HkdfLabel, Length)
//
// where HkdfLabel is the uint16 length, the label "tls13 "+label and the
// context, each of the last two with a one-byte length prefix. It panics if
// label or context is longer than the structure can carry or length exceeds
// 255 * h.Size().
func ExpandLabel(h crypto.Hash, secret []byte, label string, context []byte, length int) []byte {
	e := newExpander(h, secret)
	return e.expandLabel(make([]byte, 0, length), label, context, length)
}

// DeriveSecret is Derive-Secret (RFC 8446, Section 7.1):
//
//	HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
//
// It takes the transcript hash already computed.
func DeriveSecret(h crypto.Hash, secret []byte, label string, transcriptHash []byte) []byte {
	return ExpandLabel(h, secret, label, transcriptHash, h.Size())
}

// deriveSecret is DeriveSecret with the expander of secret.
func (e *expander) deriveSecret(label string, transcriptHash []byte) []byte {
	return e.expandLabel(make([]byte, 0, e.h.Size()), label, transcriptHash, e.h.Size())
}

// extract is HKDF-Extract(salt, IKM).
func extract(h crypto.Hash, salt, ikm []byte) []byte {
	out, err := hkdf.Extract(h.New, ikm, salt)
	if err != nil {
		panic("keyschedule: HKDF-Extract: " + err.Error())
	}
	return out
}

// Hash("") for the TLS hashes, computed once.
var (
	emptySHA256 = sha256.Sum256(nil)
	emptySHA384 = sha512.Sum384(nil)
	emptySHA512 = sha512.Sum512(nil)
)

// emptyHash returns Hash("") for h, the transcript hash of no messages.
// The result is shared: callers must not modify it.
func emptyHash(h crypto.Hash) []byte {
	switch h {
	case crypto.SHA256:
		return emptySHA256[:len(emptySHA256):len(emptySHA256)]
	case crypto.SHA384:
		return emptySHA384[:len(emptySHA384):len(emptySHA384)]
	case crypto.SHA512:
		return emptySHA512[:len(emptySHA512):len(emptySHA512)]
	}
	return h.New().Sum(nil)
}

// hmacSum returns HMAC-h(key, data).
func hmacSum(h crypto.Hash, key, data []byte) []byte {
	m := hmac.New(h.New, key)
	m.Write(data)
	return m.Sum(nil)
}
