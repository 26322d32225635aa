package handshake

import (
	"crypto/x509"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/wire"
	"golang.org/x/crypto/cryptobyte"
)

// maxTicketLifetime is RFC 8446, Section 4.6.1: "Servers MUST NOT use any
// value greater than 604800 seconds (7 days)." hush applies the same bound
// to TLS 1.2 sessions, and to the whole chain of resumptions that follow a
// full handshake: a session never outlives the authentication it came from.
const maxTicketLifetime = 7 * 24 * time.Hour

// SessionState is what a resumable session carries: the server seals it
// into a ticket (or keeps it in its session cache), the client keeps it in
// its ClientSessionCache.
type SessionState struct {
	Version uint16
	Suite   uint16
	// Secret is the TLS 1.3 resumption PSK or the TLS 1.2 master secret.
	Secret []byte
	// AuthTime is when the full handshake that authenticated the peer
	// happened; resumptions carry it forward unchanged.
	AuthTime time.Time
	// IssuedAt is when this ticket was issued (TLS 1.3 age checks).
	IssuedAt time.Time
	// Lifetime is the ticket lifetime the server announced.
	Lifetime time.Duration
	// AgeAdd is the TLS 1.3 ticket_age_add.
	AgeAdd uint32
	// Group is the key exchange group of the full handshake that made a
	// TLS 1.2 session; a resumption reports it, as it has none of its own.
	Group      uint16
	ServerName string
	ALPN       string
	// PeerCertificates is the peer's chain (raw), for ConnectionState on
	// resumption. The server stores the client's, the client the server's.
	PeerCertificates [][]byte
	// Parsed, client side only (not serialized).
	parsed   []*x509.Certificate
	verified [][]*x509.Certificate
	// What the original handshake reported, client side only, so a
	// resumption reports the same (RFC 6962, Section 3.3: SCTs belong to
	// the session): the stapled OCSP response and the SCTs.
	ocsp []byte
	scts [][]byte

	// Client side: the ticket (or TLS 1.2 session ID) that names the
	// session to the server.
	Ticket    []byte
	SessionID []byte
}

// Expired reports whether the session may no longer be resumed at now.
func (s *SessionState) Expired(now time.Time) bool {
	if now.Before(s.AuthTime.Add(-time.Minute)) {
		return true // clock went backwards: do not trust the session
	}
	if now.After(s.AuthTime.Add(maxTicketLifetime)) {
		return true
	}
	return s.Lifetime > 0 && now.After(s.IssuedAt.Add(s.Lifetime))
}

const sessionFormat = 2 // 2: the TLS 1.2 group

// Marshal serializes the state the server seals into a ticket.
func (s *SessionState) Marshal() []byte {
	size := 42 + len(s.Secret) + len(s.ServerName) + len(s.ALPN)
	for _, c := range s.PeerCertificates {
		size += 3 + len(c)
	}
	b := wire.NewBuilder(make([]byte, 0, size))
	b.AddUint8(sessionFormat)
	b.AddUint16(s.Version)
	b.AddUint16(s.Suite)
	b.AddUint8LengthPrefixed(func(b *wire.Builder) { b.AddBytes(s.Secret) })
	b.AddUint64(uint64(s.AuthTime.Unix()))
	b.AddUint64(uint64(s.IssuedAt.UnixMilli()))
	b.AddUint32(uint32(s.Lifetime / time.Second))
	b.AddUint32(s.AgeAdd)
	b.AddUint16(s.Group)
	b.AddUint16LengthPrefixed(func(b *wire.Builder) { b.AddString(s.ServerName) })
	b.AddUint8LengthPrefixed(func(b *wire.Builder) { b.AddString(s.ALPN) })
	b.AddUint24LengthPrefixed(func(b *wire.Builder) {
		for _, c := range s.PeerCertificates {
			b.AddUint24LengthPrefixed(func(b *wire.Builder) { b.AddBytes(c) })
		}
	})
	return b.BytesOrPanic()
}

