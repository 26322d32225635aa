package keyschedule

import (
	"crypto"
	"crypto/hkdf"
	"crypto/hmac"

	// The hashes the TLS cipher suites use must be linked in for
	// crypto.Hash.New to work.
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// labelPrefix is prepended to every HKDF-Expand-Label label.
// RFC 8446, Section 7.1: opaque label<7..255> = "tls13 " + Label;
const labelPrefix = "tls13 "

// ExpandLabel is HKDF-Expand-Label (RFC 8446, Section 7.1):
//
//	HKDF-Expand(Secret, HkdfLabel, Length)
//
// where HkdfLabel is the uint16 length, the label "tls13 "+label and the
// context, each of the last two with a one-byte length prefix. It panics if
// label or context is longer than the structure can carry or length exceeds
// 255 * h.Size().
func ExpandLabel(h crypto.Hash, secret []byte, label string, context []byte, length int) []byte {
	full := len(labelPrefix) + len(label)
	if full > 255 || len(context) > 255 || length < 0 || length > 0xffff {
		panic("keyschedule: HKDF-Expand-Label input out of range")
	}
	info := make([]byte, 0, 2+1+full+1+len(context))
	info = append(info, byte(length>>8), byte(length))
	info = append(info, byte(full))
	info = append(info, labelPrefix...)
	info = append(info, label...)
	info = append(info, byte(len(context)))
	info = append(info, context...)
	out, err := hkdf.Expand(h.New, secret, string(info), length)
	if err != nil {
		panic("keyschedule: HKDF-Expand: " + err.Error())
	}
	return out
}

// DeriveSecret is Derive-Secret (RFC 8446, Section 7.1):
//
//	HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
//
// It takes the transcript hash already computed.
func DeriveSecret(h crypto.Hash, secret []byte, label string, transcriptHash []byte) []byte {
	return ExpandLabel(h, secret, label, transcriptHash, h.Size())
}

// extract is HKDF-Extract(salt, IKM).
func extract(h crypto.Hash, salt, ikm []byte) []byte {
	out, err := hkdf.Extract(h.New, ikm, salt)
	if err != nil {
		panic("keyschedule: HKDF-Extract: " + err.Error())
	}
	return out
}

// emptyHash returns Hash("") for h, the transcript hash of no messages.
func emptyHash(h crypto.Hash) []byte {
	return h.New().Sum(nil)
}

// hmacSum returns HMAC-h(key, data).
func hmacSum(h crypto.Hash, key, data []byte) []byte {
	m := hmac.New(h.New, key)
	m.Write(data)
	return m.Sum(nil)
}
