package hush

// SendKeyUpdateForTest sends a KeyUpdate from c (tests only).
func SendKeyUpdateForTest(c *Conn, requestUpdate bool) error { return c.sendKeyUpdate(requestUpdate) }
