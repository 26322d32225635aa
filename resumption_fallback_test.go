package hush_test

import (
	"crypto/tls"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// connectHush runs one hush client/server handshake plus a small exchange
// over TCP and returns both connection states.
func connectHush(t *testing.T, cc, sc *hush.Config) (hush.ConnectionState, hush.ConnectionState) {
	t.Helper()
	a, b := testutil.TCPPipe(t)
	client, server := hush.Client(a, cc), hush.Server(b, sc)
	defer closeBoth(client, server)
	cerr, serr := handshakeBoth(client, server)
	mustHandshake(t, cerr, serr)
	exchange(t, client, server, 100)
	return client.ConnectionState(), server.ConnectionState()
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestResumptionFallsBack checks that every ticket that must not be
// resumed leads to a full handshake that succeeds, never to an error.
func TestResumptionFallsBack(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256, "example.com", "other.example")
	for _, ver := range versions {
		cases := []struct {
			name  string
			setup func(cc, sc *hush.Config, clk *clock)
		}{
			{"rotated-out-key", func(cc, sc *hush.Config, clk *clock) {
				sc.SetSessionTicketKeys([][32]byte{{9}})
			}},
			{"automatic-key-expired", func(cc, sc *hush.Config, clk *clock) {
				clk.add(8 * 24 * time.Hour) // past the 7-day key lifetime (and the session's)
				cc.Time = func() time.Time { return clk.now().Add(-8 * 24 * time.Hour) }
			}},
			{"tampered-ticket", func(cc, sc *hush.Config, clk *clock) {
				// A different server key opens nothing: same as tampering for the
				// server, plus the explicit flip below.
				hush.TamperCachedTicketForTest(cc.ClientSessionCache, "example.com")
			}},
			{"expired-at-server", func(cc, sc *hush.Config, clk *clock) {
				// The client still thinks the session fresh and offers it.
				sc.Time = func() time.Time { return clk.now().Add(7*24*time.Hour + time.Minute) }
			}},
			{"expired-at-client", func(cc, sc *hush.Config, clk *clock) {
				// The client's clock has moved on too: it must not even offer
				// the session (and the test chain has expired by then).
				clk.add(7*24*time.Hour + time.Minute)
				cc.InsecureSkipVerify = true
			}},
			{"different-server-name", func(cc, sc *hush.Config, clk *clock) {
				hush.MoveCachedSessionForTest(cc.ClientSessionCache, "example.com", "other.example")
				cc.ServerName = "other.example"
			}},
			{"suite-hash-mismatch", func(cc, sc *hush.Config, clk *clock) {
				if ver.v == hush.VersionTLS13 {
					sc.CipherSuites = []uint16{hush.TLS_AES_256_GCM_SHA384}
				} else {
					sc.CipherSuites = []uint16{hush.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}
				}
				cc.CipherSuites = []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_AES_256_GCM_SHA384,
					hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, hush.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}
			}},
			{"alpn-changed", func(cc, sc *hush.Config, clk *clock) {
				cc.NextProtos, sc.NextProtos = []string{"h2"}, []string{"h2"}
			}},
		}
		for _, tc := range cases {
			t.Run(ver.name+"/"+tc.name, func(t *testing.T) {
				clk := &clock{t: time.Now()}
				cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: ver.v,
					ClientSessionCache: hush.NewLRUClientSessionCache(4), Time: clk.now,
					CipherSuites: []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
				sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, Time: clk.now, ServerSessionCache: hush.NewLRUServerSessionCache(4)}
				connectHush(t, cc, sc)
				// Control: the same configuration resumes.
				if cs, _ := connectHush(t, cc, sc); !cs.DidResume {
					t.Fatal("control connection did not resume")
				}
				tc.setup(cc, sc, clk)
				cs, ss := connectHush(t, cc, sc)
				if cs.DidResume || ss.DidResume {
					t.Fatalf("resumed although the session must be refused (client %v, server %v)", cs.DidResume, ss.DidResume)
				}
			})
		}
	}
}

