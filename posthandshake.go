package hush

import (
	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/wire"
)

// maxKeyUpdatesInRow bounds how many KeyUpdates a peer may send without
// any application data between them, so it cannot keep us busy forever.
const maxKeyUpdatesInRow = 32

// handlePostHandshake processes handshake messages that arrive after the
// handshake (RFC 8446, Section 4.6). c.in is locked.
func (c *Conn) handlePostHandshake() error {
	in := &c.in
	if in.hs == nil {
		return nil
	}
	if len(in.plain) > 0 {
		c.keyUpdatesInRow = 0
	}
	for {
		msg, ok := in.hs.Next()
		if !ok {
			return nil
		}
		if c.est.version != wire.VersionTLS13 {
			if err := c.refuseRenegotiation(msg); err != nil {
				return err
			}
			continue
		}
		switch wire.HandshakeType(msg[0]) {
		case wire.TypeNewSessionTicket:
			if c.isClient {
				nst, err := wire.ParseNewSessionTicket13(msg)
				if err != nil {
					return c.fatal(err)
				}
				c.storeTicket(nst)
				continue
			}
		case wire.TypeKeyUpdate:
			ku, err := wire.ParseKeyUpdate(msg)
			if err != nil {
				return c.fatal(err)
			}
			if err := c.handleKeyUpdate(ku); err != nil {
				return err
			}
			continue
		}
		return c.fatal(alert.New(alert.UnexpectedMessage, "unexpected post-handshake message type %d", msg[0]))
	}
}

// handleKeyUpdate applies a received KeyUpdate (RFC 8446, Section 4.6.3).
func (c *Conn) handleKeyUpdate(ku *wire.KeyUpdate) error {
	in := &c.in
	// RFC 8446, Section 5.1: handshake messages MUST NOT span key changes.
	if in.hs.Buffered() != 0 {
		return c.fatal(alert.New(alert.UnexpectedMessage, "KeyUpdate not at the end of its record"))
	}
	c.keyUpdatesInRow++
	if c.keyUpdatesInRow > maxKeyUpdatesInRow {
		return c.fatal(alert.New(alert.UnexpectedMessage, "more than %d KeyUpdates without application data", maxKeyUpdatesInRow))
	}
	prot, err := c.nextTrafficKeys(false)
	if err != nil {
		return c.fatal(alert.Wrap(alert.InternalError, err))
	}
	in.prot = prot
	if !ku.UpdateRequested {
		return nil
	}
	// RFC 8446, Section 4.6.3: "If the request_update field is set to
	// "update_requested", then the receiver MUST send a KeyUpdate of its
	// own with request_update set to "update_not_requested" prior to
	// sending its next Application Data record."
	c.out.Lock()
	defer c.out.Unlock()
	// One answer covers every request received before our next
	// application data: a second KeyUpdate would not be "prior to sending
	// its next Application Data record" any more than the first.
	if c.out.closed || c.out.keyUpdateAnswered {
		return nil
	}
	if err := c.updateWriteKeyLocked(false); err != nil {
		return c.fatal(err)
	}
	c.out.keyUpdateAnswered = true
	return nil
}

// updateWriteKeyLocked sends a KeyUpdate under the current write key, then
// moves to the next one. c.out is locked.
func (c *Conn) updateWriteKeyLocked(requestUpdate bool) error {
	if c.est.version != wire.VersionTLS13 {
		return alert.New(alert.InternalError, "the write key is exhausted and TLS 1.2 has no KeyUpdate")
	}
	msg := (&wire.KeyUpdate{UpdateRequested: requestUpdate}).Marshal()
	c.out.sealRecord(record.TypeHandshake, msg)
	if _, err := c.conn.Write(c.out.buf); err != nil {
		c.out.buf = c.out.buf[:0]
		return err
	}
	c.out.buf = c.out.buf[:0]
	c.out.keyUpdatesSent++
	prot, err := c.nextTrafficKeys(true)
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	c.out.prot = prot
	return nil
}

// nextTrafficKeys moves the write (or read) traffic secret to the next
// generation (RFC 8446, Section 7.2), overwriting the old one, and returns
// the protection under the new keys. c.out (or c.in) is locked.
func (c *Conn) nextTrafficKeys(write bool) (*record.Protector, error) {
	suite := c.est.suite
	secret := c.est.trafficSecret(c.isClient, write)
	next := keyschedule.NextTrafficSecret(suite.Hash, secret)
	copy(secret, next)
	clear(next)
	key, iv := keyschedule.TrafficKey(suite.Hash, secret, suite.KeyLen, suite.IVLen)
	prot, err := record.NewTLS13(suite, key, iv)
	clear(key)
	clear(iv)
	return prot, err
}

// sendKeyUpdate sends a KeyUpdate now; with requestUpdate the peer must
// answer with its own. Tests use it; applications never need to.
func (c *Conn) sendKeyUpdate(requestUpdate bool) error {
	if err := c.Handshake(); err != nil {
		return err
	}
	c.out.Lock()
	defer c.out.Unlock()
	if err := c.updateWriteKeyLocked(requestUpdate); err != nil {
		return c.fatal(err)
	}
	return nil
}

// refuseRenegotiation answers a TLS 1.2 renegotiation attempt. hush never
// renegotiates (RFC 5746 fixes the protocol, but renegotiation remains a
// source of attacks): a HelloRequest received by a client, or a ClientHello
// received by a server, gets the no_renegotiation warning of RFC 5246,
// Section 7.2.2, and the connection goes on with its current keys. Any
// other handshake message is unexpected. c.in is locked.
func (c *Conn) refuseRenegotiation(msg []byte) error {
	typ := wire.HandshakeType(msg[0])
	switch {
	case c.isClient && typ == wire.TypeHelloRequest:
		if err := wire.ParseHelloRequest(msg); err != nil {
			return c.fatal(err)
		}
	case !c.isClient && typ == wire.TypeClientHello:
	default:
		return c.fatal(alert.New(alert.UnexpectedMessage, "handshake message %d after the TLS 1.2 handshake", typ))
	}
	c.renegotiationsRefused++
	if c.renegotiationsRefused > maxKeyUpdatesInRow {
		return c.fatal(alert.New(alert.NoRenegotiation, "peer keeps asking for renegotiation"))
	}
	c.out.Lock()
	defer c.out.Unlock()
	if c.out.closed {
		return nil
	}
	c.out.sealRecord(record.TypeAlert, []byte{alert.LevelWarning, byte(alert.NoRenegotiation)})
	_, err := c.conn.Write(c.out.buf)
	c.out.buf = c.out.buf[:0]
	if err != nil {
		return c.fatal(err)
	}
	return nil
}

// storeTicket keeps a TLS 1.3 session ticket in the client session cache
// (RFC 8446, Section 4.6.1). c.in is locked.
func (c *Conn) storeTicket(nst *wire.NewSessionTicket13) {
	cache := c.config.ClientSessionCache
	if cache == nil || c.config.SessionTicketsDisabled {
		return
	}
	if c.est.extra == nil || c.est.extra.tickets == nil {
		return
	}
	if sess := c.est.extra.tickets.NewClientSession13(nst.Ticket, nst.Lifetime, nst.AgeAdd, nst.Nonce, c.config.now()); sess != nil {
		cache.Put(c.sessionKey(), &ClientSessionState{state: sess})
	}
}
