package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"testing"

	"github.com/hushtls/hush/suites"
)

// TestParkLongKey checks a suite whose key does not fit a Protector's
// inline key (a registered suite may have any key length): Park leaves
// such a Protector's AEAD alone, so records go on under the whole key.
func TestParkLongKey(t *testing.T) {
	base, ok := suites.Lookup(0x1301) // TLS_AES_128_GCM_SHA256
	if !ok {
		t.Fatal("no TLS_AES_128_GCM_SHA256")
	}
	s := *base
	s.KeyLen = 48
	s.NewAEAD = func(key []byte) (cipher.AEAD, error) {
		if len(key) != 48 {
			return nil, errors.New("want a 48-byte key")
		}
		// A stand-in AEAD whose key is all 48 bytes: AES-256 keyed with
		// the first 32 bytes XOR the last 16 (twice).
		k := append([]byte(nil), key[:32]...)
		for i := range k {
			k[i] ^= key[32+i%16]
		}
		b, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(b)
	}
	key := bytes.Repeat([]byte{3}, 48)
	key[47] = 9 // a byte past the inline room matters
	iv := bytes.Repeat([]byte{5}, 12)
	w, err := NewTLS13(&s, key, iv)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewTLS13(&s, key, iv)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w.Park()
		r.Park()
		if w.Parked() || r.Parked() {
			t.Fatal("a Protector with a long key parked")
		}
		rec := w.Seal(nil, TypeApplicationData, []byte("hello"), 0)
		if _, pt, err := r.Open(rec); err != nil || string(pt) != "hello" {
			t.Fatalf("record %d: %q, %v", i, pt, err)
		}
	}
	other := bytes.Clone(key)
	other[47] = 10
	o, err := NewTLS13(&s, other, iv)
	if err != nil {
		t.Fatal(err)
	}
	o.Park()
	w2, err := NewTLS13(&s, key, iv)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.Open(w2.Seal(nil, TypeApplicationData, []byte("x"), 0)); err == nil {
		t.Fatal("a Protector with another key opened the record")
	}
}
