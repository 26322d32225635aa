package hush

// SendKeyUpdateForTest sends a KeyUpdate from c (tests only).
func SendKeyUpdateForTest(c *Conn, requestUpdate bool) error { return c.sendKeyUpdate(requestUpdate) }

// TamperCachedTicketForTest flips a bit in the ticket of a cached session.
func TamperCachedTicketForTest(cache ClientSessionCache, key string) {
	cs, ok := cache.Get(key)
	if !ok {
		panic("no cached session for " + key)
	}
	st := *cs.state
	st.Ticket = append([]byte(nil), st.Ticket...)
	if len(st.Ticket) > 0 {
		st.Ticket[len(st.Ticket)/2] ^= 1
	}
	if len(st.SessionID) > 0 {
		st.SessionID = append([]byte(nil), st.SessionID...)
		st.SessionID[0] ^= 1
	}
	cache.Put(key, &ClientSessionState{state: &st})
}

// MoveCachedSessionForTest stores the session cached under from under to.
func MoveCachedSessionForTest(cache ClientSessionCache, from, to string) {
	cs, ok := cache.Get(from)
	if !ok {
		panic("no cached session for " + from)
	}
	cache.Put(to, cs)
}

// CorruptCachedSecretForTest changes the secret of a cached session, so its
// PSK binder no longer verifies at the server.
func CorruptCachedSecretForTest(cache ClientSessionCache, key string) {
	cs, ok := cache.Get(key)
	if !ok {
		panic("no cached session for " + key)
	}
	st := *cs.state
	st.Secret = append([]byte(nil), st.Secret...)
	st.Secret[0] ^= 1
	cache.Put(key, &ClientSessionState{state: &st})
}

// KeyUpdatesSentForTest reports how many KeyUpdates c has sent.
func KeyUpdatesSentForTest(c *Conn) int {
	c.out.Lock()
	defer c.out.Unlock()
	return int(c.out.keyUpdatesSent)
}

// SendHandshakeForTest sends msg as a handshake record under c's current
// write protection, as a misbehaving peer would (renegotiation attempts).
func SendHandshakeForTest(c *Conn, msg []byte) error {
	c.out.Lock()
	defer c.out.Unlock()
	c.out.sealRecord(22, msg)
	_, err := c.conn.Write(c.out.buf)
	c.out.buf = c.out.buf[:0]
	return err
}

// ReadBufferLenForTest returns the length of c's read buffer (0 without
// one) and how many bytes are buffered in it.
func ReadBufferLenForTest(c *Conn) (size, buffered int) {
	c.in.Lock()
	defer c.in.Unlock()
	return len(c.in.raw), c.in.end - c.in.start
}
