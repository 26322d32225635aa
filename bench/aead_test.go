package bench

import (
	"crypto/aes"
	"crypto/cipher"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// aeadKind names a raw AEAD for the ceiling rows.
type aeadKind int

const (
	aesGCM128 aeadKind = iota
	aesGCM256
	chacha20Poly1305
)

var aeadNames = [...]string{"AES_128_GCM", "AES_256_GCM", "CHACHA20_POLY1305"}

func newAEAD(k aeadKind) cipher.AEAD {
	var (
		a   cipher.AEAD
		err error
	)
	switch k {
	case aesGCM128, aesGCM256:
		key := make([]byte, 16)
		if k == aesGCM256 {
			key = make([]byte, 32)
		}
		var block cipher.Block
		if block, err = aes.NewCipher(key); err == nil {
			a, err = cipher.NewGCM(block)
		}
	case chacha20Poly1305:
		a, err = chacha20poly1305.New(make([]byte, chacha20poly1305.KeySize))
	}
	if err != nil {
		panic(err)
	}
	return a
}

// BenchmarkAEADCeiling seals and opens one buffer in place per op with the
// primitive alone: the rate a record layer (one seal on the writer, one
// open on the reader) can approach but not pass.
func BenchmarkAEADCeiling(b *testing.B) {
	for k := range aeadNames {
		for _, sz := range bulkSizes[:2] {
			b.Run("aead="+aeadNames[k]+"/size="+sz.name, func(b *testing.B) {
				a := newAEAD(aeadKind(k))
				nonce := make([]byte, a.NonceSize())
				aad := []byte{23, 3, 3, 0, 0} // the size of a TLS 1.3 record header
				buf := make([]byte, sz.n+a.Overhead())
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				for b.Loop() {
					ct := a.Seal(buf[:0], nonce, buf[:sz.n], aad)
					if _, err := a.Open(buf[:0], nonce, ct, aad); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
