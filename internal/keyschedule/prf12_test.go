package keyschedule

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"testing"

	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

// naivePHash is P_hash written the long way (RFC 5246, Section 5), with a
// fresh HMAC for every block, as an independent check of PRF12.
func naivePHash(h crypto.Hash, secret, seed []byte, n int) []byte {
	mac := func(data ...[]byte) []byte {
		m := hmac.New(h.New, secret)
		for _, d := range data {
			m.Write(d)
		}
		return m.Sum(nil)
	}
	var out []byte
	a := seed // A(0)
	for len(out) < n {
		a = mac(a)                         // A(i) = HMAC(secret, A(i-1))
		out = append(out, mac(a, seed)...) // HMAC(secret, A(i) + seed)
	}
	return out[:n]
}

func TestPRF12Vectors(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		h                    crypto.Hash
		secret, seed, output []byte
	}{{
		name:   "SHA-256",
		h:      crypto.SHA256,
		secret: rfc8448.Hex(`9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35`),
		seed:   rfc8448.Hex(`a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c`),
		output: rfc8448.Hex(`
			e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53
			c2 aa b2 1d 07 c3 d4 95 32 9b 52 d4 e6 1e db 5a
			6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba f9 af
			0f a0 22 f7 07 7d ef 17 ab fd 37 97 c0 56 4b ab
			4f bc 91 66 6e 9d ef 9b 97 fc e3 4f 79 67 89 ba
			a4 80 82 d1 22 ee 42 c5 a7 2e 5a 51 10 ff f7 01
			87 34 7b 66`),
	}, {
		name:   "SHA-384",
		h:      crypto.SHA384,
		secret: rfc8448.Hex(`b8 0b 73 3d 6c ee fc dc 71 56 6e a4 8e 55 67 df`),
		seed:   rfc8448.Hex(`cd 66 5c f6 a8 44 7d d6 ff 8b 27 55 5e db 74 65`),
		output: rfc8448.Hex(`
			7b 0c 18 e9 ce d4 10 ed 18 04 f2 cf a3 4a 33 6a
			1c 14 df fb 49 00 bb 5f d7 94 21 07 e8 1c 83 cd
			e9 ca 0f aa 60 be 9f e3 4f 82 b1 23 3c 91 46 a0
			e5 34 cb 40 0f ed 27 00 88 4f 9d c2 36 f8 0e dd
			8b fa 96 11 44 c9 e8 d7 92 ec a7 22 a7 b3 2f c3
			d4 16 d4 73 eb c2 c5 fd 4a bf da d0 5d 91 84 25
			9b 5b f8 cd 4d 90 fa 0d 31 e2 de c4 79 e4 f1 a2
			60 66 f2 ee a9 a6 92 36 a3 e5 26 55 c9 e9 ae e6
			91 c8 f3 a2 68 54 30 8d 5e aa 3b e8 5e 09 90 70
			3d 73 e5 6f`),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := PRF12(tc.h, tc.secret, "test label", tc.seed, len(tc.output))
			check(t, "PRF", got, tc.output)
			naive := naivePHash(tc.h, tc.secret, append([]byte("test label"), tc.seed...), len(tc.output))
			check(t, "naive P_hash", naive, tc.output)
		})
	}
}

func TestPRF12Lengths(t *testing.T) {
	secret, seed := []byte("secret"), []byte("seed")
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		for n := 0; n <= 3*h.Size()+1; n++ {
			want := naivePHash(h, secret, append([]byte("label"), seed...), n)
			check(t, "PRF", PRF12(h, secret, "label", seed, n), want)
		}
	}
}

func TestTLS12Derivations(t *testing.T) {
	h := crypto.SHA256
	pre := bytes.Repeat([]byte{1}, 48)
	cr := bytes.Repeat([]byte{2}, 32)
	sr := bytes.Repeat([]byte{3}, 32)

	ms := MasterSecret12(h, pre, cr, sr)
	check(t, "master", ms, naivePHash(h, pre, append([]byte("master secret"), append(cr, sr...)...), 48))

	sessionHash := bytes.Repeat([]byte{4}, 32)
	ems := ExtendedMasterSecret12(h, pre, sessionHash)
	check(t, "ems", ems, naivePHash(h, pre, append([]byte("extended master secret"), sessionHash...), 48))

	ck, sk, civ, siv := KeyBlock12(h, ms, cr, sr, 16, 4)
	block := naivePHash(h, ms, append([]byte("key expansion"), append(sr, cr...)...), 40)
	check(t, "client key", ck, block[:16])
	check(t, "server key", sk, block[16:32])
	check(t, "client iv", civ, block[32:36])
	check(t, "server iv", siv, block[36:40])
	// Appending to one part must not overwrite the next.
	_ = append(ck, 0xff)
	check(t, "server key after append", sk, block[16:32])

	hh := bytes.Repeat([]byte{5}, 32)
	check(t, "client finished", Finished12(h, ms, true, hh), naivePHash(h, ms, append([]byte("client finished"), hh...), 12))
	check(t, "server finished", Finished12(h, ms, false, hh), naivePHash(h, ms, append([]byte("server finished"), hh...), 12))

	// RFC 5705, Section 4: with and without context.
	seed := append(append([]byte("EXPERIMENTAL x"), cr...), sr...)
	check(t, "export no context", Export12(h, ms, cr, sr, "EXPERIMENTAL x", nil, false, 20), naivePHash(h, ms, seed, 20))
	withCtx := append(append(append([]byte{}, seed...), 0, 3), "ctx"...)
	check(t, "export context", Export12(h, ms, cr, sr, "EXPERIMENTAL x", []byte("ctx"), true, 20), naivePHash(h, ms, withCtx, 20))
	emptyCtx := append(append([]byte{}, seed...), 0, 0)
	check(t, "export empty context", Export12(h, ms, cr, sr, "EXPERIMENTAL x", nil, true, 20), naivePHash(h, ms, emptyCtx, 20))
}
