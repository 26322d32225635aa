package keyschedule

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"fmt"
	"testing"
)

// TestPRF12SharedHMAC checks that P_hash over one HMAC reused for many
// outputs (as Master12 does) equals the PRF with a fresh HMAC per call and
// the naive form of RFC 5246, Section 5, for several labels, seeds and
// lengths, in an order that reuses the HMAC after short and long outputs.
func TestPRF12SharedHMAC(t *testing.T) {
	secret := bytes.Repeat([]byte{0x5a}, 48)
	labels := []string{"key expansion", "client finished", "server finished", "x", ""}
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		m := hmac.New(h.New, secret)
		for i, label := range labels {
			for _, n := range []int{0, 1, 12, h.Size() - 1, h.Size(), h.Size() + 1, 40, 72, 3*h.Size() + 5} {
				seed1 := bytes.Repeat([]byte{byte(i)}, 32)
				seed2 := bytes.Repeat([]byte{byte(n)}, n%33)
				seed := append(append([]byte{}, seed1...), seed2...)
				name := fmt.Sprintf("%v/%q/%d", h, label, n)
				want := PRF12(h, secret, label, seed, n)
				check(t, name+" naive", want, naivePHash(h, secret, append([]byte(label), seed...), n))
				// Into a buffer with a prefix: the prefix stays, the
				// output follows it, nothing of the last block's excess
				// is left beyond it.
				buf := make([]byte, 3, 3+n+h.Size())
				copy(buf, "pre")
				got := pHash(m, buf, n, label, seed1, seed2)
				check(t, name+" prefix", got[:3], []byte("pre"))
				check(t, name+" shared", got[3:], want)
				if tail := got[len(got):cap(got)]; !bytes.Equal(tail, make([]byte, len(tail))) {
					t.Errorf("%s: excess output left in the buffer", name)
				}
			}
		}
	}
}

// TestMaster12MatchesPRF12 checks the Master12 methods against the
// one-call functions, in the order a handshake uses them.
func TestMaster12MatchesPRF12(t *testing.T) {
	cr := bytes.Repeat([]byte{2}, 32)
	sr := bytes.Repeat([]byte{3}, 32)
	hh := bytes.Repeat([]byte{5}, 48)
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		ms := MasterSecret12(h, bytes.Repeat([]byte{1}, 48), cr, sr)
		check(t, "master", ms, naivePHash(h, bytes.Repeat([]byte{1}, 48), append([]byte("master secret"), append(cr, sr...)...), 48))
		k := NewMaster12(h, ms)
		for _, l := range []struct{ key, iv int }{{16, 4}, {32, 4}, {32, 12}} {
			ck, sk, civ, siv := k.KeyBlock12(cr, sr, l.key, l.iv)
			wck, wsk, wciv, wsiv := KeyBlock12(h, ms, cr, sr, l.key, l.iv)
			check(t, "client key", ck, wck)
			check(t, "server key", sk, wsk)
			check(t, "client iv", civ, wciv)
			check(t, "server iv", siv, wsiv)
			k.WipeKeyBlock()
			if !bytes.Equal(k.out[:], make([]byte, len(k.out))) {
				t.Errorf("%v: key block not wiped", h)
			}
		}
		// A key block longer than the space inside Master12 (a registered
		// suite) gets a slice of its own.
		ck, _, _, siv := k.KeyBlock12(cr, sr, 64, 16)
		wck, _, _, wsiv := KeyBlock12(h, ms, cr, sr, 64, 16)
		check(t, "long client key", ck, wck)
		check(t, "long server iv", siv, wsiv)
		k.WipeKeyBlock()
		if !bytes.Equal(ck, make([]byte, len(ck))) || !bytes.Equal(siv, make([]byte, len(siv))) {
			t.Errorf("%v: long key block not wiped", h)
		}
		// Finished after a key block, and the key block again after a
		// Finished: the shared HMAC carries nothing over.
		for _, client := range []bool{true, false, true} {
			check(t, "finished", k.Finished12(client, hh), Finished12(h, ms, client, hh))
			check(t, "finished short hash", k.Finished12(client, hh[:32]), Finished12(h, ms, client, hh[:32]))
		}
		ck, _, _, _ = k.KeyBlock12(cr, sr, 16, 4)
		wck, _, _, _ = KeyBlock12(h, ms, cr, sr, 16, 4)
		check(t, "client key again", ck, wck)
	}
}
