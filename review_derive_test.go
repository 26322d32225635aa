package hush

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
)

// TestReviewDeriveCertificateReplacedInPlace: a Config's Certificates
// element replaced in place after first use (a certificate rotation done
// without Clone, which the Config docs forbid but which is common) must not
// leave hush silently serving the old certificate and key: the per-Config
// cache is keyed on the slice's data pointer and length, which do not
// change when an element is overwritten.
func TestReviewDeriveCertificateReplacedInPlace(t *testing.T) {
	a, b := deriveTestCert(t, "a.example"), deriveTestCert(t, "b.example")
	cfg := &Config{Certificates: []Certificate{a}}
	leafOf := func() string {
		t.Helper()
		p, err := cfg.params(false)
		if err != nil {
			t.Fatal(err)
		}
		return p.Certificates[0].Leaf.Subject.CommonName
	}
	if got := leafOf(); got != "a.example" {
		t.Fatalf("before: %s", got)
	}
	cfg.Certificates[0] = b
	if got := leafOf(); got != "b.example" {
		t.Errorf("after Certificates[0] = b: serving %s (stale)", got)
	}
	cfg.Certificates = append(cfg.Certificates[:0], a)
	if got := leafOf(); got != "a.example" {
		t.Errorf("after append(Certificates[:0], a): serving %s (stale)", got)
	}
	// Only the key replaced (same chain): the new key must be used.
	_, k2, _ := ed25519.GenerateKey(rand.Reader)
	cfg.Certificates[0].PrivateKey = k2
	p, err := cfg.params(false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Certificates[0].Key.(ed25519.PrivateKey); !ok {
		t.Errorf("after a key replaced in place: still signing with %T", p.Certificates[0].Key)
	}
}

// TestReviewDeriveStillCached: the cache still hits for an unchanged
// Config, including an Ed25519 key (a slice, not comparable with ==).
func TestReviewDeriveStillCached(t *testing.T) {
	c := deriveTestCert(t, "a.example")
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	e := c
	e.PrivateKey = k // chain and key do not match; conversion does not check
	cfg := &Config{Certificates: []Certificate{c, e}}
	p1, err := cfg.params(false)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := cfg.params(false)
	if p1.Certificates[0] != p2.Certificates[0] || p1.Certificates[1] != p2.Certificates[1] {
		t.Error("unchanged Config re-derived its certificates")
	}
}
