package bench

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	_ "unsafe" // go:linkname, see forceAES256

	"github.com/hushtls/hush"
)

// conn is what both libraries' connections offer.
type conn interface {
	net.Conn
	Handshake() error
}

// suiteCase is one cipher suite row of the bulk benchmarks.
type suiteCase struct {
	name    string // sub-benchmark key
	id      uint16 // IANA number, the same in both libraries
	version uint16
	aead    aeadKind // for the ceiling
}

var bulkSuites = []suiteCase{
	{"TLS13_AES_128_GCM", hush.TLS_AES_128_GCM_SHA256, hush.VersionTLS13, aesGCM128},
	{"TLS13_AES_256_GCM", hush.TLS_AES_256_GCM_SHA384, hush.VersionTLS13, aesGCM256},
	{"TLS13_CHACHA20_POLY1305", hush.TLS_CHACHA20_POLY1305_SHA256, hush.VersionTLS13, chacha20Poly1305},
	{"TLS12_ECDHE_ECDSA_AES_128_GCM", hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, hush.VersionTLS12, aesGCM128},
}

// libs are the two sub-benchmarks of every row, in this order.
var libs = []string{"hush", "crypto_tls"}

// hsCase describes a handshake: key exchange group, certificate, version.
type hsCase struct {
	name    string
	group   hush.CurveID
	key     keyKind
	version uint16
	suite   uint16 // forced suite; 0 for the library's default
}

// hushConfigs returns matching hush client and server configurations.
func hushConfigs(h hsCase) (client, server *hush.Config) {
	ch := getChain(h.key)
	server = &hush.Config{
		Certificates:     []hush.Certificate{ch.hush()},
		CurvePreferences: []hush.CurveID{h.group},
		MinVersion:       h.version,
		MaxVersion:       h.version,
	}
	client = &hush.Config{
		RootCAs:          ch.pool,
		ServerName:       serverName,
		CurvePreferences: clientGroups(h),
		MinVersion:       h.version,
		MaxVersion:       h.version,
	}
	if h.suite != 0 {
		// hush applies CipherSuites to TLS 1.3 too: the server's list is
		// its strict preference, the client's exactly what it offers.
		server.CipherSuites = []uint16{h.suite}
		client.CipherSuites = []uint16{h.suite}
	}
	return client, server
}

// clientGroups is what a client offers in supported_groups: the row's
// group and, for TLS 1.2 with an ECDSA certificate, P-256 after it, since
// a TLS 1.2 server may sign only with a certificate on a curve the client
// listed (RFC 8422, Section 5.1). The server's preference still picks the
// row's group. Both libraries' clients offer the same list.
func clientGroups(h hsCase) []hush.CurveID {
	if h.version == hush.VersionTLS12 && h.key == ecdsaP256 && h.group != hush.CurveP256 {
		return []hush.CurveID{h.group, hush.CurveP256}
	}
	return []hush.CurveID{h.group}
}

// tlsConfigs returns matching crypto/tls client and server configurations.
// crypto/tls ignores CipherSuites for TLS 1.3; see tlsPrepare for how the
// TLS 1.3 suites other than AES-128-GCM are reached.
func tlsConfigs(h hsCase) (client, server *tls.Config) {
	ch := getChain(h.key)
	server = &tls.Config{
		Certificates:     []tls.Certificate{ch.tls()},
		CurvePreferences: []tls.CurveID{tls.CurveID(h.group)},
		MinVersion:       h.version,
		MaxVersion:       h.version,
		// A hush server sends a NewSessionTicket only to a client that
		// can keep it (psk_key_exchange_modes, sent by clients with a
		// session cache); a crypto/tls server sends one to every TLS 1.3
		// client. The full-handshake rows have no session cache, so this
		// keeps crypto/tls's servers to the same work. The resumed rows
		// (resume_test.go) turn tickets on for both.
		SessionTicketsDisabled: true,
	}
	var groups []tls.CurveID
	for _, g := range clientGroups(h) {
		groups = append(groups, tls.CurveID(g))
	}
	client = &tls.Config{
		RootCAs:          ch.pool,
		ServerName:       serverName,
		CurvePreferences: groups,
		MinVersion:       h.version,
		MaxVersion:       h.version,
	}
	switch {
	case h.version == tls.VersionTLS12 && h.suite != 0:
		server.CipherSuites = []uint16{h.suite}
		client.CipherSuites = []uint16{h.suite}
	case h.suite == tls.TLS_CHACHA20_POLY1305_SHA256:
		// A crypto/tls server picks ChaCha20-Poly1305 for TLS 1.3 when the
		// first suite the client offers is not AES-GCM. The client offers
		// its configurable TLS 1.2 suites before the fixed TLS 1.3 list, so
		// a TLS 1.2 ChaCha20 suite in first place makes the server choose
		// TLS_CHACHA20_POLY1305_SHA256 — public API, no GODEBUG. TLS 1.3 is
		// still what both negotiate (asserted).
		client.MinVersion = tls.VersionTLS12
		client.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}
	}
	return client, server
}

// tlsDefaultCipherSuitesTLS13 is crypto/tls's fixed TLS 1.3 preference
// list, which crypto/tls exports to linkname users (it is marked with a push
// go:linkname in crypto/tls/defaults.go). Both the client's offer and the
// server's choice come from it.
//
//go:linkname tlsDefaultCipherSuitesTLS13 crypto/tls.defaultCipherSuitesTLS13
var tlsDefaultCipherSuitesTLS13 []uint16

