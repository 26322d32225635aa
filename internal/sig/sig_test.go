package sig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hushtls/hush/internal/alert"
)

const (
	tls12 = 0x0303
	tls13 = 0x0304
)

type testKeys struct {
	p256, p384, p521 *ecdsa.PrivateKey
	rsa2048, rsa1024 *rsa.PrivateKey
	ed               ed25519.PrivateKey
}

var keys = sync.OnceValue(func() testKeys {
	var k testKeys
	var err error
	must := func(e error) {
		if e != nil {
			panic(e)
		}
	}
	k.p256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	k.p384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	must(err)
	k.p521, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	must(err)
	k.rsa2048, err = rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	k.rsa1024, err = rsa.GenerateKey(rand.Reader, 1024)
	must(err)
	_, k.ed, err = ed25519.GenerateKey(rand.Reader)
	must(err)
	return k
})

// signers returns every test key with the schemes whose key type it has.
func signers() map[string]crypto.Signer {
	k := keys()
	return map[string]crypto.Signer{
		"P-256": k.p256, "P-384": k.p384, "P-521": k.p521,
		"RSA-2048": k.rsa2048, "RSA-1024": k.rsa1024, "Ed25519": k.ed,
	}
}

var allSchemes = []uint16{
	PKCS1WithSHA256, PKCS1WithSHA384, PKCS1WithSHA512,
	ECDSAWithP256AndSHA256, ECDSAWithP384AndSHA384, ECDSAWithP521AndSHA512,
	PSSWithSHA256, PSSWithSHA384, PSSWithSHA512,
	Ed25519, PKCS1WithSHA1, ECDSAWithSHA1,
}

func TestSignVerifyEveryScheme(t *testing.T) {
	msg := SignedContent13(ServerContext13, make([]byte, 32))
	for name, signer := range signers() {
		for _, scheme := range allSchemes {
			pub := signer.Public()
			fitsType := keyTypeOf(pub) == schemes[scheme].keyType()
			tooSmall := name == "RSA-1024" && scheme == PSSWithSHA512
			sigBytes, err := Sign(signer, scheme, rand.Reader, msg)
			switch {
			case !fitsType:
				if a, _ := alert.Of(err); a != alert.InternalError {
					t.Errorf("%s/%s: signed with a mismatched key: %v", name, Name(scheme), err)
				}
				if a, _ := alert.Of(Verify(pub, scheme, msg, make([]byte, 64))); a != alert.IllegalParameter {
					t.Errorf("%s/%s: mismatched key not illegal_parameter", name, Name(scheme))
				}
				continue
			case tooSmall:
				if err == nil {
					t.Errorf("%s/%s: signed with a too small key", name, Name(scheme))
				}
				continue
			case err != nil:
				t.Errorf("%s/%s: %v", name, Name(scheme), err)
				continue
			}
			if err := Verify(pub, scheme, msg, sigBytes); err != nil {
				t.Errorf("%s/%s: %v", name, Name(scheme), err)
			}
			bad := slices.Clone(msg)
			bad[70] ^= 1
			if a, _ := alert.Of(Verify(pub, scheme, bad, sigBytes)); a != alert.DecryptError {
				t.Errorf("%s/%s: altered message verified", name, Name(scheme))
			}
			if a, _ := alert.Of(Verify(pub, scheme, msg, sigBytes[:len(sigBytes)-1])); a != alert.DecryptError {
				t.Errorf("%s/%s: truncated signature verified", name, Name(scheme))
			}
			// Another key of the same type does not verify it.
			other := map[string]crypto.PublicKey{
				"P-256": keys().p384.Public(), "P-384": keys().p256.Public(), "P-521": keys().p256.Public(),
				"RSA-2048": keys().rsa1024.Public(), "RSA-1024": keys().rsa2048.Public(),
				"Ed25519": ed25519.NewKeyFromSeed(make([]byte, 32)).Public(),
			}[name]
			if Verify(other, scheme, msg, sigBytes) == nil {
				t.Errorf("%s/%s: verified under another key", name, Name(scheme))
			}
		}
	}
}

func TestPSSSaltIsHashLength(t *testing.T) {
	k := keys().rsa2048
	msg := []byte("message")
	for _, scheme := range []uint16{PSSWithSHA256, PSSWithSHA384, PSSWithSHA512} {
		h, _ := Hash(scheme)
		s, err := Sign(k, scheme, rand.Reader, msg)
		if err != nil {
			t.Fatal(err)
		}
		d := h.New()
		d.Write(msg)
		if err := rsa.VerifyPSS(&k.PublicKey, h, d.Sum(nil), s, &rsa.PSSOptions{SaltLength: h.Size()}); err != nil {
			t.Errorf("%s: salt is not hash-sized: %v", Name(scheme), err)
		}
		// A signature with another salt length must be rejected.
		other, err := rsa.SignPSS(rand.Reader, k, h, d.Sum(nil), &rsa.PSSOptions{SaltLength: 20})
		if err != nil {
			t.Fatal(err)
		}
		if Verify(&k.PublicKey, scheme, msg, other) == nil {
			t.Errorf("%s: 20-byte salt accepted", Name(scheme))
		}
	}
}

