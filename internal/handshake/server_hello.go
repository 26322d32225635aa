package handshake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"slices"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/wire"
)

// NewServer starts a server handshake, waiting for a ClientHello.
func NewServer(p *Params) *Machine {
	hs := newShared(p)
	return &Machine{hs: hs, state: &serverWaitClientHello{shared: hs}}
}

// serverWaitClientHello is RFC 8446, Appendix A.2 START / RECVD_CH.
type serverWaitClientHello struct{ shared *shared }

func (s *serverWaitClientHello) name() string { return "serverWaitClientHello" }

func (s *serverWaitClientHello) handle(msg []byte) (state, error) {
	hs := s.shared
	ch, err := expectMessage(msg, wire.TypeClientHello, wire.ParseClientHello)
	if err != nil {
		return nil, err
	}
	// The application may answer this client with another configuration;
	// it is consulted once, on the first ClientHello, before anything is
	// negotiated.
	if get := hs.p.GetConfigForClient; get != nil {
		np, err := get(helloInfo(ch))
		if err != nil {
			return nil, alert.Default(alert.InternalError, err)
		}
		if np != nil {
			hs.p = np
		}
	}
	version, err := hs.negotiateVersion(ch)
	if err != nil {
		return nil, err
	}
	hs.result.ClientRandom = ch.Random
	hs.earlyDataOffered = ch.EarlyData && version == wire.VersionTLS13
	if version == wire.VersionTLS12 {
		return hs.serverHello12(ch)
	}
	return hs.serverHello13(ch)
}

// negotiateVersion picks the version from the ClientHello (RFC 8446,
// Section 4.2.1).
func (hs *shared) negotiateVersion(ch *wire.ClientHello) (uint16, error) {
	p := hs.p
	if ch.SupportedVersions != nil {
		for v := p.MaxVersion; v >= p.MinVersion && v >= wire.VersionTLS12; v-- {
			if slices.Contains(ch.SupportedVersions, v) && p.hasSuitesFor(v) {
				return v, nil
			}
		}
		return 0, alert.New(alert.ProtocolVersion, "client offers none of the enabled versions %v", ch.SupportedVersions)
	}
	// RFC 8446, Section 4.2.1: without supported_versions the server
	// "MUST negotiate TLS 1.2 or prior as specified in [RFC5246]".
	if ch.LegacyVersion >= wire.VersionTLS12 && p.MinVersion <= wire.VersionTLS12 {
		return wire.VersionTLS12, nil
	}
	return 0, alert.New(alert.ProtocolVersion, "client offers version %#x, below the minimum", ch.LegacyVersion)
}

// helloInfo is what GetCertificate sees.
func helloInfo(ch *wire.ClientHello) *HelloInfo {
	return &HelloInfo{
		ServerName:        ch.ServerName,
		CipherSuites:      ch.CipherSuites,
		SupportedGroups:   ch.SupportedGroups,
		SignatureSchemes:  ch.SignatureAlgorithms,
		SupportedProtos:   ch.ALPNProtocols,
		SupportedVersions: ch.SupportedVersions,
	}
}

// chooseCertificate picks the server certificate: GetCertificate when set,
// else the first configured one whose leaf names the requested host and
// whose key can sign a scheme the client accepts, else the first.
func (hs *shared) chooseCertificate(ch *wire.ClientHello, version uint16) (*Certificate, error) {
	p := hs.p
	if p.GetCertificate != nil {
		c, err := p.GetCertificate(helloInfo(ch))
		if err != nil {
			return nil, alert.Default(alert.InternalError, err)
		}
		if c != nil {
			return c, nil
		}
	}
	if len(p.Certificates) == 0 {
		return nil, alert.New(alert.InternalError, "server has no certificate")
	}
	usable := func(c *Certificate) bool {
		if version == wire.VersionTLS12 && !ecdsaCurveOffered(c.Key.Public(), ch.SupportedGroups) {
			return false
		}
		_, err := chooseScheme(c, ch.SignatureAlgorithms, version)
		return err == nil
	}
	if ch.ServerName != "" {
		for _, c := range p.Certificates {
			if c.Leaf != nil && c.Leaf.VerifyHostname(ch.ServerName) == nil && usable(c) {
				return c, nil
			}
		}
	}
	for _, c := range p.Certificates {
		if usable(c) {
			return c, nil
		}
	}
	return p.Certificates[0], nil
}

// chooseALPN applies RFC 7301, Section 3.2: with no overlap the server
// "MUST respond with a fatal "no_application_protocol" alert".
func (hs *shared) chooseALPN(ch *wire.ClientHello) (string, error) {
	if len(ch.ALPNProtocols) == 0 || len(hs.p.NextProtos) == 0 {
		return "", nil
	}
	for _, proto := range hs.p.NextProtos {
		if slices.Contains(ch.ALPNProtocols, proto) {
			return proto, nil
		}
	}
	return "", alert.New(alert.NoApplicationProtocol, "client offered ALPN %q, none of %q", ch.ALPNProtocols, hs.p.NextProtos)
}

// ecdsaCurveOffered applies RFC 8422, Section 5.1: in TLS 1.2 an ECDSA
// certificate's curve must be one the client lists in supported_groups
// (when it lists any). Other key types pass.
func ecdsaCurveOffered(pub any, groups []uint16) bool {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok || groups == nil {
		return true
	}
	var g uint16
	switch k.Curve {
	case elliptic.P256():
		g = kex.P256
	case elliptic.P384():
		g = kex.P384
	case elliptic.P521():
		g = kex.P521
	}
	return slices.Contains(groups, g)
}
