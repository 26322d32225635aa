package kex

import (
	"bytes"
	"crypto/ecdh"
	"crypto/mlkem"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/alert"
)

var allGroups = []uint16{X25519, P256, P384, P521, X25519MLKEM768}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	for _, g := range allGroups {
		t.Run(Name(g), func(t *testing.T) {
			if !Supported(g) {
				t.Fatal("not supported")
			}
			k, err := GenerateKey(g, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if k.Group() != g {
				t.Fatalf("group %x", k.Group())
			}
			share, secret, err := Encapsulate(g, rand.Reader, k.PublicKey())
			if err != nil {
				t.Fatal(err)
			}
			got, err := k.SharedSecret(share)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, secret) || len(secret) == 0 {
				t.Fatalf("secrets differ:\n%x\n%x", got, secret)
			}
			wantShare := map[uint16][2]int{
				X25519:         {32, 32},
				P256:           {65, 65},
				P384:           {97, 97},
				P521:           {133, 133},
				X25519MLKEM768: {1216, 1120},
			}[g]
			if len(k.PublicKey()) != wantShare[0] || len(share) != wantShare[1] {
				t.Errorf("share lengths %d, %d", len(k.PublicKey()), len(share))
			}
			if g == X25519MLKEM768 && len(secret) != 64 {
				t.Errorf("hybrid secret of %d bytes", len(secret))
			}
		})
	}
	if Supported(0x0100) || Supported(0) {
		t.Error("unknown group supported")
	}
}

// RFC 8448, Section 3: both x25519 key pairs and the shared secret.
func TestRFC8448X25519(t *testing.T) {
	clientPriv := mustHex(`49 af 42 ba 7f 79 94 85 2d 71 3e f2 78 4b cb ca a7 91 1d e2 6a dc 56 42 cb 63 45 40 e7 ea 50 05`)
	clientPub := mustHex(`99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c`)
	serverPriv := mustHex(`b1 58 0e ea df 6d d5 89 b8 ef 4f 2d 56 52 57 8c c8 10 e9 98 01 91 ec 8d 05 83 08 ce a2 16 a2 1e`)
	serverPub := mustHex(`c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f`)
	shared := mustHex(`8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d`)

	// The client generates its key from an injected reader.
	c, err := GenerateKey(X25519, bytes.NewReader(clientPriv))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.PublicKey(), clientPub) {
		t.Fatalf("client public %x", c.PublicKey())
	}
	// The server answers with its own key from an injected reader.
	share, secret, err := Encapsulate(X25519, bytes.NewReader(serverPriv), clientPub)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(share, serverPub) || !bytes.Equal(secret, shared) {
		t.Fatalf("server share %x secret %x", share, secret)
	}
	got, err := c.SharedSecret(serverPub)
	if err != nil || !bytes.Equal(got, shared) {
		t.Fatalf("client secret %x, %v", got, err)
	}
	s, err := NewX25519PrivateKey(serverPriv)
	if err != nil || !bytes.Equal(s.PublicKey(), serverPub) {
		t.Fatalf("NewX25519PrivateKey: %v", err)
	}
	if _, err := NewX25519PrivateKey(serverPriv[:31]); err == nil {
		t.Error("short scalar accepted")
	}
	if _, err := GenerateKey(X25519, bytes.NewReader(make([]byte, 5))); err == nil {
		t.Error("short reader accepted")
	}
}

// RFC 8448, Section 5: the secp256r1 exchange after HelloRetryRequest.
func TestRFC8448P256(t *testing.T) {
	clientPriv := mustHex(`ab 54 73 46 7e 19 34 6c eb 0a 04 14 e4 1d a2 1d
		4d 24 45 bc 30 25 af e9 7c 4e 8d c8 d5 13 da 39`)
	clientPub := mustHex(`04 a6 da 73 92 ec 59 1e 17 ab fd 53 59 64 b9 98
		94 d1 3b ef b2 21 b3 de f2 eb e3 83 0e ac 8f 01 51 81 26 77 c4 d6 d2 23
		7e 85 cf 01 d6 91 0c fb 83 95 4e 76 ba 73 52 83 05 34 15 98 97 e8 06 57 80`)
	serverPub := mustHex(`04 58 3e 05 4b 7a 66 67 2a e0 20 ad 9d 26 86 fc c8 5b 5a d4 1a 13 4a 0f 03 ee 72 b8 93 05 2b d8
		5b 4c 8d e6 77 6f 5b 04 ac 07 d8 35 40 ea b3 e3 d9 c5 47 bc 65 28 c4 31 7d 29 46 86 09 3a 6c ad 7d`)
	shared := mustHex(`c1 42 ce 13 ca 11 b5 c2 23 36 52 e6 3a d3 d9 78 44 f1 62 1f bf b9 de 69 d5 47 dc 8f ed ea be b4`)
	priv, err := ecdh.P256().NewPrivateKey(clientPriv)
	if err != nil {
		t.Fatal(err)
	}
	k := &PrivateKey{group: P256, ecdh: priv, share: priv.PublicKey().Bytes()}
	if !bytes.Equal(k.PublicKey(), clientPub) {
		t.Fatalf("client public %x", k.PublicKey())
	}
	got, err := k.SharedSecret(serverPub)
	if err != nil || !bytes.Equal(got, shared) {
		t.Fatalf("secret %x, %v", got, err)
	}
}

