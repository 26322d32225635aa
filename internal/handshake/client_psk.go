package handshake

import (
	"slices"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// offerSession adds the cached session to the ClientHello: a TLS 1.3 PSK
// (RFC 8446, Section 4.2.11) or a TLS 1.2 ticket or session ID (RFC 5077,
// RFC 5246 Section 7.4.1.2).
func (st *clientStart) offerSession(hs *shared, ch *wire.ClientHello) error {
	p := hs.p
	sess := p.Session
	offers12 := slices.Contains(st.versions, wire.VersionTLS12)
	if !p.SessionCacheEnabled {
		return nil
	}
	if offers12 && !p.SessionTicketsDisabled {
		ch.TicketSupported = true // ask for a ticket
	}
	if slices.Contains(st.versions, wire.VersionTLS13) && !p.SessionTicketsDisabled {
		// RFC 8446, Section 4.2.9: servers only send tickets usable with the
		// modes the client advertised.
		ch.PSKModes, ch.HasPSKModes = []uint8{wire.PSKModeDHEKE}, true
		if p.AllowPSKWithoutECDHE {
			ch.PSKModes = append(ch.PSKModes, wire.PSKModeKE)
		}
	}
	now := hs.now()
	if sess == nil || sess.Expired(now) || !slices.Contains(ch.CipherSuites, sess.Suite) && sess.Version == wire.VersionTLS12 {
		return nil
	}
	// RFC 8446, Section 4.6.1: "Clients MUST only resume if the new SNI
	// value is valid for the server certificate presented in the original
	// session"; and never past that certificate's validity, nor a session
	// made without verification under a configuration that verifies.
	if sess.ServerName != ch.ServerName || !sess.leafValid(now) || !p.InsecureSkipVerify && sess.verified == nil {
		return nil
	}
	suite, ok := suites.Lookup(sess.Suite)
	if !ok {
		return nil
	}
	switch {
	case sess.Version == wire.VersionTLS13 && slices.Contains(st.versions, wire.VersionTLS13) && len(sess.Ticket) > 0 && !p.SessionTicketsDisabled:
		// The PSK is bound to the hash of its original suite: offer it only
		// if a suite with that hash is offered (RFC 8446, Section 4.2.11).
		if !slices.ContainsFunc(p.suitesFor(wire.VersionTLS13), func(s *suites.Suite) bool { return s.Hash == suite.Hash }) {
			return nil
		}
		// RFC 8446, Section 4.2.11.1: obfuscated_ticket_age is the age in
		// milliseconds plus ticket_age_add, modulo 2^32.
		age := uint32(hs.now().Sub(sess.IssuedAt).Milliseconds())
		ch.PSKIdentities = []wire.PSKIdentity{{Identity: sess.Ticket, ObfuscatedTicketAge: age + sess.AgeAdd}}
		st.psk, st.pskSuite = sess, suite
		st.pskEarly = keyschedule.NewEarlySecret(suite.Hash, sess.Secret)
		st.helloMsg = st.computeBinders(hs.transcript)
	case sess.Version == wire.VersionTLS12 && offers12:
		st.session12 = sess
		if len(sess.Ticket) > 0 && !p.SessionTicketsDisabled {
			ch.SessionTicket = sess.Ticket
			// RFC 5077, Section 3.4: with a ticket the client sends a
			// session ID of its own, to recognise the server's acceptance.
			if len(ch.LegacySessionID) == 0 {
				id, err := hs.randomBytes(32)
				if err != nil {
					return alert.Wrap(alert.InternalError, err)
				}
				ch.LegacySessionID = id
			}
		} else if len(sess.SessionID) > 0 {
			ch.LegacySessionID = sess.SessionID
		} else {
			st.session12 = nil
		}
	}
	return nil
}

// computeBinders fills in the PSK binder over the partial ClientHello
// (RFC 8446, Section 4.2.11.2) and returns the complete ClientHello
// message. prefix is the transcript before this ClientHello: empty for the
// first, message_hash(ClientHello1) and the HelloRetryRequest for the
// second. The message is marshalled once: the binders list is its last
// field, so the partial ClientHello is its beginning and the binder is
// written into its end.
func (st *clientStart) computeBinders(prefix *keyschedule.Transcript) []byte {
	ch := st.hello
	if ch == nil || st.psk == nil {
		return nil
	}
	t := keyschedule.NewTranscript()
	if prefix.Hash() != 0 {
		t = prefix.Clone()
	} else {
		t.SetHash(st.pskSuite.Hash)
	}
	ch.PSKBinders = [][]byte{make([]byte, st.pskSuite.Hash.Size())}
	msg := ch.Marshal()
	t.Write(msg[:len(msg)-wire.BindersLen(ch.PSKBinders)])
	ch.PSKBinders[0] = keyschedule.FinishedVerifyData(st.pskSuite.Hash, st.pskEarly.ResumptionBinderKey(), t.Sum())
	wire.FillBinders(msg, ch.PSKBinders)
	return msg
}
