package hush_test

import (
	"crypto/tls"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/suites"
)

func TestServerSuiteOrderIsStrict(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	// crypto/tls on AES hardware lists AES-GCM first; the configured
	// server order wins all the same.
	client, server, cerr, serr := pairHushServer(t,
		&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool},
		&hush.Config{Certificates: []hush.Certificate{hushCert(chain)},
			CipherSuites: []uint16{hush.TLS_CHACHA20_POLY1305_SHA256, hush.TLS_AES_128_GCM_SHA256}})
	mustHandshake(t, cerr, serr)
	if got := server.ConnectionState().CipherSuite; got != hush.TLS_CHACHA20_POLY1305_SHA256 {
		t.Fatalf("server picked %s, want its own first choice ChaCha20", hush.CipherSuiteName(got))
	}
	if got := client.ConnectionState().CipherSuite; got != tls.TLS_CHACHA20_POLY1305_SHA256 {
		t.Fatalf("crypto/tls client negotiated %#x", got)
	}
}

func TestDefaultServerOnAESHardwarePicksAES(t *testing.T) {
	if !suites.HardwareAES() {
		t.Skip("this machine has no AES-GCM hardware")
	}
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	_, server, cerr, serr := pairHushServer(t,
		&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool},
		&hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
	mustHandshake(t, cerr, serr)
	if got := server.ConnectionState().CipherSuite; got != hush.TLS_AES_128_GCM_SHA256 {
		t.Fatalf("default server picked %s, want AES-128-GCM", hush.CipherSuiteName(got))
	}
}

func TestDefaultServerHonoursChaChaFirstClient(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	// crypto/tls cannot order TLS 1.3 suites, so the ChaCha-first client
	// here is hush.
	a, b := testutil.TCPPipe(t)
	hc := hush.Client(a, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
		CipherSuites: []uint16{hush.TLS_CHACHA20_POLY1305_SHA256, hush.TLS_AES_128_GCM_SHA256}})
	hs := hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
	defer closeBoth(hc, hs)
	cerr, serr := handshakeBoth(hc, hs)
	mustHandshake(t, cerr, serr)
	if got := hs.ConnectionState().CipherSuite; got != hush.TLS_CHACHA20_POLY1305_SHA256 {
		t.Fatalf("default server picked %s for a ChaCha-first client", hush.CipherSuiteName(got))
	}
	// With an explicit list the server's order wins instead.
	a, b = testutil.TCPPipe(t)
	hc = hush.Client(a, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
		CipherSuites: []uint16{hush.TLS_CHACHA20_POLY1305_SHA256, hush.TLS_AES_128_GCM_SHA256}})
	hs = hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)},
		CipherSuites: []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_CHACHA20_POLY1305_SHA256}})
	defer closeBoth(hc, hs)
	cerr, serr = handshakeBoth(hc, hs)
	mustHandshake(t, cerr, serr)
	if got := hs.ConnectionState().CipherSuite; got != hush.TLS_AES_128_GCM_SHA256 {
		t.Fatalf("strict server picked %s", hush.CipherSuiteName(got))
	}
}

// TestDefaultServerWithoutAESPicksChaCha re-runs itself with
// GODEBUG=cpu.aes=off, the software path, where the default order puts
// ChaCha20 first even for a client that lists AES-GCM first.
func TestDefaultServerWithoutAESPicksChaCha(t *testing.T) {
	if os.Getenv("HUSH_TEST_NO_AES") == "1" {
		if suites.HardwareAES() {
			t.Fatal("GODEBUG=cpu.aes=off did not turn off AES hardware detection")
		}
		chain := testutil.NewChain(t, testutil.ECDSAP256)
		a, b := testutil.TCPPipe(t)
		hc := hush.Client(a, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
			CipherSuites: []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_AES_256_GCM_SHA384, hush.TLS_CHACHA20_POLY1305_SHA256}})
		hs := hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
		defer closeBoth(hc, hs)
		cerr, serr := handshakeBoth(hc, hs)
		mustHandshake(t, cerr, serr)
		if got := hs.ConnectionState().CipherSuite; got != hush.TLS_CHACHA20_POLY1305_SHA256 {
			t.Fatalf("software-path server picked %s", hush.CipherSuiteName(got))
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDefaultServerWithoutAESPicksChaCha$", "-test.v")
	cmd.Env = append(os.Environ(), "HUSH_TEST_NO_AES=1", "GODEBUG=cpu.aes=off")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestDefaultServerWithoutAESPicksChaCha") {
		t.Fatalf("subprocess: %v\n%s", err, out)
	}
}
