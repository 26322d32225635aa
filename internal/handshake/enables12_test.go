package handshake

import (
	"slices"
	"testing"

	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// TestEnablesSuite12MatchesSuitesFor checks the allocation-free membership
// test against the list it stands for.
func TestEnablesSuite12MatchesSuitesFor(t *testing.T) {
	var ids []uint16
	for _, s := range suites.All() {
		ids = append(ids, s.ID)
	}
	ids = append(ids, 0x0000, 0xffff, suites.TLS_FALLBACK_SCSV)
	for _, p := range []*Params{
		{},
		{EnableRSAKex: true},
		{CipherSuites: ids},
		{CipherSuites: ids, EnableRSAKex: true},
		{CipherSuites: ids[:1]},
		{CipherSuites: []uint16{0xffff}},
	} {
		list := p.suitesFor(wire.VersionTLS12)
		for _, id := range ids {
			want := slices.ContainsFunc(list, func(s *suites.Suite) bool { return s.ID == id })
			if got := p.enablesSuite12(id); got != want {
				t.Errorf("CipherSuites %v, RSA %v: enablesSuite12(%#04x) = %v, want %v", p.CipherSuites, p.EnableRSAKex, id, got, want)
			}
		}
	}
}
