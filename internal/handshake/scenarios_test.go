package handshake

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

const testHost = "example.com"

// Expected state sequences: the initial state, then the state after each
// message the side received; "none" is the finished machine.
var (
	client13States = []string{"client13WaitServerHello", "client13WaitEncryptedExtensions",
		"client13WaitCertOrCertRequest", "client13WaitCertVerify", "client13WaitFinished", "none"}
	client13HRRStates = []string{"client13WaitServerHello", "client13WaitServerHello", "client13WaitEncryptedExtensions",
		"client13WaitCertOrCertRequest", "client13WaitCertVerify", "client13WaitFinished", "none"}
	client13AuthStates = []string{"client13WaitServerHello", "client13WaitEncryptedExtensions",
		"client13WaitCertOrCertRequest", "client13WaitCert", "client13WaitCertVerify", "client13WaitFinished", "none"}
	server13States     = []string{"serverWaitClientHello", "server13WaitFinished", "none"}
	server13HRRStates  = []string{"serverWaitClientHello", "serverWaitClientHello2", "server13WaitFinished", "none"}
	server13AuthStates = []string{"serverWaitClientHello", "server13WaitCertificate", "server13WaitCertVerify",
		"server13WaitFinished", "none"}

	client12States = []string{"client13WaitServerHello", "client12WaitCertificate", "client12WaitServerKeyExchange",
		"client12WaitCertRequestOrDone", "client12WaitCCS", "client12WaitFinished", "none"}
	client12RSAStates = []string{"client13WaitServerHello", "client12WaitCertificate",
		"client12WaitCertRequestOrDone", "client12WaitCCS", "client12WaitFinished", "none"}
	client12AuthStates = []string{"client13WaitServerHello", "client12WaitCertificate", "client12WaitServerKeyExchange",
		"client12WaitCertRequestOrDone", "client12WaitCertRequestOrDone", "client12WaitCCS", "client12WaitFinished", "none"}
	server12States = []string{"serverWaitClientHello", "server12WaitClientKeyExchange", "server12WaitCCS",
		"server12WaitFinished", "none"}
	server12AuthStates = []string{"serverWaitClientHello", "server12WaitCertificate", "server12WaitClientKeyExchange",
		"server12WaitCertificateVerify", "server12WaitCCS", "server12WaitFinished", "none"}

	labels13 = []string{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
		"CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"}
	labels12 = []string{"CLIENT_RANDOM"}
)

// scenario is one successful handshake and what it must establish.
type scenario struct {
	name   string
	cp, sp *Params

	version uint16
	suite   uint16
	group   uint16
	alpn    string
	hrr     bool
	// resume says the recorded handshake resumes the session of a first,
	// full handshake between the same parameters.
	resume bool

	clientStates, serverStates []string
	// clientTrace and serverTrace, when set, are the exact traces.
	clientTrace, serverTrace []string
}

func certOf(c *testutil.Chain) *Certificate {
	return &Certificate{Chain: c.Certificates, Key: c.Key, Leaf: c.Leaf}
}

// baseParams returns a client that trusts serverChain's root and a server
// that presents serverChain, both allowing TLS 1.2 and 1.3.
func baseParams(serverChain *testutil.Chain) (cp, sp *Params) {
	cp = &Params{
		IsClient:   true,
		MinVersion: wire.VersionTLS12,
		MaxVersion: wire.VersionTLS13,
		ServerName: testHost,
		RootCAs:    serverChain.RootPool,
	}
	sp = &Params{
		MinVersion:   wire.VersionTLS12,
		MaxVersion:   wire.VersionTLS13,
		Certificates: []*Certificate{certOf(serverChain)},
	}
	return cp, sp
}

// withClientCert makes sp require and verify a client certificate, which
// cp presents from clientChain.
func withClientCert(cp, sp *Params, clientChain *testutil.Chain) {
	sp.ClientAuth = RequireAndVerifyClientCert
	sp.ClientCAs = clientChain.RootPool
	cp.Certificates = []*Certificate{certOf(clientChain)}
}

