package handshake

import (
	"slices"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/wire"
)

// findSession12 looks up the session a TLS 1.2 ClientHello asks to resume:
// by ticket (RFC 5077) or by session ID in the server's cache. Any problem
// — unknown, tampered or expired ticket, a binding that does not hold —
// means a full handshake, never an error.
func (hs *shared) findSession12(ch *wire.ClientHello) *SessionState {
	p := hs.p
	var plain []byte
	switch {
	case len(ch.SessionTicket) > 0 && p.ticketsEnabled():
		// RFC 5077, Section 3.4: with a session ID, acceptance is signalled
		// by echoing it; without one, by the ChangeCipherSpec that follows
		// the ServerHello instead of a Certificate.
		var ok bool
		if plain, ok = p.OpenTicket(ch.SessionTicket); !ok {
			return nil
		}
	case len(ch.LegacySessionID) > 0 && p.SessionCacheGet != nil:
		var ok bool
		if plain, ok = p.SessionCacheGet(ch.LegacySessionID); !ok {
			return nil
		}
	default:
		return nil
	}
	sess, err := ParseSessionState(plain)
	if err != nil {
		return nil
	}
	now := hs.now()
	alpn, err := hs.chooseALPN(ch)
	switch {
	case err != nil, sess.Version != wire.VersionTLS12, sess.Expired(now), !sess.leafValid(now):
		return nil
	case !slices.Contains(ch.CipherSuites, sess.Suite),
		!p.enablesSuite12(sess.Suite):
		return nil
	case sess.ServerName != ch.ServerName, sess.ALPN != alpn:
		return nil
	case len(sess.PeerCertificates) == 0 && (p.ClientAuth == RequireAnyClientCert || p.ClientAuth == RequireAndVerifyClientCert):
		return nil
	case !hs.reverifyClient(sess):
		return nil
	}
	return sess
}

// resume12 runs the server side of the abbreviated handshake (RFC 5246,
// Section 7.3, Figure 2): ServerHello, [NewSessionTicket],
// ChangeCipherSpec, Finished; then the client's ChangeCipherSpec and
// Finished.
func (hs *shared) resume12(ch *wire.ClientHello, sess *SessionState, secureReneg bool) (state, error) {
	p := hs.p
	suite, _ := suiteByID(sess.Suite)
	random, err := hs.randomBytes(32)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	if p.supports13() {
		copy(random[24:], downgradeTLS12)
	}
	if err := hs.adoptSession(sess); err != nil {
		return nil, err
	}
	res := &hs.result
	res.Version = wire.VersionTLS12
	res.Suite = suite
	res.ServerRandom = random
	res.ALPN = sess.ALPN
	res.ServerName = ch.ServerName
	res.MasterSecret = sess.Secret
	res.ExtendedMasterSecret = true
	hs.keyLog("CLIENT_RANDOM", sess.Secret)
	// The states of the abbreviated handshake are allocated together,
	// built in place (a composite literal per part would be assembled on
	// the stack first, and this frame is on the deepest path of a resuming
	// server).
	r := &resumed12{sh: wire.ServerHello{
		LegacyVersion:                wire.VersionTLS12,
		Random:                       random,
		LegacySessionIDEcho:          ch.LegacySessionID,
		CipherSuite:                  suite.ID,
		SecureRenegotiationSupported: secureReneg,
		ExtendedMasterSecret:         true,
		ALPNProtocol:                 sess.ALPN,
		TicketSupported:              ch.TicketSupported && p.ticketsEnabled(),
	}}
	sh := &r.sh
	hs.transcript.SetHash(suite.Hash)
	hs.transcript.Write(ch.Raw)
	hs.send(sh.Marshal())
	st := &r.st
	st.shared, st.ch, st.suite, st.sh = hs, ch, suite, sh
	st.master = sess.Secret
	st.prf.Init(suite.Hash, sess.Secret)
	if err := st.saveSession(); err != nil {
		return nil, err
	}
	clientKeys, serverKeys, err := keys12(suite, &st.prf, res.ClientRandom, res.ServerRandom)
	if err != nil {
		return nil, err
	}
	st.shared.sendFinished12(&st.prf, false, serverKeys)
	ccs := &r.ccs
	ccs.server12, ccs.clientKeys, ccs.serverKeys, ccs.resumed = st, clientKeys, serverKeys, true
	return &r.ccs, nil
}

// resumed12 holds the server states of an abbreviated handshake, which
// live exactly as long as one another.
type resumed12 struct {
	sh  wire.ServerHello
	st  server12
	ccs server12WaitCCS
}

// saveSession sends the NewSessionTicket the ServerHello announced (RFC
// 5077, Section 3.3) and stores the session under its session ID in the
// server's cache.
func (s *server12) saveSession() error {
	hs := s.shared
	p := hs.p
	now := hs.now()
	life := hs.result.AuthTime.Add(maxTicketLifetime).Sub(now)
	sess := &SessionState{
		Version:          wire.VersionTLS12,
		Suite:            s.suite.ID,
		Secret:           s.master,
		Group:            hs.result.Group,
		AuthTime:         hs.result.AuthTime,
		IssuedAt:         now,
		Lifetime:         max(min(life, maxTicketLifetime), 0),
		ServerName:       s.ch.ServerName,
		ALPN:             hs.result.ALPN,
		PeerCertificates: hs.result.rawPeerCertificates,
	}
	state := sess.Marshal()
	if s.sh.TicketSupported {
		// RFC 5077, Section 3.3: a server that cannot issue a ticket after
		// all (its key source failed) sends an empty one; the handshake
		// goes on.
		ticket, err := p.SealTicket(state)
		if err != nil {
			ticket = nil
		}
		hs.send((&wire.NewSessionTicket12{Lifetime: uint32(sess.Lifetime / time.Second), Ticket: ticket}).Marshal())
	}
	if p.SessionCachePut != nil && len(s.sh.LegacySessionIDEcho) > 0 && !hs.result.DidResume {
		p.SessionCachePut(s.sh.LegacySessionIDEcho, state)
	} else {
		// The plaintext state holds the master secret; once sealed (the
		// ticket is a new slice) it is needed no more.
		clear(state)
	}
	return nil
}
