package handshake

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// clientStart holds what the client offered, which every later check of
// the server's answer compares against.
type clientStart struct {
	shared    *shared
	hello     *wire.ClientHello
	keyShares []*kex.PrivateKey
	versions  []uint16

	// The session offered for resumption, if any.
	psk       *SessionState
	pskSuite  *suites.Suite
	pskEarly  *keyschedule.EarlySecret
	session12 *SessionState

	// helloMsg is the marshalled ClientHello when computing its PSK binder
	// produced it, until it is sent.
	helloMsg []byte
}

// NewClient starts a client handshake. It returns the machine and the
// actions that send the first ClientHello.
func NewClient(p *Params) (*Machine, []Action, error) {
	hs := newShared(p)
	st, err := hs.buildClientHello()
	if err != nil {
		return nil, nil, err
	}
	msg := st.helloMsg // already marshalled with a PSK binder
	if msg == nil {
		msg = st.hello.Marshal()
	}
	st.helloMsg = nil
	hs.send(msg)
	hs.act(Action{Kind: ActFlush})
	m := &Machine{hs: hs, state: &client13WaitServerHello{clientStart: st}}
	return m, hs.take(), nil
}

// sniHostName returns the server_name to send: RFC 6066, Section 3:
// "Literal IPv4 and IPv6 addresses are not permitted in "HostName"."
func sniHostName(name string) string {
	name = strings.TrimSuffix(name, ".")
	if _, err := netip.ParseAddr(strings.Trim(name, "[]")); name == "" || err == nil {
		return ""
	}
	return name
}

func (hs *shared) buildClientHello() (*clientStart, error) {
	p := hs.p
	st := &clientStart{shared: hs}
	for v := p.MaxVersion; v >= p.MinVersion && v >= wire.VersionTLS12; v-- {
		// A version with no enabled suite cannot be negotiated: a TLS 1.2
		// suite list (as crypto/tls configurations often have) means TLS
		// 1.2, not a TLS 1.3 offer with nothing to pick.
		if p.hasSuitesFor(v) {
			st.versions = append(st.versions, v)
		}
	}
	if len(st.versions) == 0 {
		return nil, alert.New(alert.InternalError, "no TLS version enabled (MinVersion %#x, MaxVersion %#x)", p.MinVersion, p.MaxVersion)
	}
	random, err := hs.randomBytes(32)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	hs.result.ClientRandom = random
	ch := &wire.ClientHello{
		LegacyVersion:            wire.VersionTLS12,
		Random:                   random,
		LegacyCompressionMethods: []uint8{0},
		SupportedVersions:        st.versions,
	}
	suiteIDs := make([]uint16, 0, len(p.cipherSuites()))
	for _, v := range st.versions {
		for _, id := range p.cipherSuites() {
			if s, ok := p.enabledSuite(id, v); ok {
				suiteIDs = append(suiteIDs, s.ID)
			}
		}
	}
	if len(suiteIDs) == 0 {
		return nil, alert.New(alert.InternalError, "no cipher suite enabled for the configured versions")
	}
	ch.CipherSuites = suiteIDs
	if name := sniHostName(p.ServerName); name != "" {
		ch.ServerName, ch.HasServerName = name, true
	}
	offers13 := slices.Contains(st.versions, wire.VersionTLS13)
	for _, g := range p.curvePreferences() {
		// The hybrid group exists only in TLS 1.3.
		if kex.Supported(g) && (offers13 || g != kex.X25519MLKEM768) {
			ch.SupportedGroups = append(ch.SupportedGroups, g)
		}
	}
	if len(ch.SupportedGroups) == 0 {
		return nil, alert.New(alert.InternalError, "no supported key exchange group configured")
	}
	ch.SignatureAlgorithms = p.signatureSchemes(wire.VersionTLS13)
	if len(p.NextProtos) > 0 {
		ch.ALPNProtocols = p.NextProtos
	}
	// Like crypto/tls, ask for a stapled OCSP response and for SCTs; they
	// are reported in ConnectionState for the application to check.
	ch.OCSPStapling, ch.SCTs = true, true
	if slices.Contains(st.versions, wire.VersionTLS13) {
		// RFC 8446, Appendix D.4: middlebox compatibility mode sends a
		// non-empty legacy_session_id.
		if ch.LegacySessionID, err = hs.randomBytes(32); err != nil {
			return nil, alert.Wrap(alert.InternalError, err)
		}
		// Shares for the first preference, plus X25519 when the first is
		// the hybrid, so a server without ML-KEM needs no HelloRetryRequest.
		first := ch.SupportedGroups[0]
		groups := []uint16{first}
		if first == kex.X25519MLKEM768 && slices.Contains(ch.SupportedGroups, kex.X25519) {
			groups = append(groups, kex.X25519)
		}
		for _, g := range groups {
			if err := st.addShare(hs, ch, g); err != nil {
				return nil, err
			}
		}
	}
	if slices.Contains(st.versions, wire.VersionTLS12) {
		ch.SupportedPoints = []uint8{0} // uncompressed only, RFC 8422 Section 5.1.2
		ch.ExtendedMasterSecret = true
		ch.SecureRenegotiationSupported = true
		ch.SignatureAlgorithms = p.signatureSchemes(wire.VersionTLS12)
	}
	st.hello = ch
	if err := st.offerSession(hs, ch); err != nil {
		return nil, err
	}
	return st, nil
}

