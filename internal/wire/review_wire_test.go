package wire

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestReviewBuilderPrefixBounds: a field exactly at its prefix's limit is
// written with the right length; one byte more panics (never truncates).
func TestReviewBuilderPrefixBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		bits int
		add  func(b *Builder, f func(*Builder))
	}{
		{"u8", 8, (*Builder).AddUint8LengthPrefixed},
		{"u16", 16, (*Builder).AddUint16LengthPrefixed},
		{"u24", 24, (*Builder).AddUint24LengthPrefixed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limit := 1<<tc.bits - 1
			b := NewBuilder(nil)
			tc.add(b, func(b *Builder) { b.AddBytes(make([]byte, limit)) })
			out := b.BytesOrPanic()
			n := 0
			for _, c := range out[:tc.bits/8] {
				n = n<<8 | int(c)
			}
			if n != limit || len(out) != tc.bits/8+limit {
				t.Fatalf("prefix %d, length %d", n, len(out))
			}
			func() {
				defer func() {
					if recover() == nil {
						t.Fatal("no panic for a field one byte over its prefix")
					}
				}()
				b := NewBuilder(nil)
				// Nested: the inner field fits, the outer does not.
				tc.add(b, func(b *Builder) {
					b.AddUint8(1)
					b.AddBytes(make([]byte, limit))
				})
			}()
		})
	}
}

// TestReviewReassemblerRandomFragments feeds a stream of messages (some
// small enough for the arena, some not, some empty) in random fragments
// and checks: every message comes out whole and in order; messages already
// returned are never changed by later writes; Buffered is exactly the
// bytes written and not yet returned.
func TestReviewReassemblerRandomFragments(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var stream []byte
		var want [][]byte
		for i := range 1 + rng.IntN(20) {
			var n int
			switch rng.IntN(4) {
			case 0:
				n = 0
			case 1:
				n = rng.IntN(600)
			default:
				n = rng.IntN(100)
			}
			m := []byte{byte(i + 1), byte(n >> 16), byte(n >> 8), byte(n)}
			for j := range n {
				m = append(m, byte(rng.Uint32()|uint32(j)))
			}
			want = append(want, m)
			stream = append(stream, m...)
		}
		r := NewReassembler(1 << 16)
		var got [][]byte
		var kept [][]byte // copies, to detect later writes into returned messages
		written, returned := 0, 0
		for len(stream) > 0 {
			k := min(len(stream), rng.IntN(300))
			if err := r.Write(stream[:k]); err != nil {
				t.Fatal(err)
			}
			written += k
			stream = stream[k:]
			for rng.IntN(3) != 0 {
				m, ok := r.Next()
				if !ok {
					break
				}
				got = append(got, m)
				kept = append(kept, bytes.Clone(m))
				returned += len(m)
			}
			if b := r.Buffered(); b != written-returned {
				t.Fatalf("round %d: Buffered %d, want %d", round, b, written-returned)
			}
		}
		for {
			m, ok := r.Next()
			if !ok {
				break
			}
			got = append(got, m)
			kept = append(kept, bytes.Clone(m))
			returned += len(m)
		}
		if r.Buffered() != 0 || returned != written {
			t.Fatalf("round %d: Buffered %d after draining", round, r.Buffered())
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: %d messages, want %d", round, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) || !bytes.Equal(got[i], kept[i]) {
				t.Fatalf("round %d: message %d differs or was overwritten", round, i)
			}
			if cap(got[i]) != len(got[i]) && len(got[i]) <= arenaMaxMessage {
				// Appending to a returned message must not reach bytes the
				// Reassembler may write later.
				t.Fatalf("round %d: message %d has spare capacity %d", round, i, cap(got[i])-len(got[i]))
			}
		}
	}
}

// TestReviewReassemblerMaxAcrossFragments: the maximum is enforced when
// the header arrives a byte at a time, and the limit itself is accepted.
func TestReviewReassemblerMaxAcrossFragments(t *testing.T) {
	for _, n := range []int{100, 101} {
		r := NewReassembler(100)
		hdr := []byte{1, byte(n >> 16), byte(n >> 8), byte(n)}
		var err error
		for _, b := range hdr {
			if err = r.Write([]byte{b}); err != nil {
				break
			}
		}
		if (err != nil) != (n > 100) {
			t.Fatalf("length %d: err %v", n, err)
		}
		if err == nil {
			if err := r.Write(make([]byte, n)); err != nil {
				t.Fatal(err)
			}
			if m, ok := r.Next(); !ok || len(m) != HeaderLen+n {
				t.Fatalf("length %d: message not complete", n)
			}
		} else if r.Write([]byte{0}) == nil {
			t.Fatal("error not sticky")
		}
	}
}
