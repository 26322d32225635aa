package hush_test

import (
	"io"
	"net"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// TestHandshakeLeftoverParked: a TLS 1.3 client with a session cache gets
// the server's NewSessionTicket in the flight of the server's Finished.
// After Handshake the client holds those bytes in a buffer of their own
// size, not the handshake's pooled read buffer; reading later still
// delivers the ticket (the session is cached) and the data behind it.
func TestHandshakeLeftoverParked(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cache := hush.NewLRUClientSessionCache(4)
	cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, ClientSessionCache: cache}
	sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
	rc, rs := net.Pipe()
	defer rc.Close()
	defer rs.Close()
	client, server := hush.Client(rc, cc), hush.Server(rs, sc)
	done := make(chan error, 1)
	go func() { done <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	size, buffered := hush.ReadBufferLenForTest(client)
	if buffered == 0 {
		t.Skip("no NewSessionTicket buffered after the handshake")
	}
	if size != buffered {
		t.Fatalf("client keeps a %d-byte read buffer for %d buffered bytes", size, buffered)
	}
	msg := make([]byte, 20000) // several records: fill must grow the buffer
	for i := range msg {
		msg[i] = byte(i)
	}
	go func() { _, _ = server.Write(msg) }()
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(client, got); err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i] != byte(i) {
			t.Fatalf("byte %d: %d", i, got[i])
		}
	}
	if _, ok := cache.Get("example.com"); !ok {
		t.Fatal("the NewSessionTicket read after the parked bytes was not cached")
	}
}
