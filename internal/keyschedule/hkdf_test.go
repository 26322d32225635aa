package keyschedule

import (
	"bytes"
	"crypto"
	"crypto/hkdf"
	"testing"
)

// hkdfLabel builds the HkdfLabel structure independently of expandLabel.
func hkdfLabel(label string, context []byte, length int) string {
	b := []byte{byte(length >> 8), byte(length), byte(len("tls13 ") + len(label))}
	b = append(b, "tls13 "+label...)
	b = append(b, byte(len(context)))
	return string(append(b, context...))
}

// TestExpandLabelAgainstCryptoHKDF checks the expander, fresh and reused
// across labels, against crypto/hkdf for every length from 0 to several
// blocks.
func TestExpandLabelAgainstCryptoHKDF(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		secret := bytes.Repeat([]byte{0x5a}, h.Size())
		reused := newExpander(h, secret)
		for length := 0; length <= 4*h.Size()+3; length++ {
			for _, context := range [][]byte{nil, []byte("context"), bytes.Repeat([]byte{1}, 255)} {
				want, err := hkdf.Expand(h.New, secret, hkdfLabel("lbl", context, length), length)
				if err != nil {
					t.Fatal(err)
				}
				if got := ExpandLabel(h, secret, "lbl", context, length); !bytes.Equal(got, want) {
					t.Fatalf("%v length %d: ExpandLabel %x, want %x", h, length, got, want)
				}
				if got := reused.expandLabel([]byte("prefix"), "lbl", context, length); !bytes.Equal(got[6:], want) || string(got[:6]) != "prefix" {
					t.Fatalf("%v length %d: reused expander %x, want prefix + %x", h, length, got, want)
				}
			}
		}
	}
}

// TestKeyScheduleAllocations keeps the derivations from growing: the
// expansion is crypto/hkdf's (the project implements no primitive), so the
// bounds are what crypto/hkdf costs plus the pooled HkdfLabel.
func TestKeyScheduleAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	h := crypto.SHA256
	secret := bytes.Repeat([]byte{7}, 32)
	th := bytes.Repeat([]byte{9}, 32)
	ms := NewEarlySecret(h, nil).HandshakeSecret(secret).MasterSecret()
	ms.ClientApplicationTrafficSecret(th) // keys the stage's HMAC
	ms.ServerApplicationTrafficSecret(th) // first reset: HMAC state saved
	cases := []struct {
		name string
		max  float64
		f    func()
	}{
		{"ExpandLabel", 12, func() { ExpandLabel(h, secret, "c hs traffic", th, 32) }},
		{"TrafficKey", 21, func() { TrafficKey(h, secret, 16, 12) }},
		{"stage derivation", 12, func() { ms.ExporterMasterSecret(th) }},
	}
	for _, c := range cases {
		if n := testing.AllocsPerRun(50, c.f); n > c.max {
			t.Errorf("%s: %v allocations, want at most %v", c.name, n, c.max)
		}
	}
}

// TestPRF12LongSeed checks PRF12 with a seed longer than the pooled
// scratch space (an exporter with a long context) against a plain P_hash.
func TestPRF12LongSeed(t *testing.T) {
	secret := []byte("secret")
	seed := bytes.Repeat([]byte{0xab}, 2000)
	ref := func(n int) []byte {
		ls := append([]byte("label"), seed...)
		a := hmacSum(crypto.SHA256, secret, ls)
		var out []byte
		for len(out) < n {
			out = append(out, hmacSum(crypto.SHA256, secret, append(append([]byte(nil), a...), ls...))...)
			a = hmacSum(crypto.SHA256, secret, a)
		}
		return out[:n]
	}
	for _, n := range []int{12, 48, 100} {
		if got, want := PRF12(crypto.SHA256, secret, "label", seed, n), ref(n); !bytes.Equal(got, want) {
			t.Fatalf("n=%d: %x, want %x", n, got, want)
		}
		if got, want := PRF12(crypto.SHA256, secret, "label", seed[:40], n), PRF12(crypto.SHA256, secret, "label", bytes.Clone(seed[:40]), n); !bytes.Equal(got, want) {
			t.Fatalf("n=%d: short seed not stable", n)
		}
	}
}