func (st *clientStart) addShare(hs *shared, ch *wire.ClientHello, group uint16) error {
	k, err := kex.GenerateKey(group, hs.rand())
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	st.keyShares = append(st.keyShares, k)
	ch.KeyShares = append(ch.KeyShares, wire.KeyShare{Group: group, KeyExchange: k.PublicKey()})
	ch.HasKeyShare = true
	return nil
}

func (st *clientStart) offeredSuite(id uint16) *suites.Suite {
	if !slices.Contains(st.hello.CipherSuites, id) {
		return nil
	}
	s, _ := suites.Lookup(id)
	return s
}

func (st *clientStart) offeredExtension(typ uint16) bool {
	ch := st.hello
	switch typ {
	case wire.ExtServerName:
		return ch.HasServerName
	case wire.ExtALPN:
		return len(ch.ALPNProtocols) > 0
	case wire.ExtKeyShare:
		return ch.HasKeyShare
	case wire.ExtSupportedVersions:
		return len(ch.SupportedVersions) > 0
	case wire.ExtCookie:
		return true // RFC 8446, Section 4.2: the cookie is the exception
	case wire.ExtPreSharedKey:
		return len(ch.PSKIdentities) > 0
	case wire.ExtEarlyData:
		return ch.EarlyData
	case wire.ExtSupportedGroups:
		return len(ch.SupportedGroups) > 0
	case wire.ExtExtendedMasterSecret:
		return ch.ExtendedMasterSecret
	case wire.ExtRenegotiationInfo:
		return ch.SecureRenegotiationSupported
	case wire.ExtECPointFormats:
		return len(ch.SupportedPoints) > 0
	case wire.ExtSessionTicket:
		return ch.TicketSupported
	case wire.ExtStatusRequest:
		return ch.OCSPStapling
	case wire.ExtSCT:
		return ch.SCTs
	}
	return false
}

// checkUnsolicited enforces RFC 8446, Section 4.2: "Implementations MUST NOT
// send extension responses if the remote endpoint did not send the
// corresponding extension requests ... Upon receiving such an extension, an
// endpoint MUST abort the handshake with an "unsupported_extension" alert."
func (st *clientStart) checkUnsolicited(exts []wire.Extension, msg string) error {
	for _, e := range exts {
		if !st.offeredExtension(e.Type) {
			return alert.New(alert.UnsupportedExtension, "%s carries extension %d that the client did not offer", msg, e.Type)
		}
	}
	return nil
}
