package handshake

import (
	"testing"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
)

// TestHostileClientHelloCosts: thousands of key shares and groups are
// checked in linear time, and more than 32 PSK identities are refused
// before any is examined.
func TestHostileClientHelloCosts(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	p := &Params{MinVersion: wire.VersionTLS12, MaxVersion: wire.VersionTLS13,
		Certificates: []*Certificate{{Chain: chain.Certificates, Key: chain.Key, Leaf: chain.Leaf}}}
	base := func() *wire.ClientHello {
		return &wire.ClientHello{LegacyVersion: wire.VersionTLS12, Random: make([]byte, 32),
			CipherSuites: []uint16{0x1301}, LegacyCompressionMethods: []uint8{0},
			SupportedVersions: []uint16{wire.VersionTLS13}, SignatureAlgorithms: []uint16{0x0403}}
	}

	ch := base()
	for g := 0; g < 6000; g++ {
		ch.SupportedGroups = append(ch.SupportedGroups, uint16(0x2000+g))
		ch.KeyShares = append(ch.KeyShares, wire.KeyShare{Group: uint16(0x2000 + g), KeyExchange: []byte{1}})
	}
	ch.KeyShares = append(ch.KeyShares, wire.KeyShare{Group: 0x2000, KeyExchange: []byte{1}})
	ch.HasKeyShare = true
	start := time.Now()
	_, err := NewServer(p).Handle(ch.Marshal())
	if a, _ := alert.Of(err); a != alert.IllegalParameter {
		t.Fatalf("duplicate share among 6,000: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("checking 6,000 key shares took %v", d)
	}

	ch = base()
	ch.SupportedGroups, ch.HasKeyShare = []uint16{0x001d}, true
	ch.KeyShares = []wire.KeyShare{{Group: 0x001d, KeyExchange: make([]byte, 32)}}
	ch.PSKModes, ch.HasPSKModes = []uint8{wire.PSKModeDHEKE}, true
	for i := 0; i < 33; i++ {
		ch.PSKIdentities = append(ch.PSKIdentities, wire.PSKIdentity{Identity: []byte{byte(i)}})
		ch.PSKBinders = append(ch.PSKBinders, make([]byte, 32))
	}
	_, err = NewServer(p).Handle(ch.Marshal())
	if a, _ := alert.Of(err); a != alert.IllegalParameter {
		t.Fatalf("33 PSK identities: %v", err)
	}
}
