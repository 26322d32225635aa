package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/suites"
	"golang.org/x/crypto/chacha20poly1305"
)

// testCase is one suite in one protocol version with fixed key material.
type testCase struct {
	name  string
	suite *suites.Suite
	key   []byte
	iv    []byte
}

func mustSuite(id uint16) *suites.Suite {
	s, ok := suites.Lookup(id)
	if !ok {
		panic("missing suite")
	}
	return s
}

func seqBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)*7
	}
	return b
}

func allCases() []testCase {
	var out []testCase
	for _, c := range []struct {
		name string
		id   uint16
	}{
		{"TLS13_AES128GCM", suites.TLS_AES_128_GCM_SHA256},
		{"TLS13_AES256GCM", suites.TLS_AES_256_GCM_SHA384},
		{"TLS13_CHACHA20", suites.TLS_CHACHA20_POLY1305_SHA256},
		{"TLS12_AES128GCM", suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
		{"TLS12_AES256GCM", suites.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
		{"TLS12_CHACHA20", suites.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256},
	} {
		s := mustSuite(c.id)
		out = append(out, testCase{c.name, s, seqBytes(s.KeyLen, 0x10), seqBytes(s.IVLen, 0xa0)})
	}
	return out
}

// pair returns a writer and a reader Protector with the same key.
func (tc testCase) pair(t testing.TB) (w, r *Protector) {
	t.Helper()
	newP := NewTLS13
	if tc.suite.Version == 0x0303 {
		newP = NewTLS12
	}
	w, err := newP(tc.suite, tc.key, tc.iv)
	if err != nil {
		t.Fatal(err)
	}
	r, err = newP(tc.suite, tc.key, tc.iv)
	if err != nil {
		t.Fatal(err)
	}
	return w, r
}

// rawAEAD builds the suite's AEAD with crypto/cipher or x/crypto directly,
// independently of the suites package.
func rawAEAD(t testing.TB, tc testCase) cipher.AEAD {
	t.Helper()
	if tc.suite.Cipher == suites.CipherChaCha20Poly1305 {
		a, err := chacha20poly1305.New(tc.key)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	block, err := aes.NewCipher(tc.key)
	if err != nil {
		t.Fatal(err)
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// xorNonce is the RFC 8446 / RFC 7905 nonce, written out longhand.
func xorNonce(iv []byte, seq uint64) []byte {
	n := bytes.Clone(iv)
	var s [12]byte
	binary.BigEndian.PutUint64(s[4:], seq)
	for i := range n {
		n[i] ^= s[i]
	}
	return n
}

// expectedRecord builds by hand the record a Protector should produce.
func expectedRecord(t testing.TB, tc testCase, seq uint64, typ uint8, payload []byte, padding int) []byte {
	t.Helper()
	a := rawAEAD(t, tc)
	var seqBE [8]byte
	binary.BigEndian.PutUint64(seqBE[:], seq)
	switch {
	case tc.suite.Version == 0x0304:
		inner := append(append(bytes.Clone(payload), typ), make([]byte, padding)...)
		hdr := []byte{23, 3, 3, 0, 0}
		binary.BigEndian.PutUint16(hdr[3:], uint16(len(inner)+a.Overhead()))
		return a.Seal(hdr, xorNonce(tc.iv, seq), inner, hdr)
	case len(tc.iv) == 4:
		// RFC 5288: nonce = salt || nonce_explicit; nonce_explicit on the wire.
		aad := append(append(seqBE[:], typ, 3, 3), byte(len(payload)>>8), byte(len(payload)))
		nonce := append(bytes.Clone(tc.iv), seqBE[:]...)
		rec := []byte{typ, 3, 3, 0, 0}
		binary.BigEndian.PutUint16(rec[3:], uint16(8+len(payload)+a.Overhead()))
		rec = append(rec, seqBE[:]...)
		return a.Seal(rec, nonce, payload, aad)
	default:
		aad := append(append(seqBE[:], typ, 3, 3), byte(len(payload)>>8), byte(len(payload)))
		rec := []byte{typ, 3, 3, 0, 0}
		binary.BigEndian.PutUint16(rec[3:], uint16(len(payload)+a.Overhead()))
		return a.Seal(rec, xorNonce(tc.iv, seq), payload, aad)
	}
}

func wantAlert(t testing.TB, err error, want alert.Alert) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	got, ok := alert.Of(err)
	if !ok || got != want {
		t.Fatalf("error %q carries alert %v (%v), want %v", err, got, ok, want)
	}
	var ae *alert.Error
	if !errors.As(err, &ae) || len(err.Error()) < 6 || err.Error()[:6] != "hush: " {
		t.Fatalf("error %q is not a hush alert error", err)
	}
}
