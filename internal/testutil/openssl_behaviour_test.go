package testutil

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Behaviours of the openssl helpers that docs/INTEROP.md relies on.

// Closing s_server's stdin makes it send close_notify.
func TestOpenSSLServerCloseStdin(t *testing.T) {
	CheckGoroutines(t)
	chain := NewChain(t, ECDSAP256)
	s := StartOpenSSLServer(t, chain.OpenSSLArgs(t, t.TempDir())...)
	conn, err := tls.Dial("tcp", s.Addr, &tls.Config{ServerName: "localhost", RootCAs: chain.RootPool})
	if err != nil {
		t.Fatalf("%v; openssl's output:\n%s", err, s.Output())
	}
	defer conn.Close()
	// Only once the handshake is done: s_server may hang if its stdin
	// ends while it is still in the handshake.
	msg := []byte(OpenSSLCommandBytes + "hello\x00\xff")
	if _, err := s.Stdin().Write(msg); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseStdin(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn) // io.EOF only after close_notify
	if err != nil {
		t.Fatalf("%v; openssl's output:\n%s", err, s.Output())
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("got %q, want %q", got, msg)
	}
	// s_server half-closes, then waits up to 500 ms for our end to close.
	conn.Close()
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
}

// With -no_ign_eof -nocommands, s_client still passes command bytes through,
// accepts stdin written before the handshake, and closing stdin makes it send
// close_notify and exit.
func TestOpenSSLClientNoIgnEOF(t *testing.T) {
	CheckGoroutines(t)
	chain := NewChain(t, ECDSAP256)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: chain.Certificates, PrivateKey: chain.Key}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cl := StartOpenSSLClient(t, ln.Addr().String(), "-no_ign_eof", "-nocommands")
	msg := []byte(OpenSSLCommandBytes + "bye\x00\xff")
	if _, err := cl.Stdin().Write(msg); err != nil {
		t.Fatal(err)
	}
	if err := cl.CloseStdin(); err != nil {
		t.Fatal(err)
	}
	conn := AcceptOpenSSL(t, ln, cl.OpenSSLProcess)
	defer conn.Close()
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("%v; openssl's output:\n%s", err, cl.Output())
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("got %q, want %q", got, msg)
	}
	// s_client half-closes, then waits up to 500 ms for our end to close.
	conn.Close()
	if err := cl.Wait(); err != nil {
		t.Fatal(err)
	}
}

// s_server asks for and verifies a client certificate with -Verify; -brief
// then names the peer certificate.
func TestOpenSSLServerClientAuth(t *testing.T) {
	dir := t.TempDir()
	serverChain := NewChain(t, ECDSAP256)
	clientChain := NewChain(t, Ed25519, "client.example")
	s := StartOpenSSLServer(t, append(serverChain.OpenSSLArgs(t, dir),
		"-Verify", "2", "-CAfile", clientChain.RootFile(t, dir), "-verify_return_error")...)
	conn, err := tls.Dial("tcp", s.Addr, &tls.Config{
		ServerName:   "localhost",
		RootCAs:      serverChain.RootPool,
		Certificates: []tls.Certificate{{Certificate: clientChain.Certificates, PrivateKey: clientChain.Key}},
	})
	if err != nil {
		t.Fatalf("%v; openssl's output:\n%s", err, s.Output())
	}
	defer conn.Close()
	s.WaitForLine(t, "Supported groups:") // the end of the summary
	if got, want := s.WaitForLine(t, "Peer certificate:"), "Peer certificate: O = hush test, CN = client.example"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := s.WaitForLine(t, "Verification:"), "Verification: OK"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A process still running after Timeout is killed, and the test fails with
// its output.
func TestOpenSSLWatchdog(t *testing.T) {
	defer func(d time.Duration) { Timeout = d }(Timeout)
	Timeout = 300 * time.Millisecond
	// A listener that never accepts: s_client waits for a ServerHello
	// that never comes.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := &recorder{TB: t}
	cl := StartOpenSSLClient(r, ln.Addr().String())
	<-cl.Exited()
	if err := cl.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("Wait = %v, want a kill report", err)
	}
	r.runCleanups()
	if len(r.errors) != 1 {
		t.Fatalf("got %d test failures, want 1: %q", len(r.errors), r.errors)
	}
}
