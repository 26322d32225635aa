package handshake

import (
	"bytes"
	"encoding/binary"
	"slices"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/wire"
)

// maxPSKIdentities bounds the PSK identities a ClientHello may offer.
const maxPSKIdentities = 32

// maxPSKIdentitiesTried bounds the tickets a server decrypts for one
// ClientHello: a client has no reason to offer many.
const maxPSKIdentitiesTried = 8

// ticketAgeTolerance is how far the client's view of a ticket's age may
// differ from the server's (RFC 8446, Section 4.2.11.1 and 8.3).
const ticketAgeTolerance = 10 * time.Second

// selectPSK picks the first offered ticket the server can resume, checks its
// binder, and returns the session and its index; nil when there is none.
// A binder that does not verify is fatal (RFC 8446, Section 4.2.11: "If
// this value does not validate, the server MUST abort the handshake").
func (o *server13Offer) selectPSK(ch *wire.ClientHello) (*SessionState, int, error) {
	hs := o.shared
	p := hs.p
	if ch.PSKIdentities == nil || !p.ticketsEnabled() {
		return nil, 0, nil
	}
	if len(ch.PSKBinders) != len(ch.PSKIdentities) {
		return nil, 0, alert.New(alert.IllegalParameter, "%d PSK binders for %d identities", len(ch.PSKBinders), len(ch.PSKIdentities))
	}
	now := hs.now()
	for i, id := range ch.PSKIdentities {
		if i >= maxPSKIdentitiesTried {
			break
		}
		plain, ok := p.OpenTicket(id.Identity)
		if !ok {
			continue
		}
		sess, err := ParseSessionState(plain)
		if err != nil || !o.resumable(sess, ch, now) {
			continue
		}
		// RFC 8446, Section 4.2.11.1: the client's age of the ticket, once
		// de-obfuscated, must agree with ours.
		clientAge := time.Duration(id.ObfuscatedTicketAge-sess.AgeAdd) * time.Millisecond
		serverAge := now.Sub(sess.IssuedAt)
		if d := clientAge - serverAge; d > ticketAgeTolerance || d < -ticketAgeTolerance {
			continue
		}
		if err := o.checkBinder(ch, sess, ch.PSKBinders[i]); err != nil {
			return nil, 0, err
		}
		return sess, i, nil
	}
	return nil, 0, nil
}

// resumable applies every binding a resumed session must keep: version,
// the suite's hash, lifetime, server name, ALPN and the client
// authentication policy.
func (o *server13Offer) resumable(sess *SessionState, ch *wire.ClientHello, now time.Time) bool {
	p := o.shared.p
	suite := o.suite
	orig, ok := suiteByID(sess.Suite)
	switch {
	case sess.Version != wire.VersionTLS13, !ok, orig.Hash != suite.Hash:
		return false
	case sess.Expired(now), !sess.leafValid(now):
		return false
	case sess.ServerName != ch.ServerName, sess.ALPN != o.alpn:
		return false
	case len(sess.PeerCertificates) == 0 && (p.ClientAuth == RequireAnyClientCert || p.ClientAuth == RequireAndVerifyClientCert):
		return false
	}
	return o.shared.reverifyClient(sess)
}

// checkBinder verifies a PSK binder over the partial ClientHello
// (RFC 8446, Section 4.2.11.2), in constant time.
func (o *server13Offer) checkBinder(ch *wire.ClientHello, sess *SessionState, binder []byte) error {
	h := o.suite.Hash
	truncated := ch.RawTruncated()
	if truncated == nil {
		return alert.New(alert.DecodeError, "malformed pre_shared_key")
	}
	t := o.shared.transcript.Clone()
	t.Write(truncated)
	early := keyschedule.NewEarlySecret(h, sess.Secret)
	want := keyschedule.FinishedVerifyData(h, early.ResumptionBinderKey(), t.Sum())
	if len(binder) != len(want) || !hmacEqual(binder, want) {
		return alert.New(alert.DecryptError, "PSK binder does not verify")
	}
	// The key schedule of the handshake starts from this Early Secret.
	o.pskEarly = early
	return nil
}

