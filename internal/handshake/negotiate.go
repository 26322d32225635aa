package handshake

import (
	"slices"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// DefaultCurvePreferences is the group order used when the configuration
// leaves it empty: the post-quantum hybrid first, then the classical groups.
var DefaultCurvePreferences = []uint16{kex.X25519MLKEM768, kex.X25519, kex.P256, kex.P384}

func (p *Params) curvePreferences() []uint16 {
	if len(p.CurvePreferences) > 0 {
		return p.CurvePreferences
	}
	return DefaultCurvePreferences
}

func (p *Params) cipherSuites() []uint16 {
	if len(p.CipherSuites) > 0 {
		return p.CipherSuites
	}
	return suites.DefaultOrder()
}

// suitesFor returns the configured suites of one version that are
// registered, in configuration order.
func (p *Params) suitesFor(version uint16) []*suites.Suite {
	var out []*suites.Suite
	for _, id := range p.cipherSuites() {
		if s, ok := p.enabledSuite(id, version); ok {
			out = append(out, s)
		}
	}
	return out
}

// enabledSuite returns the suite id if it is registered, of version, and
// not switched off (static RSA needs EnableRSAKex). It does not look at the
// configured list: suitesFor(version) holds exactly the suites of
// cipherSuites() that enabledSuite accepts.
func (p *Params) enabledSuite(id, version uint16) (*suites.Suite, bool) {
	s, ok := suites.Lookup(id)
	if !ok || s.Version != version {
		return nil, false
	}
	if s.KeyExchange == suites.KeyExchangeRSA && !p.EnableRSAKex {
		return nil, false
	}
	return s, true
}

// hasSuitesFor reports whether suitesFor(version) is not empty, without
// building it.
func (p *Params) hasSuitesFor(version uint16) bool {
	for _, id := range p.cipherSuites() {
		if _, ok := p.enabledSuite(id, version); ok {
			return true
		}
	}
	return false
}

// chooseSuite picks the server's suite from the client's offer. With an
// explicit configuration the server's order is applied strictly. In default
// mode the server follows a client that lists ChaCha20-Poly1305 before any
// AES-GCM suite: such a client most likely lacks AES hardware, and
// ChaCha20 is then faster for it at no cost in security.
func (p *Params) chooseSuite(version uint16, offered []uint16, canUse func(*suites.Suite) bool) *suites.Suite {
	// ours, in order, is suitesFor(version), walked without building it.
	ours := p.cipherSuites()
	if !p.StrictSuiteOrder {
		for _, id := range offered {
			s, ok := p.enabledSuite(id, version)
			if !ok || !slices.Contains(ours, id) {
				continue
			}
			if canUse != nil && !canUse(s) {
				continue
			}
			if s.Cipher == suites.CipherChaCha20Poly1305 {
				return s
			}
			break
		}
	}
	for _, id := range ours {
		s, ok := p.enabledSuite(id, version)
		if ok && slices.Contains(offered, s.ID) && (canUse == nil || canUse(s)) {
			return s
		}
	}
	return nil
}

// supportedGroup reports whether we implement and allow group.
func (p *Params) supportedGroup(g uint16) bool {
	return kex.Supported(g) && slices.Contains(p.curvePreferences(), g)
}

func suiteByID(id uint16) (*suites.Suite, bool) { return suites.Lookup(id) }

// supports13 reports whether TLS 1.3 is enabled and has a suite: only then
// does a server that settles on TLS 1.2 write the downgrade sentinel or
// refuse a fallback.
func (p *Params) supports13() bool {
	return p.MaxVersion >= wire.VersionTLS13 && p.hasSuitesFor(wire.VersionTLS13)
}

// signatureSchemes is what this side advertises and accepts.
func (p *Params) signatureSchemes(version uint16) []uint16 {
	if len(p.SignatureSchemes) > 0 {
		return p.SignatureSchemes
	}
	if version == wire.VersionTLS13 {
		return sig.Supported13()
	}
	return sig.Supported12()
}

// chooseScheme picks the scheme to sign with: the first of the
// certificate's preferences (or of the schemes its key can make) that the
// peer offered. handshake_failure when there is none.
func chooseScheme(c *Certificate, peer []uint16, version uint16) (uint16, error) {
	if len(c.Schemes) == 0 {
		return sig.Choose(c.Key.Public(), peer, version)
	}
	pub := c.Key.Public()
	for _, s := range c.Schemes {
		if slices.Contains(peer, s) && sig.KeyMatches(pub, s, version) && sig.AllowedInHandshake(s, version) {
			return s, nil
		}
	}
	return 0, alert.New(alert.HandshakeFailure, "no signature scheme in common for the certificate")
}