func TestInvalidShares(t *testing.T) {
	p256, _ := GenerateKey(P256, rand.Reader)
	compressed := append([]byte{2 + p256.PublicKey()[64]&1}, p256.PublicKey()[1:33]...)
	offCurve := bytes.Clone(p256.PublicKey())
	offCurve[64] ^= 1
	hybrid, _ := GenerateKey(X25519MLKEM768, rand.Reader)
	badEK := bytes.Clone(hybrid.PublicKey())
	for i := 0; i < 2; i++ { // a coefficient >= q in the first 12 bits
		badEK[i] = 0xff
	}
	// Low-order points of Curve25519 give an all-zero shared secret.
	lowOrder := [][]byte{
		make([]byte, 32),
		append([]byte{1}, make([]byte, 31)...),
		mustHex(`e0 eb 7a 7c 3b 41 b8 ae 16 56 e3 fa f1 9f c4 6a da 09 8d eb 9c 32 b1 fd 86 62 05 16 5f 49 b8 00`),
	}
	hybridWithLow := append(bytes.Clone(hybrid.PublicKey()[:mlkem.EncapsulationKeySize768]), lowOrder[0]...)

	for _, tc := range []struct {
		name  string
		group uint16
		share []byte
	}{
		{"x25519 empty", X25519, nil},
		{"x25519 short", X25519, make([]byte, 31)},
		{"x25519 long", X25519, make([]byte, 33)},
		{"x25519 zero point", X25519, lowOrder[0]},
		{"x25519 order 1", X25519, lowOrder[1]},
		{"x25519 order 8", X25519, lowOrder[2]},
		{"p256 empty", P256, nil},
		{"p256 infinity", P256, []byte{0}},
		{"p256 compressed", P256, compressed},
		{"p256 compressed padded", P256, append(bytes.Clone(compressed), make([]byte, 32)...)},
		{"p256 hybrid form", P256, append([]byte{6}, p256.PublicKey()[1:]...)},
		{"p256 off curve", P256, offCurve},
		{"p256 zeros", P256, append([]byte{4}, make([]byte, 64)...)},
		{"p256 share on p384", P384, p256.PublicKey()},
		{"p384 wrong length", P384, make([]byte, 96)},
		{"p521 wrong length", P521, make([]byte, 65)},
		{"hybrid empty", X25519MLKEM768, nil},
		{"hybrid short", X25519MLKEM768, hybrid.PublicKey()[:1215]},
		{"hybrid long", X25519MLKEM768, append(bytes.Clone(hybrid.PublicKey()), 0)},
		{"hybrid bad ek", X25519MLKEM768, badEK},
		{"hybrid low order x25519", X25519MLKEM768, hybridWithLow},
		{"unknown group", 0x0042, make([]byte, 32)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Encapsulate(tc.group, rand.Reader, tc.share)
			if a, ok := alert.Of(err); !ok || a != alert.IllegalParameter {
				t.Fatalf("got %v, want illegal_parameter", err)
			}
			if !strings.HasPrefix(err.Error(), "hush: ") {
				t.Errorf("error %q", err)
			}
			if !Supported(tc.group) {
				return
			}
			// The initiator side rejects the same shares (where the
			// share format is the same in both directions).
			if tc.group == X25519MLKEM768 {
				return
			}
			k, err := GenerateKey(tc.group, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			_, err = k.SharedSecret(tc.share)
			if a, ok := alert.Of(err); !ok || a != alert.IllegalParameter {
				t.Fatalf("SharedSecret: got %v, want illegal_parameter", err)
			}
		})
	}
}

func TestHybridClientRejects(t *testing.T) {
	k, err := GenerateKey(X25519MLKEM768, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	share, _, err := Encapsulate(X25519MLKEM768, rand.Reader, k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	low := append(bytes.Clone(share[:mlkem.CiphertextSize768]), make([]byte, 32)...)
	for name, s := range map[string][]byte{
		"empty":     nil,
		"short":     share[:len(share)-1],
		"long":      append(bytes.Clone(share), 0),
		"low order": low,
	} {
		_, err := k.SharedSecret(s)
		if a, ok := alert.Of(err); !ok || a != alert.IllegalParameter {
			t.Errorf("%s: got %v, want illegal_parameter", name, err)
		}
	}
	// A corrupted ciphertext is not detectable (implicit rejection): it
	// gives a different secret, not an error.
	bad := bytes.Clone(share)
	bad[0] ^= 1
	if _, err := k.SharedSecret(bad); err != nil {
		t.Errorf("corrupted ciphertext: %v", err)
	}
}

func TestNames(t *testing.T) {
	for _, g := range allGroups {
		if strings.HasPrefix(Name(g), "0x") {
			t.Errorf("no name for %x", g)
		}
	}
	if Name(0x1234) != "0x1234" {
		t.Error(Name(0x1234))
	}
	if _, err := GenerateKey(0x1234, rand.Reader); err == nil {
		t.Error("unknown group generated")
	}
}

func FuzzEncapsulate(f *testing.F) {
	for _, g := range allGroups {
		k, err := GenerateKey(g, rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(g, k.PublicKey())
		f.Add(g, k.PublicKey()[:len(k.PublicKey())-1])
		share, _, err := Encapsulate(g, rand.Reader, k.PublicKey())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(g, share)
	}
	f.Add(P256, []byte{0})
	f.Add(X25519, make([]byte, 32))
	f.Fuzz(func(t *testing.T, group uint16, share []byte) {
		// Steer most inputs to a real group.
		if !Supported(group) {
			group = allGroups[int(group)%len(allGroups)]
		}
		out, secret, err := Encapsulate(group, rand.Reader, share)
		if err != nil {
			if a, ok := alert.Of(err); !ok || a != alert.IllegalParameter {
				t.Fatalf("error without illegal_parameter: %v", err)
			}
			return
		}
		if len(out) == 0 || len(secret) == 0 {
			t.Fatal("empty result")
		}
		// The initiator side must not panic either.
		k, err := GenerateKey(group, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.SharedSecret(share); err != nil {
			if _, ok := alert.Of(err); !ok {
				t.Fatalf("error without alert: %v", err)
			}
		}
	})
}
