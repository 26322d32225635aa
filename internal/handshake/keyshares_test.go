package handshake

import (
	"testing"

	"github.com/hushtls/hush/internal/wire"
)

// TestCheckKeyShares runs the pairwise path (short lists) and the bitset
// path (long lists) over the same cases.
func TestCheckKeyShares(t *testing.T) {
	pad := func(groups []uint16, n int) []uint16 {
		out := append([]uint16{}, groups...)
		for g := uint16(0x7000); len(out) < n; g++ {
			out = append(out, g)
		}
		return out
	}
	shares := func(groups ...uint16) []wire.KeyShare {
		var ks []wire.KeyShare
		for _, g := range groups {
			ks = append(ks, wire.KeyShare{Group: g})
		}
		return ks
	}
	for _, n := range []int{2, smallKeyShareCheck + 1, 3000} {
		supported := pad([]uint16{29, 23}, n)
		for _, c := range []struct {
			name   string
			shares []wire.KeyShare
			ok     bool
		}{
			{"one", shares(29), true},
			{"two", shares(29, 23), true},
			{"none", nil, true},
			{"unsupported", shares(24), false},
			{"duplicate", shares(29, 23, 29), false},
		} {
			ch := &wire.ClientHello{SupportedGroups: supported, KeyShares: c.shares}
			if err := checkKeyShares(ch); (err == nil) != c.ok {
				t.Errorf("%d groups, %s: err %v, want ok %v", n, c.name, err, c.ok)
			}
		}
	}
	// Many shares, few groups: the bitset path too.
	many := make([]wire.KeyShare, smallKeyShareCheck+1)
	for i := range many {
		many[i].Group = uint16(0x100 + i)
	}
	groups := make([]uint16, len(many))
	for i := range many {
		groups[i] = many[i].Group
	}
	if err := checkKeyShares(&wire.ClientHello{SupportedGroups: groups, KeyShares: many}); err != nil {
		t.Errorf("distinct supported shares: %v", err)
	}
	many[len(many)-1].Group = many[0].Group
	if err := checkKeyShares(&wire.ClientHello{SupportedGroups: groups, KeyShares: many}); err == nil {
		t.Error("duplicate share in a long list accepted")
	}
}