func TestVerifyRejectsBadKeys(t *testing.T) {
	msg, s := []byte("m"), make([]byte, 64)
	for name, pub := range map[string]crypto.PublicKey{
		"nil":               nil,
		"nil ecdsa":         (*ecdsa.PublicKey)(nil),
		"ecdsa no curve":    &ecdsa.PublicKey{},
		"nil rsa":           (*rsa.PublicKey)(nil),
		"rsa no modulus":    &rsa.PublicKey{E: 3},
		"rsa zero modulus":  &rsa.PublicKey{N: new(big.Int), E: 3},
		"short ed25519":     ed25519.PublicKey(make([]byte, 31)),
		"ed25519 private":   keys().ed,
		"string":            "key",
		"ecdsa private key": keys().p256,
	} {
		for _, scheme := range allSchemes {
			if a, _ := alert.Of(Verify(pub, scheme, msg, s)); a != alert.IllegalParameter {
				t.Errorf("%s/%s: want illegal_parameter", name, Name(scheme))
			}
		}
	}
	if a, _ := alert.Of(Verify(keys().ed.Public(), 0x0808, msg, s)); a != alert.IllegalParameter {
		t.Error("unknown scheme not illegal_parameter")
	}
}

func TestVerify13(t *testing.T) {
	k := keys()
	msg := []byte("content")
	// ECDSA is curve-bound in TLS 1.3 but not in TLS 1.2.
	s, err := Sign(k.p384, ECDSAWithP256AndSHA256, rand.Reader, msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(k.p384.Public(), ECDSAWithP256AndSHA256, msg, s); err != nil {
		t.Errorf("TLS 1.2 style cross-curve signature: %v", err)
	}
	if a, _ := alert.Of(Verify13(k.p384.Public(), ECDSAWithP256AndSHA256, msg, s)); a != alert.IllegalParameter {
		t.Error("Verify13 accepted a P-384 key under ecdsa_secp256r1_sha256")
	}
	// PKCS #1 v1.5 and SHA-1 never sign a TLS 1.3 CertificateVerify.
	for _, scheme := range []uint16{PKCS1WithSHA256, PKCS1WithSHA1} {
		s, err := Sign(k.rsa2048, scheme, rand.Reader, msg)
		if err != nil {
			t.Fatal(err)
		}
		if Verify(k.rsa2048.Public(), scheme, msg, s) != nil {
			t.Fatal("Verify")
		}
		if a, _ := alert.Of(Verify13(k.rsa2048.Public(), scheme, msg, s)); a != alert.IllegalParameter {
			t.Errorf("Verify13 accepted %s", Name(scheme))
		}
	}
	s, _ = Sign(k.ed, Ed25519, rand.Reader, msg)
	if err := Verify13(k.ed.Public(), Ed25519, msg, s); err != nil {
		t.Error(err)
	}
}

func TestSchemesForKey(t *testing.T) {
	k := keys()
	for _, tc := range []struct {
		name    string
		pub     crypto.PublicKey
		version uint16
		want    []uint16
	}{
		{"P-256 1.3", k.p256.Public(), tls13, []uint16{ECDSAWithP256AndSHA256}},
		{"P-384 1.3", k.p384.Public(), tls13, []uint16{ECDSAWithP384AndSHA384}},
		{"P-521 1.3", k.p521.Public(), tls13, []uint16{ECDSAWithP521AndSHA512}},
		{"P-384 1.2", k.p384.Public(), tls12, []uint16{ECDSAWithP256AndSHA256, ECDSAWithP384AndSHA384, ECDSAWithP521AndSHA512}},
		{"RSA-2048 1.3", k.rsa2048.Public(), tls13, []uint16{PSSWithSHA256, PSSWithSHA384, PSSWithSHA512}},
		{"RSA-2048 1.2", k.rsa2048.Public(), tls12, []uint16{PSSWithSHA256, PSSWithSHA384, PSSWithSHA512, PKCS1WithSHA256, PKCS1WithSHA384, PKCS1WithSHA512}},
		{"RSA-1024 1.3", k.rsa1024.Public(), tls13, []uint16{PSSWithSHA256, PSSWithSHA384}},
		{"RSA-1024 1.2", k.rsa1024.Public(), tls12, []uint16{PSSWithSHA256, PSSWithSHA384, PKCS1WithSHA256, PKCS1WithSHA384, PKCS1WithSHA512}},
		{"Ed25519 1.3", k.ed.Public(), tls13, []uint16{Ed25519}},
		{"Ed25519 1.2", k.ed.Public(), tls12, []uint16{Ed25519}},
		{"signer", k.ed, tls13, []uint16{Ed25519}},
		{"TLS 1.1", k.ed.Public(), 0x0302, nil},
		{"P-224", mustECDSA(t, elliptic.P224()).Public(), tls13, nil},
		{"unknown key", "key", tls13, nil},
	} {
		got := SchemesForKey(tc.pub, tc.version)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, names(got), names(tc.want))
		}
		for _, s := range allSchemes {
			if KeyMatches(tc.pub, s, tc.version) != slices.Contains(tc.want, s) {
				t.Errorf("%s: KeyMatches(%s) wrong", tc.name, Name(s))
			}
		}
	}
}

