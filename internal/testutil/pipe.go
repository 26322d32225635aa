package testutil

import (
	"net"
	"testing"
	"time"
)

// TCPPipe returns the two ends of a connected loopback TCP connection on
// 127.0.0.1. Both ends are closed when the test finishes.
func TCPPipe(t testing.TB) (client, server net.Conn) {
	t.Helper()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("testutil: listen: %v", err)
	}
	defer ln.Close()
	// The kernel completes the connection into the backlog, so dialling
	// before accepting cannot deadlock; the deadline bounds a broken stack.
	if err := ln.SetDeadline(time.Now().Add(Timeout)); err != nil {
		t.Fatalf("testutil: %v", err)
	}
	client, err = net.DialTimeout("tcp", ln.Addr().String(), Timeout)
	if err != nil {
		t.Fatalf("testutil: dial: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = ln.Accept()
	if err != nil {
		t.Fatalf("testutil: accept: %v", err)
	}
	t.Cleanup(func() { server.Close() })
	if server.RemoteAddr().String() != client.LocalAddr().String() {
		t.Fatalf("testutil: accepted %v, want our own dial from %v", server.RemoteAddr(), client.LocalAddr())
	}
	return client, server
}