// forceAES256 reorders crypto/tls's TLS 1.3 preference list so that
// TLS_AES_256_GCM_SHA384 comes first, for one handshake, and returns the
// function that restores it. crypto/tls has no API to choose a TLS 1.3
// suite; this runs its own negotiation code with another order, and
// changes nothing in its record layer.
func forceAES256() (restore func()) {
	saved := append([]uint16(nil), tlsDefaultCipherSuitesTLS13...)
	order := []uint16{tls.TLS_AES_256_GCM_SHA384}
	for _, id := range saved {
		if id != tls.TLS_AES_256_GCM_SHA384 {
			order = append(order, id)
		}
	}
	copy(tlsDefaultCipherSuitesTLS13, order)
	return func() { copy(tlsDefaultCipherSuitesTLS13, saved) }
}

// tls12Pending is how the bulk and handshake benchmarks recognise that
// hush's TLS 1.2 is not there yet.
func tls12Pending(err error) bool {
	return err != nil && strings.Contains(err.Error(), "TLS 1.2 is not implemented")
}

// handshakeBoth runs both handshakes at once and joins their errors.
func handshakeBoth(client, server conn) error {
	done := make(chan error, 1)
	go func() { done <- server.Handshake() }()
	cerr := client.Handshake()
	if cerr != nil {
		// Unblock the server, which may be waiting for a flight.
		_ = client.Close()
	}
	serr := <-done
	if cerr != nil && serr != nil {
		return fmt.Errorf("client: %w; server: %w", cerr, serr)
	}
	if cerr != nil {
		return fmt.Errorf("client: %w", cerr)
	}
	if serr != nil {
		return fmt.Errorf("server: %w", serr)
	}
	return nil
}

// maker wraps a pair of raw connections in one library's client and
// server, with configurations built once (as an application would).
type maker func(rawClient, rawServer net.Conn) (client, server conn)

func newMaker(lib string, h hsCase) maker {
	if lib == "hush" {
		cc, sc := hushConfigs(h)
		return func(rc, rs net.Conn) (conn, conn) { return hush.Client(rc, cc), hush.Server(rs, sc) }
	}
	cc, sc := tlsConfigs(h)
	return func(rc, rs net.Conn) (conn, conn) { return tls.Client(rc, cc), tls.Server(rs, sc) }
}

// negotiated returns the version, suite and key exchange group a
// connection agreed on.
func negotiated(c conn) (version, suite uint16, group hush.CurveID) {
	switch c := c.(type) {
	case *hush.Conn:
		cs := c.ConnectionState()
		return cs.Version, cs.CipherSuite, cs.CurveID
	case *tls.Conn:
		cs := c.ConnectionState()
		return cs.Version, cs.CipherSuite, hush.CurveID(cs.CurveID)
	}
	panic("unknown connection type")
}

// checkedHandshake completes the handshake of lib's client and server and
// checks that both ends negotiated h's version, group (when set) and suite
// (when set). A hush
// TLS 1.2 handshake that fails because TLS 1.2 is not implemented yet skips
// the benchmark.
func checkedHandshake(b *testing.B, lib string, h hsCase, client, server conn) {
	b.Helper()
	if lib == "crypto_tls" && h.suite == tls.TLS_AES_256_GCM_SHA384 {
		defer forceAES256()()
	}
	err := handshakeBoth(client, server)
	if lib == "hush" && tls12Pending(err) {
		b.Skipf("hush: TLS 1.2 is not implemented yet (%v)", err)
	}
	if err != nil {
		b.Fatalf("%s handshake: %v", lib, err)
	}
	for _, c := range []conn{client, server} {
		v, s, g := negotiated(c)
		if v != h.version || (h.suite != 0 && s != h.suite) {
			b.Fatalf("%s negotiated %s %s, want %s %s", lib, hush.VersionName(v), hush.CipherSuiteName(s),
				hush.VersionName(h.version), hush.CipherSuiteName(h.suite))
		}
		if h.group != 0 && g != h.group {
			b.Fatalf("%s negotiated group %v, want %v", lib, g, h.group)
		}
	}
}

// establish connects lib's client and server over raw connections and
// completes a checked handshake.
func establish(b *testing.B, lib string, h hsCase, rawClient, rawServer net.Conn) (client, server conn) {
	b.Helper()
	b.Cleanup(func() { _ = rawClient.Close(); _ = rawServer.Close() })
	client, server = newMaker(lib, h)(rawClient, rawServer)
	checkedHandshake(b, lib, h, client, server)
	return client, server
}

// transport makes a connected pair of raw connections.
type transport struct {
	name string
	pair func(b *testing.B) (client, server net.Conn)
}

var transports = []transport{
	{"pipe", func(*testing.B) (net.Conn, net.Conn) { return net.Pipe() }},
	{"tcp", tcpPair},
}

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(b *testing.B) (client, server net.Conn) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	type accepted struct {
		c   net.Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		ch <- accepted{c, err}
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	a := <-ch
	if err = errors.Join(err, a.err); err != nil {
		b.Fatal(err)
	}
	return client, a.c
}