func mustECDSA(t *testing.T, c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func names(ss []uint16) string {
	var out []string
	for _, s := range ss {
		out = append(out, Name(s))
	}
	return strings.Join(out, ",")
}

func TestChoose(t *testing.T) {
	k := keys()
	got, err := Choose(k.rsa2048.Public(), []uint16{PKCS1WithSHA256, PSSWithSHA384, PSSWithSHA256}, tls13)
	if err != nil || got != PSSWithSHA256 {
		t.Errorf("RSA 1.3: %s, %v", Name(got), err)
	}
	got, err = Choose(k.rsa2048.Public(), []uint16{PKCS1WithSHA256}, tls12)
	if err != nil || got != PKCS1WithSHA256 {
		t.Errorf("RSA 1.2: %s, %v", Name(got), err)
	}
	_, err = Choose(k.rsa2048.Public(), []uint16{PKCS1WithSHA256, PKCS1WithSHA1}, tls13)
	if a, _ := alert.Of(err); a != alert.HandshakeFailure {
		t.Errorf("RSA 1.3 with only PKCS1: %v", err)
	}
	_, err = Choose(k.p384.Public(), []uint16{ECDSAWithP256AndSHA256}, tls13)
	if a, _ := alert.Of(err); a != alert.HandshakeFailure {
		t.Errorf("P-384 1.3 offered only P-256: %v", err)
	}
	got, err = Choose(k.p384.Public(), []uint16{ECDSAWithP256AndSHA256}, tls12)
	if err != nil || got != ECDSAWithP256AndSHA256 {
		t.Errorf("P-384 1.2: %s, %v", Name(got), err)
	}
	if _, err := Choose(k.ed.Public(), nil, tls13); err == nil || !strings.HasPrefix(err.Error(), "hush: ") {
		t.Errorf("empty peer list: %v", err)
	}
}

func TestAdvertised(t *testing.T) {
	want := []uint16{
		ECDSAWithP256AndSHA256, ECDSAWithP384AndSHA384, ECDSAWithP521AndSHA512, Ed25519,
		PSSWithSHA256, PSSWithSHA384, PSSWithSHA512, PKCS1WithSHA256, PKCS1WithSHA384, PKCS1WithSHA512,
	}
	if !slices.Equal(Supported13(), want) || !slices.Equal(Supported12(), want) {
		t.Errorf("Supported13 %v", names(Supported13()))
	}
	Supported13()[0] = 0 // callers get a copy
	if Supported13()[0] != ECDSAWithP256AndSHA256 {
		t.Error("Supported13 shares its slice")
	}
	for _, s := range allSchemes {
		pkcs1OrSHA1 := schemes[s].kind == kindPKCS1 || schemes[s].hash == crypto.SHA1
		if AllowedInHandshake(s, tls13) == pkcs1OrSHA1 {
			t.Errorf("AllowedInHandshake(%s, 1.3) wrong", Name(s))
		}
		if AllowedInHandshake(s, tls12) != slices.Contains(want, s) {
			t.Errorf("AllowedInHandshake(%s, 1.2) wrong", Name(s))
		}
		if strings.HasPrefix(Name(s), "0x") {
			t.Errorf("no name for %04x", s)
		}
	}
	if AllowedInHandshake(0x0808, tls13) || AllowedInHandshake(Ed25519, 0x0302) {
		t.Error("unknown scheme or version allowed")
	}
	if Name(0x0808) != "0x0808" {
		t.Error(Name(0x0808))
	}
	if _, ok := Hash(0x0808); ok {
		t.Error("Hash of unknown scheme")
	}
}

func TestSignedContent13(t *testing.T) {
	got := SignedContent13(ServerContext13, []byte{1, 2})
	want := strings.Repeat(" ", 64) + "TLS 1.3, server CertificateVerify\x00\x01\x02"
	if string(got) != want {
		t.Errorf("%q", got)
	}
}

func FuzzVerify(f *testing.F) {
	k := keys()
	msg := []byte("fuzz message")
	for _, signer := range []crypto.Signer{k.p256, k.rsa1024, k.ed} {
		for _, scheme := range SchemesForKey(signer.Public(), tls12) {
			s, err := Sign(signer, scheme, rand.Reader, msg)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(scheme, uint8(0), s)
		}
	}
	f.Add(uint16(0), uint8(3), []byte{})
	pubs := []crypto.PublicKey{k.p256.Public(), k.p384.Public(), k.rsa1024.Public(), k.ed.Public(), nil}
	f.Fuzz(func(t *testing.T, scheme uint16, key uint8, signature []byte) {
		pub := pubs[int(key)%len(pubs)]
		err := Verify(pub, scheme, msg, signature)
		if err == nil {
			return
		}
		if a, ok := alert.Of(err); !ok || (a != alert.DecryptError && a != alert.IllegalParameter) {
			t.Fatalf("unexpected error %v", err)
		}
		_ = Verify13(pub, scheme, msg, signature)
	})
}