// pskMode returns the key exchange mode the server uses with a PSK
// (RFC 8446, Section 4.2.9): psk_ke when both sides allow it (the server's
// AllowPSKWithoutECDHE is the operator's choice to trade forward secrecy
// for speed), psk_dhe_ke otherwise.
func pskMode(ch *wire.ClientHello, p *Params) (uint8, bool) {
	switch {
	case slices.Contains(ch.PSKModes, wire.PSKModeKE) && p.AllowPSKWithoutECDHE:
		return wire.PSKModeKE, true
	case slices.Contains(ch.PSKModes, wire.PSKModeDHEKE):
		return wire.PSKModeDHEKE, true
	}
	return 0, false
}

// newSessionTicket13 builds a NewSessionTicket for the completed handshake
// whose resumption master secret rms returns (RFC 8446, Section 4.6.1), or
// nil when no ticket should be sent. rms is called only for a ticket that
// is sent, so a handshake without one derives no resumption secret.
func (o *server13Offer) newSessionTicket13(rms func() []byte) ([]byte, error) {
	hs := o.shared
	if !hs.p.ticketsEnabled() {
		return nil, nil
	}
	// RFC 8446, Section 4.2.9: "Servers MUST NOT send a NewSessionTicket
	// with tickets that are not compatible with the advertised modes".
	if _, ok := pskMode(o.ch, hs.p); !ok {
		return nil, nil
	}
	now := hs.now()
	life := hs.result.AuthTime.Add(maxTicketLifetime).Sub(now)
	if life < time.Second {
		return nil, nil
	}
	life = min(life, maxTicketLifetime)
	ageAddBytes, err := hs.randomBytes(4)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	nonce := []byte{0}
	sess := &SessionState{
		Version:          wire.VersionTLS13,
		Suite:            o.suite.ID,
		Secret:           keyschedule.ResumptionPSK(o.suite.Hash, rms(), nonce),
		AuthTime:         hs.result.AuthTime,
		IssuedAt:         now,
		Lifetime:         life,
		AgeAdd:           binary.BigEndian.Uint32(ageAddBytes),
		ServerName:       o.ch.ServerName,
		ALPN:             o.alpn,
		PeerCertificates: hs.result.rawPeerCertificates,
	}
	ticket, err := hs.p.SealTicket(sess.Marshal())
	if err != nil {
		// No ticket keys now (a key source failed): no ticket, and the
		// connection is unaffected.
		return nil, nil
	}
	return (&wire.NewSessionTicket13{
		Lifetime: uint32(life / time.Second),
		AgeAdd:   sess.AgeAdd,
		Nonce:    nonce,
		Ticket:   ticket,
	}).Marshal(), nil
}

// checkPSKsKept applies RFC 8446, Section 4.1.2 to ClientHello2's
// pre_shared_key: the client may only update ages and binders and remove
// "PSKs which are incompatible with the server's indicated cipher suite".
// Adding an identity, or dropping one the server could have used, is
// illegal_parameter.
func (o *server13Offer) checkPSKsKept(first, second *wire.ClientHello) error {
	has := func(list []wire.PSKIdentity, id []byte) bool {
		return slices.ContainsFunc(list, func(x wire.PSKIdentity) bool { return bytes.Equal(x.Identity, id) })
	}
	for _, id := range second.PSKIdentities {
		if !has(first.PSKIdentities, id.Identity) {
			return alert.New(alert.IllegalParameter, "second ClientHello adds a PSK identity")
		}
	}
	p := o.shared.p
	if !p.ticketsEnabled() {
		return nil
	}
	for i, id := range first.PSKIdentities {
		if i >= maxPSKIdentitiesTried || has(second.PSKIdentities, id.Identity) {
			continue
		}
		plain, ok := p.OpenTicket(id.Identity)
		if !ok {
			continue
		}
		sess, err := ParseSessionState(plain)
		if err != nil {
			continue
		}
		if s, ok := suiteByID(sess.Suite); ok && s.Hash == o.suite.Hash && sess.Version == wire.VersionTLS13 {
			return alert.New(alert.IllegalParameter, "second ClientHello drops a PSK compatible with the selected suite")
		}
	}
	return nil
}

// EarlyDataOffered reports whether the client tried 0-RTT, which hush
// always declines: the connection then skips the early data records
// (RFC 8446, Section 4.2.10).
func (m *Machine) EarlyDataOffered() bool { return m.hs.earlyDataOffered }