// TestSessionIDResumption resumes TLS 1.2 by session ID alone, without
// tickets, between a hush client and a hush server.
func TestSessionIDResumption(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: hush.VersionTLS12,
		ClientSessionCache: hush.NewLRUClientSessionCache(4), SessionTicketsDisabled: true}
	sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, ServerSessionCache: hush.NewLRUServerSessionCache(16)}
	if cs, _ := connectHush(t, cc, sc); cs.DidResume {
		t.Fatal("first connection resumed")
	}
	for i := 0; i < 2; i++ {
		if cs, ss := connectHush(t, cc, sc); !cs.DidResume || !ss.DidResume {
			t.Fatalf("session-ID resumption failed: client %v server %v", cs.DidResume, ss.DidResume)
		}
	}
	// Without a server cache there is nothing to resume by ID.
	cc2 := cc.Clone()
	cc2.ClientSessionCache = hush.NewLRUClientSessionCache(4)
	sc2 := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
	connectHush(t, cc2, sc2)
	if cs, _ := connectHush(t, cc2, sc2); cs.DidResume {
		t.Fatal("resumed without tickets or a server session cache")
	}
}

// TestBinderMismatchIsDecryptError: a PSK whose binder does not verify is
// fatal (RFC 8446, Section 4.2.11), and the alert is decrypt_error.
func TestBinderMismatchIsDecryptError(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, ClientSessionCache: hush.NewLRUClientSessionCache(4)}
	sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
	connectHush(t, cc, sc)
	// Corrupt the PSK the client holds: its binder no longer verifies.
	hush.CorruptCachedSecretForTest(cc.ClientSessionCache, "example.com")
	a, b := testutil.TCPPipe(t)
	client, server := hush.Client(a, cc), hush.Server(b, sc)
	defer closeBoth(client, server)
	cerr, serr := handshakeBoth(client, server)
	var ae *hush.AlertError
	if !errors.As(serr, &ae) || ae.Alert != hush.AlertDecryptError || ae.Received {
		t.Fatalf("server error %v, want a sent decrypt_error", serr)
	}
	if !errors.As(cerr, &ae) || ae.Alert != hush.AlertDecryptError || !ae.Received {
		t.Fatalf("client error %v, want a received decrypt_error", cerr)
	}
}

// TestTicketKeySourceSharedByFleet: two servers sharing keys through a
// TicketKeySource resume each other's sessions; rotating the source's
// first key keeps old tickets valid while they stay in the list.
func TestTicketKeySourceSharedByFleet(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	src := &staticKeys{keys: [][32]byte{{1}}}
	s1 := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, TicketKeySource: src}
	s2 := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, TicketKeySource: src}
	for _, ver := range versions {
		cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: ver.v, ClientSessionCache: hush.NewLRUClientSessionCache(4)}
		connectHush(t, cc, s1)
		if cs, ss := connectHush(t, cc, s2); !cs.DidResume || !ss.DidResume {
			t.Fatalf("%s: server 2 did not resume server 1's session", ver.name)
		}
		src.set([][32]byte{{2}, {1}}) // rotate: new key first, old still accepted
		if cs, _ := connectHush(t, cc, s1); !cs.DidResume {
			t.Fatalf("%s: ticket under the previous key not accepted after rotation", ver.name)
		}
		src.set([][32]byte{{3}}) // old keys gone
		if cs, _ := connectHush(t, cc, s2); cs.DidResume {
			t.Fatalf("%s: ticket under a removed key was accepted", ver.name)
		}
		src.set([][32]byte{{1}})
	}
}

type staticKeys struct {
	mu   sync.Mutex
	keys [][32]byte
}

func (s *staticKeys) TicketKeys() ([][32]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys, nil
}

func (s *staticKeys) set(k [][32]byte) { s.mu.Lock(); s.keys = k; s.mu.Unlock() }

// TestResumptionTLS12CryptoTLSSessionTicketsOff covers a crypto/tls client
// with tickets disabled against a hush server with a session cache: the
// session ID path.
func TestResumptionSessionIDWithCryptoTLSServer(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	// crypto/tls servers do not support session IDs; a hush client whose
	// server gives none must simply not resume.
	cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: hush.VersionTLS12,
		ClientSessionCache: hush.NewLRUClientSessionCache(4), SessionTicketsDisabled: true}
	sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}}
	for i := 0; i < 2; i++ {
		client, server, cerr, serr := pairHushClient(t, cc, sc)
		mustHandshake(t, cerr, serr)
		exchange(t, client, server, 10)
		if client.ConnectionState().DidResume {
			t.Fatal("resumed without a ticket or a session ID")
		}
	}
}