// withTickets lets sp issue and accept session tickets and cp keep
// sessions. The ticket "protection" is a tag: the state machines only need
// Seal and Open to be inverse.
func withTickets(cp, sp *Params) {
	cp.SessionCacheEnabled = true
	sp.SealTicket = func(state []byte) ([]byte, error) { return append([]byte("ticket:"), state...), nil }
	sp.OpenTicket = func(ticket []byte) ([]byte, bool) {
		rest, ok := bytes.CutPrefix(ticket, []byte("ticket:"))
		return bytes.Clone(rest), ok
	}
}

// sessionFrom returns the session a client keeps from a completed run:
// the TLS 1.2 Result.NewSession, or one built from the first TLS 1.3
// NewSessionTicket, as the connection does.
func sessionFrom(t *testing.T, r *run) *SessionState { return sessionFromRun(t, r) }

func sessionFromRun(t testing.TB, r *run) *SessionState {
	t.Helper()
	res := r.c.m.Result()
	if res.Version == wire.VersionTLS12 {
		if res.NewSession == nil {
			t.Fatal("the TLS 1.2 handshake left no session")
		}
		return res.NewSession
	}
	for _, d := range r.postHandshake {
		if d.from != server {
			continue
		}
		nst, err := wire.ParseNewSessionTicket13(d.msg)
		if err != nil {
			t.Fatalf("parsing the NewSessionTicket: %v", err)
		}
		if sess := res.NewClientSession13(nst.Ticket, nst.Lifetime, nst.AgeAdd, nst.Nonce, time.Now()); sess != nil {
			return sess
		}
	}
	t.Fatalf("the TLS 1.3 handshake sent no usable NewSessionTicket (post-handshake: %d messages)", len(r.postHandshake))
	return nil
}

// runScenario runs sc's handshake (after a first one to get a session,
// when sc.resume) and returns it with the client parameters it used.
func runScenario(t *testing.T, sc scenario, tam *tamper) (*run, *Params) {
	t.Helper()
	cp := sc.cp
	if sc.resume {
		first := drive(t, sc.cp, sc.sp, nil)
		if first.fail != nil || !first.done() {
			t.Fatalf("the first handshake does not complete: %+v", first.fail)
		}
		c := *sc.cp
		c.Session = sessionFrom(t, first)
		cp = &c
	}
	return drive(t, cp, sc.sp, tam), cp
}

func firstSuite(version uint16) uint16 {
	for _, id := range suites.DefaultOrder() {
		if s, ok := suites.Lookup(id); ok && s.Version == version {
			return id
		}
	}
	return 0
}

func groupName(g uint16) string {
	switch g {
	case kex.X25519:
		return "X25519"
	case kex.P256:
		return "P256"
	case kex.P384:
		return "P384"
	case kex.X25519MLKEM768:
		return "X25519MLKEM768"
	}
	return fmt.Sprintf("group%#04x", g)
}

