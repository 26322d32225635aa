package main

import (
	"crypto/rand"
	"time"

	"github.com/hushtls/hush"
)

// session is what the shim's connections share, as the connections of one
// BoringSSL SSL_CTX do: the client's session cache, the server's session
// cache and ticket key, and the frozen clock that -resumption-delay moves.
var session = struct {
	clientCache hush.ClientSessionCache
	serverCache hush.ServerSessionCache
	ticketKey   [32]byte
	clockBase   time.Time
	clockSkew   time.Duration
}{
	clockBase:   time.Now(),
	clientCache: hush.NewLRUClientSessionCache(8),
	serverCache: hush.NewLRUServerSessionCache(8),
}

func init() {
	if _, err := rand.Read(session.ticketKey[:]); err != nil {
		panic(err)
	}
}

// applyResumption configures session caching and tickets for a connection.
func applyResumption(c *testConfig, cfg *hush.Config) {
	// Like BoringSSL's shim, a frozen clock that only -resumption-delay
	// moves, so ticket ages come out exact.
	now := session.clockBase.Add(session.clockSkew)
	cfg.Time = func() time.Time { return now }
	cfg.SessionTicketsDisabled = c.noTicket
	if c.server {
		cfg.ServerSessionCache = session.serverCache
		cfg.SetSessionTicketKeys([][32]byte{session.ticketKey})
	} else {
		cfg.ClientSessionCache = session.clientCache
	}
}

// advanceClock moves the shim's clock forward, for -resumption-delay.
func advanceClock(seconds int) {
	session.clockSkew += time.Duration(seconds) * time.Second
}
