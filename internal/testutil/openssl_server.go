package testutil

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// OpenSSLServer is a running `openssl s_server` listening on Addr.
type OpenSSLServer struct {
	*OpenSSLProcess
	// Addr is the listening address, "127.0.0.1:port".
	Addr string
}

// StartOpenSSLServer runs
//
//	openssl s_server -accept 127.0.0.1:PORT -naccept 1 -brief ARGS...
//
// and returns once it listens. args are further s_server flags: the
// certificate (Chain.OpenSSLArgs gives -cert, -key and -cert_chain),
// -tls1_3, -tls1_2, -ciphersuites, -cipher, -groups, -Verify with -CAfile,
// ... A flag in args overrides the defaults above (e.g. "-naccept", "2"),
// except -accept.
//
// -brief implies -quiet, which is what makes the standard streams carry
// application data only: without it s_server prints connection details on
// stdout and takes input whose first byte is Q, q, P or S (or r, R, k, K, c
// before a newline) as a command. The price is that s_server prints no
// "ACCEPT host:port" line, so the port is chosen here and readiness is
// observed in /proc (Linux only; elsewhere the test is skipped).
//
// Write to Stdin and close it only once the client's handshake is done:
// s_server completes a pending handshake inside its write, and then skips
// the -brief summary; and if its stdin ends while a handshake is pending it
// can block for ever in a read. The summary ("Protocol version:",
// "Ciphersuite:", "Peer certificate:" and "Verification:" with -Verify, and
// last "Supported groups:", the client's list; s_server does not name the
// group it chose) appears on stderr when the handshake completes: wait for
// it with WaitForLine(t, "Supported groups:").
//
// One connection is served. Closing Stdin makes s_server send close_notify,
// half-close, wait up to 500 ms for the client to close its end, and exit;
// close the client before Wait to save the wait. The exit status is 0 even
// when the handshake failed (read Output to see why).
func StartOpenSSLServer(t testing.TB, args ...string) *OpenSSLServer {
	t.Helper()
	OpenSSLPath(t)
	if !canObserveListeners() {
		t.Skip("testutil: the openssl s_server helper needs /proc/net/tcp (Linux) to see when it listens")
	}
	const attempts = 5
	for range attempts {
		port := freePort(t)
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		argv := append([]string{"s_server", "-accept", addr, "-naccept", "1", "-brief"}, args...)
		p, err := startOpenSSL(t, argv)
		if err != nil {
			t.Fatalf("testutil: starting openssl s_server: %v", err)
		}
		if waitListening(p, port) {
			return &OpenSSLServer{OpenSSLProcess: p, Addr: addr}
		}
		// It exited. Another process may have taken the port between
		// freePort closing it and s_server binding it: try another.
		if out := p.Output(); !strings.Contains(out, "Address already in use") {
			t.Fatalf("testutil: %s exited (%v) before listening; its output:\n%s", p, p.exitStatus(), out)
		}
	}
	t.Fatalf("testutil: openssl s_server could not bind a free port in %d attempts", attempts)
	return nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testutil: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