// ParseSessionState reverses Marshal. The input comes from a ticket that
// authenticated under our key, but is still parsed defensively.
func ParseSessionState(data []byte) (*SessionState, error) {
	s := cryptobyte.String(data)
	st := &SessionState{}
	var format uint8
	var secret, name, alpn, certs cryptobyte.String
	var auth, issued uint64
	var lifetime uint32
	if !s.ReadUint8(&format) || format != sessionFormat ||
		!s.ReadUint16(&st.Version) || !s.ReadUint16(&st.Suite) ||
		!s.ReadUint8LengthPrefixed(&secret) || len(secret) == 0 ||
		!s.ReadUint64(&auth) || !s.ReadUint64(&issued) ||
		!s.ReadUint32(&lifetime) || !s.ReadUint32(&st.AgeAdd) || !s.ReadUint16(&st.Group) ||
		!s.ReadUint16LengthPrefixed(&name) || !s.ReadUint8LengthPrefixed(&alpn) ||
		!s.ReadUint24LengthPrefixed(&certs) || !s.Empty() {
		return nil, alert.New(alert.DecodeError, "malformed session state")
	}
	for !certs.Empty() {
		var c cryptobyte.String
		if !certs.ReadUint24LengthPrefixed(&c) || len(c) == 0 {
			return nil, alert.New(alert.DecodeError, "malformed session state")
		}
		st.PeerCertificates = append(st.PeerCertificates, c)
	}
	st.Secret = secret
	st.AuthTime = time.Unix(int64(auth), 0)
	st.IssuedAt = time.UnixMilli(int64(issued))
	st.Lifetime = time.Duration(lifetime) * time.Second
	st.ServerName = string(name)
	st.ALPN = string(alpn)
	return st, nil
}

// peerChain returns the parsed peer chain of a session, parsing it once.
func (s *SessionState) peerChain() ([]*x509.Certificate, error) {
	if s.parsed != nil || len(s.PeerCertificates) == 0 {
		return s.parsed, nil
	}
	certs := make([]*x509.Certificate, len(s.PeerCertificates))
	for i, der := range s.PeerCertificates {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		certs[i] = c
	}
	s.parsed = certs
	return certs, nil
}

// VerifiedChains returns the chains verified when the session was made.
func (s *SessionState) VerifiedChains() [][]*x509.Certificate { return s.verified }

// leafValid reports whether the session's peer leaf certificate is still
// within its validity period at now: resumption must not outlive the
// certificate that authenticated the peer.
func (s *SessionState) leafValid(now time.Time) bool {
	certs, err := s.peerChain()
	if err != nil {
		return false
	}
	if len(certs) == 0 {
		return true
	}
	return !now.After(certs[0].NotAfter) && !now.Before(certs[0].NotBefore)
}

// adoptSession makes a resumed session's identity the connection's: the
// peer certificates and the time of the original authentication.
func (hs *shared) adoptSession(sess *SessionState) error {
	certs, err := sess.peerChain()
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	res := &hs.result
	res.DidResume = true
	res.PeerCertificates = certs
	res.VerifiedChains = sess.verified
	res.rawPeerCertificates = sess.PeerCertificates
	res.AuthTime = sess.AuthTime
	if sess.Version == wire.VersionTLS12 {
		// An abbreviated TLS 1.2 handshake exchanges no keys: it reports
		// the group of the full handshake whose master secret it reuses.
		res.Group = sess.Group
	}
	if hs.p.IsClient {
		res.OCSPResponse, res.SCTs = sess.ocsp, sess.scts
	}
	return nil
}

// NewClientSession13 builds the client's session from a TLS 1.3
// NewSessionTicket (RFC 8446, Section 4.6.1), for its session cache. It
// returns nil for a ticket that must not be stored.
func (r *Result) NewClientSession13(ticket []byte, lifetime, ageAdd uint32, nonce []byte, now time.Time) *SessionState {
	if lifetime == 0 || r.ResumptionSecret == nil {
		return nil
	}
	life := min(time.Duration(lifetime)*time.Second, maxTicketLifetime)
	return &SessionState{
		Version:          r.Version,
		Suite:            r.Suite.ID,
		Secret:           keyschedule.ResumptionPSK(r.Suite.Hash, r.ResumptionSecret, nonce),
		AuthTime:         r.AuthTime,
		IssuedAt:         now,
		Lifetime:         life,
		AgeAdd:           ageAdd,
		ServerName:       r.ServerName,
		ALPN:             r.ALPN,
		PeerCertificates: r.rawPeerCertificates,
		parsed:           r.PeerCertificates,
		verified:         r.VerifiedChains,
		ocsp:             r.OCSPResponse,
		scts:             r.SCTs,
		Ticket:           ticket,
	}
}
