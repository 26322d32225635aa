package testutil

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
)

// OpenSSLCommandBytes start every payload sent to or from openssl: they are
// the bytes s_server and s_client would take as commands (quit, renegotiate,
// key update, ...) at the start of a read were -quiet not in effect.
const OpenSSLCommandBytes = "Q\nq\nR\nr\nK\nk\nc\nP\nS\n"

// OpenSSLPayload returns n random bytes that start with OpenSSLCommandBytes.
func OpenSSLPayload(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	copy(b, OpenSSLCommandBytes)
	return b
}

// ExchangeOpenSSL sends n bytes each way between conn and the openssl
// process p at the same time, and checks that each side receives exactly
// the other's bytes.
func ExchangeOpenSSL(t testing.TB, conn net.Conn, p *OpenSSLProcess, n int) {
	t.Helper()
	fromConn, fromOpenSSL := OpenSSLPayload(n), OpenSSLPayload(n)
	errc := make(chan error, 3)
	go func() {
		_, err := conn.Write(fromConn)
		if err != nil {
			err = fmt.Errorf("writing to the TLS connection: %w", err)
		}
		errc <- err
	}()
	go func() {
		_, err := p.Stdin().Write(fromOpenSSL)
		if err != nil {
			err = fmt.Errorf("writing openssl's stdin: %w", err)
		}
		errc <- err
	}()
	go func() {
		got := make([]byte, n)
		if _, err := io.ReadFull(conn, got); err != nil {
			errc <- fmt.Errorf("reading the TLS connection: %w", err)
			return
		}
		if !bytes.Equal(got, fromOpenSSL) {
			errc <- errors.New("the TLS connection received different bytes from those written to openssl's stdin")
			return
		}
		errc <- nil
	}()
	got := make([]byte, n)
	if _, err := io.ReadFull(p.Stdout(), got); err != nil {
		t.Fatalf("reading openssl's stdout: %v; its output:\n%s", err, p.Output())
	}
	if !bytes.Equal(got, fromConn) {
		t.Fatal("openssl's stdout differs from the bytes the TLS connection sent")
	}
	for range 3 {
		if err := <-errc; err != nil {
			t.Fatalf("%v; openssl's output:\n%s", err, p.Output())
		}
	}
}

// AcceptOpenSSL accepts one connection on ln, failing the test if the
// openssl process p exits first.
func AcceptOpenSSL(t testing.TB, ln net.Listener, p *OpenSSLProcess) net.Conn {
	t.Helper()
	accepted := make(chan net.Conn, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			conn = nil
		}
		accepted <- conn
	}()
	select {
	case conn := <-accepted:
		if conn == nil {
			t.Fatal("accept failed")
		}
		return conn
	case <-p.Exited():
		ln.Close()
		if conn := <-accepted; conn != nil {
			conn.Close()
		}
		t.Fatalf("%s exited before connecting: %v", p, p.Wait())
		return nil
	}
}