func scenarios(t *testing.T) []scenario {
	ecdsa := testutil.NewChain(t, testutil.ECDSAP256)
	rsa := testutil.NewChain(t, testutil.RSA2048)
	var out []scenario

	{
		cp, sp := baseParams(ecdsa)
		out = append(out, scenario{
			name: "TLS13/default", cp: cp, sp: sp,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.X25519MLKEM768,
			clientStates: client13States, serverStates: server13States,
			clientTrace: []string{
				"send ClientHello", "flush",
				"recv ServerHello",
				"log CLIENT_HANDSHAKE_TRAFFIC_SECRET", "log SERVER_HANDSHAKE_TRAFFIC_SECRET",
				"read key SERVER_HANDSHAKE_TRAFFIC_SECRET", "send dummy ChangeCipherSpec",
				"write key CLIENT_HANDSHAKE_TRAFFIC_SECRET",
				"recv EncryptedExtensions", "recv Certificate", "recv CertificateVerify", "recv Finished",
				"log CLIENT_TRAFFIC_SECRET_0", "log SERVER_TRAFFIC_SECRET_0", "log EXPORTER_SECRET",
				"send Finished",
				"read key SERVER_TRAFFIC_SECRET_0", "write key CLIENT_TRAFFIC_SECRET_0", "flush",
			},
			serverTrace: []string{
				"recv ClientHello",
				"send ServerHello", "send dummy ChangeCipherSpec",
				"log CLIENT_HANDSHAKE_TRAFFIC_SECRET", "log SERVER_HANDSHAKE_TRAFFIC_SECRET",
				"write key SERVER_HANDSHAKE_TRAFFIC_SECRET", "read key CLIENT_HANDSHAKE_TRAFFIC_SECRET",
				"send EncryptedExtensions", "send Certificate", "send CertificateVerify", "send Finished",
				"log CLIENT_TRAFFIC_SECRET_0", "log SERVER_TRAFFIC_SECRET_0", "log EXPORTER_SECRET",
				"write key SERVER_TRAFFIC_SECRET_0", "flush",
				"recv Finished",
				"read key CLIENT_TRAFFIC_SECRET_0",
			},
		})
	}
	for _, suite := range []uint16{suites.TLS_AES_128_GCM_SHA256, suites.TLS_AES_256_GCM_SHA384, suites.TLS_CHACHA20_POLY1305_SHA256} {
		for _, group := range []uint16{kex.X25519, kex.P256, kex.P384, kex.X25519MLKEM768} {
			cp, sp := baseParams(ecdsa)
			cp.CipherSuites = []uint16{suite}
			cp.CurvePreferences = []uint16{group}
			out = append(out, scenario{
				name: "TLS13/" + suites.Name(suite) + "/" + groupName(group), cp: cp, sp: sp,
				version: wire.VersionTLS13, suite: suite, group: group,
				clientStates: client13States, serverStates: server13States,
			})
		}
	}
	{
		cp, sp := baseParams(ecdsa)
		cp.CurvePreferences = []uint16{kex.X25519, kex.P256}
		sp.CurvePreferences = []uint16{kex.P256}
		out = append(out, scenario{
			name: "TLS13/HelloRetryRequest", cp: cp, sp: sp,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.P256, hrr: true,
			clientStates: client13HRRStates, serverStates: server13HRRStates,
			clientTrace: []string{
				"send ClientHello", "flush",
				"recv HelloRetryRequest",
				"send dummy ChangeCipherSpec", "send ClientHello#2", "flush",
				"recv ServerHello",
				"log CLIENT_HANDSHAKE_TRAFFIC_SECRET", "log SERVER_HANDSHAKE_TRAFFIC_SECRET",
				"read key SERVER_HANDSHAKE_TRAFFIC_SECRET",
				"write key CLIENT_HANDSHAKE_TRAFFIC_SECRET",
				"recv EncryptedExtensions", "recv Certificate", "recv CertificateVerify", "recv Finished",
				"log CLIENT_TRAFFIC_SECRET_0", "log SERVER_TRAFFIC_SECRET_0", "log EXPORTER_SECRET",
				"send Finished",
				"read key SERVER_TRAFFIC_SECRET_0", "write key CLIENT_TRAFFIC_SECRET_0", "flush",
			},
			serverTrace: []string{
				"recv ClientHello",
				"send HelloRetryRequest", "send dummy ChangeCipherSpec", "flush",
				"recv ClientHello#2",
				"send ServerHello",
				"log CLIENT_HANDSHAKE_TRAFFIC_SECRET", "log SERVER_HANDSHAKE_TRAFFIC_SECRET",
				"write key SERVER_HANDSHAKE_TRAFFIC_SECRET", "read key CLIENT_HANDSHAKE_TRAFFIC_SECRET",
				"send EncryptedExtensions", "send Certificate", "send CertificateVerify", "send Finished",
				"log CLIENT_TRAFFIC_SECRET_0", "log SERVER_TRAFFIC_SECRET_0", "log EXPORTER_SECRET",
				"write key SERVER_TRAFFIC_SECRET_0", "flush",
				"recv Finished",
				"read key CLIENT_TRAFFIC_SECRET_0",
			},
		})
	}
	for _, kind := range []testutil.KeyKind{testutil.ECDSAP256, testutil.ECDSAP384, testutil.RSA2048, testutil.Ed25519} {
		cp, sp := baseParams(ecdsa)
		withClientCert(cp, sp, testutil.NewChain(t, kind, "client.example"))
		out = append(out, scenario{
			name: "TLS13/ClientCert/" + kind.String(), cp: cp, sp: sp,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.X25519MLKEM768,
			clientStates: client13AuthStates, serverStates: server13AuthStates,
		})
	}
	for _, kind := range []testutil.KeyKind{testutil.RSA2048, testutil.ECDSAP384, testutil.Ed25519} {
		cp, sp := baseParams(testutil.NewChain(t, kind))
		out = append(out, scenario{
			name: "TLS13/ServerKey/" + kind.String(), cp: cp, sp: sp,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.X25519MLKEM768,
			clientStates: client13States, serverStates: server13States,
		})
	}
	{
		// A certificate is requested, the client has none: it answers
		// with an empty Certificate and no CertificateVerify.
		cp, sp := baseParams(ecdsa)
		sp.ClientAuth = RequestClientCert
		out = append(out, scenario{
			name: "TLS13/ClientCert/requested-none", cp: cp, sp: sp,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.X25519MLKEM768,
			clientStates: client13AuthStates,
			serverStates: []string{"serverWaitClientHello", "server13WaitCertificate", "server13WaitFinished", "none"},
		})
	}
	{
		cp, sp := baseParams(ecdsa)
		cp.NextProtos = []string{"h2", "http/1.1"}
		sp.NextProtos = []string{"http/1.1", "h2"}
		out = append(out, scenario{
			name: "TLS13/ALPN", cp: cp, sp: sp,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.X25519MLKEM768, alpn: "http/1.1",
			clientStates: client13States, serverStates: server13States,
		})
	}

	tls12 := func(chain *testutil.Chain, suite uint16) (cp, sp *Params) {
		cp, sp = baseParams(chain)
		cp.MaxVersion = wire.VersionTLS12
		cp.CipherSuites = []uint16{suite}
		return cp, sp
	}
	{
		cp, sp := tls12(ecdsa, suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
		out = append(out, scenario{
			name: "TLS12/ECDHE-ECDSA", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: kex.X25519,
			clientStates: client12States, serverStates: server12States,
			clientTrace: []string{
				"send ClientHello", "flush",
				"recv ServerHello", "recv Certificate", "recv ServerKeyExchange", "recv ServerHelloDone",
				"send ClientKeyExchange", "log CLIENT_RANDOM",
				"send ChangeCipherSpec", "write key 1.2", "send Finished", "flush",
				"recv ChangeCipherSpec", "read key 1.2",
				"recv Finished",
			},
			serverTrace: []string{
				"recv ClientHello",
				"send ServerHello", "send Certificate", "send ServerKeyExchange", "send ServerHelloDone", "flush",
				"recv ClientKeyExchange", "log CLIENT_RANDOM",
				"recv ChangeCipherSpec", "read key 1.2",
				"recv Finished",
				"send ChangeCipherSpec", "write key 1.2", "send Finished", "flush",
			},
		})
	}
	{
		cp, sp := tls12(ecdsa, suites.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)
		// The certificate is P-256, so the client must list P-256 too (RFC
		// 8422, Section 5.1); the server's preference makes P-384 the
		// ECDHE group.
		cp.CurvePreferences = []uint16{kex.P384, kex.P256}
		sp.CurvePreferences = []uint16{kex.P384}
		out = append(out, scenario{
			name: "TLS12/ECDHE-ECDSA/ChaCha20/P384", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, group: kex.P384,
			clientStates: client12States, serverStates: server12States,
		})
	}
	{
		cp, sp := tls12(rsa, suites.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)
		cp.CurvePreferences = []uint16{kex.P256}
		out = append(out, scenario{
			name: "TLS12/ECDHE-RSA", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, group: kex.P256,
			clientStates: client12States, serverStates: server12States,
		})
	}
	{
		cp, sp := tls12(rsa, suites.TLS_RSA_WITH_AES_128_GCM_SHA256)
		cp.EnableRSAKex, sp.EnableRSAKex = true, true
		out = append(out, scenario{
			name: "TLS12/RSA", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_RSA_WITH_AES_128_GCM_SHA256,
			clientStates: client12RSAStates, serverStates: server12States,
		})
	}
	{
		cp, sp := tls12(ecdsa, suites.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)
		cp.NextProtos = []string{"h2", "http/1.1"}
		sp.NextProtos = []string{"http/1.1", "h2"}
		out = append(out, scenario{
			name: "TLS12/ALPN", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, group: kex.X25519, alpn: "http/1.1",
			clientStates: client12States, serverStates: server12States,
		})
	}
	for _, kind := range []testutil.KeyKind{testutil.ECDSAP256, testutil.RSA2048} {
		cp, sp := tls12(ecdsa, suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
		withClientCert(cp, sp, testutil.NewChain(t, kind, "client.example"))
		out = append(out, scenario{
			name: "TLS12/ClientCert/" + kind.String(), cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: kex.X25519,
			clientStates: client12AuthStates, serverStates: server12AuthStates,
		})
	}
	{
		cp, sp := tls12(testutil.NewChain(t, testutil.Ed25519), suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
		out = append(out, scenario{
			name: "TLS12/ECDHE-ECDSA/Ed25519-server", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: kex.X25519,
			clientStates: client12States, serverStates: server12States,
		})
	}
	{
		cp, sp := tls12(ecdsa, suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
		sp.ClientAuth = VerifyClientCertIfGiven
		sp.ClientCAs = ecdsa.RootPool
		out = append(out, scenario{
			name: "TLS12/ClientCert/requested-none", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: kex.X25519,
			clientStates: client12AuthStates,
			serverStates: []string{"serverWaitClientHello", "server12WaitCertificate", "server12WaitClientKeyExchange",
				"server12WaitCCS", "server12WaitFinished", "none"},
		})
	}
	{
		cp, sp := baseParams(ecdsa)
		withTickets(cp, sp)
		out = append(out, scenario{
			name: "TLS13/tickets-issued", cp: cp, sp: sp,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.X25519MLKEM768,
			clientStates: client13States, serverStates: server13States,
		})
	}
	{
		cp, sp := baseParams(ecdsa)
		withTickets(cp, sp)
		out = append(out, scenario{
			name: "TLS13/resumption", cp: cp, sp: sp, resume: true,
			version: wire.VersionTLS13, suite: firstSuite(wire.VersionTLS13), group: kex.X25519MLKEM768,
			// RFC 8446, Section 2.2: no Certificate or CertificateVerify.
			clientStates: []string{"client13WaitServerHello", "client13WaitEncryptedExtensions", "client13WaitFinished", "none"},
			serverStates: server13States,
		})
	}
	{
		cp, sp := tls12(ecdsa, suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
		withTickets(cp, sp)
		out = append(out, scenario{
			name: "TLS12/tickets-issued", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: kex.X25519,
			// RFC 5077, Section 3.3: NewSessionTicket right before the
			// server's ChangeCipherSpec.
			clientStates: []string{"client13WaitServerHello", "client12WaitCertificate", "client12WaitServerKeyExchange",
				"client12WaitCertRequestOrDone", "client12WaitCCS", "client12WaitCCS", "client12WaitFinished", "none"},
			serverStates: server12States,
		})
	}
	{
		cp, sp := tls12(ecdsa, suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
		withTickets(cp, sp)
		out = append(out, scenario{
			name: "TLS12/resumption", cp: cp, sp: sp, resume: true,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			// No key exchange: both sides report the group of the full
			// handshake the session came from.
			group: kex.X25519,
			// RFC 5246, Section 7.3, Figure 2: ServerHello, [NewSessionTicket],
			// ChangeCipherSpec, Finished; then the client's.
			clientStates: []string{"client13WaitServerHello", "client12WaitCCS", "client12WaitCCS", "client12WaitFinished", "none"},
			serverStates: []string{"serverWaitClientHello", "server12WaitCCS", "server12WaitFinished", "none"},
			clientTrace: []string{
				"send ClientHello", "flush",
				"recv ServerHello", "log CLIENT_RANDOM",
				"recv NewSessionTicket",
				"recv ChangeCipherSpec", "read key 1.2",
				"recv Finished",
				"send ChangeCipherSpec", "write key 1.2", "send Finished", "flush",
			},
		})
	}
	{
		// A TLS 1.2-only server: no downgrade sentinel, and a client that
		// also offers TLS 1.3 accepts TLS 1.2.
		cp, sp := baseParams(ecdsa)
		sp.MaxVersion = wire.VersionTLS12
		sp.CipherSuites = []uint16{suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
		out = append(out, scenario{
			name: "TLS12/server-max-1.2", cp: cp, sp: sp,
			version: wire.VersionTLS12, suite: suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: kex.X25519,
			clientStates: client12States, serverStates: server12States,
		})
	}
	return out
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			r, _ := runScenario(t, sc, nil)
			if r.fail != nil {
				t.Fatalf("%s failed in %s on %s: %v (alert %v)", r.fail.side, r.fail.state, r.fail.msg, r.fail.err, r.fail.alert())
			}
			if !r.done() {
				t.Fatalf("stalled: client done %v, server done %v; deliveries %v", r.c.m.Done(), r.s.m.Done(), r.deliveries)
			}
			checkStates(t, "client", r.c.states, sc.clientStates)
			checkStates(t, "server", r.s.states, sc.serverStates)
			if sc.clientTrace != nil {
				checkStates(t, "client trace", r.c.trace, sc.clientTrace)
			}
			if sc.serverTrace != nil {
				checkStates(t, "server trace", r.s.trace, sc.serverTrace)
			}
			wantLabels := labels13
			if sc.version == wire.VersionTLS12 {
				wantLabels = labels12
			}
			checkStates(t, "client key log", r.c.labels(), wantLabels)
			checkStates(t, "server key log", r.s.labels(), wantLabels)
			for i := range min(len(r.c.logs), len(r.s.logs)) {
				if !bytes.Equal(r.c.logs[i].secret, r.s.logs[i].secret) {
					t.Errorf("key log %s differs between client and server", r.c.logs[i].label)
				}
			}
			checkResults(t, sc, r)
			if sc.version == wire.VersionTLS13 {
				checkKeyOrder13(t, r)
			} else {
				checkKeyOrder12(t, r)
			}
		})
	}
}

func checkStates(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, strings.Join(got, ", "), strings.Join(want, ", "))
	}
}

func checkResults(t *testing.T, sc scenario, r *run) {
	t.Helper()
	cr, sr := r.c.m.Result(), r.s.m.Result()
	for _, side := range []struct {
		name string
		res  *Result
	}{{"client", cr}, {"server", sr}} {
		res := side.res
		if res.Version != sc.version {
			t.Errorf("%s version %#x, want %#x", side.name, res.Version, sc.version)
		}
		if res.Suite == nil || res.Suite.ID != sc.suite {
			t.Errorf("%s suite %v, want %s", side.name, res.Suite, suites.Name(sc.suite))
		}
		if res.Group != sc.group {
			t.Errorf("%s group %s, want %s", side.name, groupName(res.Group), groupName(sc.group))
		}
		if res.ALPN != sc.alpn {
			t.Errorf("%s ALPN %q, want %q", side.name, res.ALPN, sc.alpn)
		}
		if res.HelloRetry != sc.hrr {
			t.Errorf("%s HelloRetry %v, want %v", side.name, res.HelloRetry, sc.hrr)
		}
		if res.ServerName != testHost {
			t.Errorf("%s ServerName %q, want %q", side.name, res.ServerName, testHost)
		}
		if res.DidResume != sc.resume {
			t.Errorf("%s DidResume %v, want %v", side.name, res.DidResume, sc.resume)
		}
		if len(res.ClientRandom) != 32 || len(res.ServerRandom) != 32 {
			t.Errorf("%s randoms of %d and %d bytes", side.name, len(res.ClientRandom), len(res.ServerRandom))
		}
	}
	same := func(what string, a, b []byte) {
		t.Helper()
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: client %x, server %x", what, a, b)
		}
	}
	same("client random", cr.ClientRandom, sr.ClientRandom)
	same("server random", cr.ServerRandom, sr.ServerRandom)
	if cr.SignatureScheme != sr.SignatureScheme {
		t.Errorf("signature scheme: client saw %#04x, server used %#04x", cr.SignatureScheme, sr.SignatureScheme)
	}
	if sc.version == wire.VersionTLS13 {
		same("client traffic secret", cr.ClientTrafficSecret, sr.ClientTrafficSecret)
		same("server traffic secret", cr.ServerTrafficSecret, sr.ServerTrafficSecret)
		same("exporter secret", cr.ExporterSecret, sr.ExporterSecret)
		// The resumption master secret stays with a client that keeps
		// sessions only; the server's went into its ticket. That both
		// agree shows in the resumption scenarios (the binder is over it).
		if wantRMS := sc.cp.SessionCacheEnabled && !sc.cp.SessionTicketsDisabled; (cr.ResumptionSecret != nil) != wantRMS {
			t.Errorf("client resumption secret %x, want one: %v", cr.ResumptionSecret, wantRMS)
		}
		if sr.ResumptionSecret != nil {
			t.Errorf("server kept a resumption secret %x", sr.ResumptionSecret)
		}
		if bytes.Equal(cr.ClientTrafficSecret, cr.ServerTrafficSecret) {
			t.Error("client and server traffic secrets are equal")
		}
		if cr.MasterSecret != nil || sr.MasterSecret != nil {
			t.Error("TLS 1.3 result carries a TLS 1.2 master secret")
		}
	} else {
		same("master secret", cr.MasterSecret, sr.MasterSecret)
		if len(cr.MasterSecret) != 48 {
			t.Errorf("master secret of %d bytes", len(cr.MasterSecret))
		}
		if !cr.ExtendedMasterSecret || !sr.ExtendedMasterSecret {
			t.Error("extended master secret not negotiated")
		}
		if cr.ClientTrafficSecret != nil || sr.ExporterSecret != nil {
			t.Error("TLS 1.2 result carries TLS 1.3 secrets")
		}
	}
	// The client saw the server's chain, verified.
	if len(cr.PeerCertificates) == 0 || !bytes.Equal(cr.PeerCertificates[0].Raw, sc.sp.Certificates[0].Chain[0]) {
		t.Error("client's PeerCertificates[0] is not the server's leaf")
	}
	if len(cr.VerifiedChains) == 0 {
		t.Error("client has no verified chain")
	}
	if sc.cp.Certificates != nil {
		if len(sr.PeerCertificates) == 0 || !bytes.Equal(sr.PeerCertificates[0].Raw, sc.cp.Certificates[0].Chain[0]) {
			t.Error("server's PeerCertificates[0] is not the client's leaf")
		}
		if len(sr.VerifiedChains) == 0 {
			t.Error("server has no verified chain for the client")
		}
	} else if len(sr.PeerCertificates) != 0 {
		t.Error("server has peer certificates without client authentication")
	}
}

// checkKeyOrder13 checks that every TLS 1.3 message was sent and received
// under the protection RFC 8446, Section 2 gives it, and the order of the
// key changes around ServerHello and Finished.
func checkKeyOrder13(t *testing.T, r *run) {
	t.Helper()
	const (
		chts = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
		shts = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
		cts0 = "CLIENT_TRAFFIC_SECRET_0"
		sts0 = "SERVER_TRAFFIC_SECRET_0"
	)
	want := func(fromServer bool, name string) string {
		base, _, _ := strings.Cut(name, "#")
		switch base {
		case "ClientHello", "ServerHello", "HelloRetryRequest":
			return "plaintext"
		case "NewSessionTicket":
			return sts0
		}
		if fromServer {
			return shts
		}
		return chts
	}
	cs, crv := protection(r.c.trace)
	ss, srv := protection(r.s.trace)
	for name, got := range cs {
		if w := want(false, name); got != w {
			t.Errorf("client sent %s under %s, want %s", name, got, w)
		}
	}
	for name, got := range srv {
		if w := want(false, name); got != w {
			t.Errorf("server read %s under %s, want %s", name, got, w)
		}
	}
	for name, got := range ss {
		if w := want(true, name); got != w {
			t.Errorf("server sent %s under %s, want %s", name, got, w)
		}
	}
	for name, got := range crv {
		if w := want(true, name); got != w {
			t.Errorf("client read %s under %s, want %s", name, got, w)
		}
	}
	// The server's write key becomes the handshake key right after
	// ServerHello (and its dummy change_cipher_spec): nothing is sent in
	// between.
	i := indexOf(r.s.trace, "send ServerHello")
	for _, ev := range r.s.trace[i+1:] {
		if strings.HasPrefix(ev, "send dummy") || strings.HasPrefix(ev, "log ") || strings.HasPrefix(ev, "read key") {
			continue
		}
		if ev != "write key "+shts {
			t.Errorf("server: after ServerHello comes %q, want the handshake write key", ev)
		}
		break
	}
	// RFC 8446, Appendix D.4: the server's dummy change_cipher_spec comes
	// right after its first handshake message; the client's before its
	// first protected one (or before ClientHello2).
	first := indexOf(r.s.trace, "send HelloRetryRequest")
	if first < 0 {
		first = i
	}
	if j := indexOf(r.s.trace, "send dummy ChangeCipherSpec"); j != first+1 {
		t.Errorf("server's dummy change_cipher_spec at %d, its first message at %d", j, first)
	}
	if j := indexOf(r.c.trace, "send dummy ChangeCipherSpec"); j < 0 || j > indexOf(r.c.trace, "write key "+chts) {
		t.Errorf("client's dummy change_cipher_spec at %d, after its handshake write key", j)
	}
	if n := strings.Count(strings.Join(r.c.trace, "\n"), "send dummy"); n != 1 {
		t.Errorf("client sent %d dummy change_cipher_spec records, want 1", n)
	}
	// The client's application read key comes only after the server's
	// Finished was verified; its application write key after its own
	// Finished was queued.
	if a, b := indexOf(r.c.trace, "recv Finished"), indexOf(r.c.trace, "read key "+sts0); b < a {
		t.Errorf("client installs the application read key (%d) before the server Finished (%d)", b, a)
	}
	if a, b := indexOf(r.c.trace, "send Finished"), indexOf(r.c.trace, "write key "+cts0); b < a {
		t.Errorf("client installs the application write key (%d) before sending Finished (%d)", b, a)
	}
	if a, b := indexOf(r.s.trace, "recv Finished"), indexOf(r.s.trace, "read key "+cts0); b < a {
		t.Errorf("server installs the application read key (%d) before the client Finished (%d)", b, a)
	}
	if a, b := indexOf(r.s.trace, "send Finished"), indexOf(r.s.trace, "write key "+sts0); b < a {
		t.Errorf("server installs the application write key (%d) before sending Finished (%d)", b, a)
	}
	lastKeys(t, "client", r.c.trace, sts0, cts0)
	lastKeys(t, "server", r.s.trace, cts0, sts0)
}

// checkKeyOrder12 checks that in TLS 1.2 only Finished is protected, and
// that each side sends ChangeCipherSpec, switches its write key and sends
// Finished, in that order.
func checkKeyOrder12(t *testing.T, r *run) {
	t.Helper()
	for _, e := range []*endpoint{r.c, r.s} {
		sent, recv := protection(e.trace)
		for name, got := range sent {
			want := "plaintext"
			if name == "Finished" {
				want = "1.2"
			}
			if got != want {
				t.Errorf("%s sent %s under %s, want %s", e.side, name, got, want)
			}
		}
		for name, got := range recv {
			want := "plaintext"
			if name == "Finished" {
				want = "1.2"
			}
			if got != want {
				t.Errorf("%s read %s under %s, want %s", e.side, name, got, want)
			}
		}
		a, b, c := indexOf(e.trace, "send "+ccsName), indexOf(e.trace, "write key 1.2"), indexOf(e.trace, "send Finished")
		if a < 0 || b != a+1 || c != b+1 {
			t.Errorf("%s: ChangeCipherSpec at %d, write key at %d, Finished at %d; want consecutive", e.side, a, b, c)
		}
		a, b = indexOf(e.trace, "recv "+ccsName), indexOf(e.trace, "read key 1.2")
		if a < 0 || b != a+1 {
			t.Errorf("%s: received ChangeCipherSpec at %d, read key at %d; want consecutive", e.side, a, b)
		}
	}
}

// lastKeys checks the protection a side ends the handshake with.
func lastKeys(t *testing.T, side string, trace []string, read, write string) {
	t.Helper()
	var r, w string
	for _, ev := range trace {
		cut(ev, "read key ", &r)
		cut(ev, "write key ", &w)
	}
	if r != read || w != write {
		t.Errorf("%s ends with read key %s and write key %s, want %s and %s", side, r, w, read, write)
	}
}
