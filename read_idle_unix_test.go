//go:build unix

package hush

import (
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/hushtls/hush/internal/testutil"
)

// waitUntil polls cond, yielding, for at most 10 seconds: the reading
// goroutine enters the poller asynchronously.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		runtime.Gosched()
	}
}

// TestIdleSweeperParksWaitingReader checks that the process-wide sweeper
// parks both protectors of a connection whose Read waits, that a parked
// connection leaves the sweeper's list, and that the next record is read
// normally.
func TestIdleSweeperParksWaitingReader(t *testing.T) {
	ch := testutil.NewChain(t, testutil.ECDSAP256)
	rc, rs := testutil.TCPPipe(t)
	client := Client(rc, &Config{RootCAs: ch.RootPool, ServerName: "example.com"})
	server := Server(rs, &Config{Certificates: []Certificate{{Certificate: ch.Certificates, PrivateKey: ch.Key}}})
	defer client.Close()
	defer server.Close()
	errs := make(chan error, 1)
	go func() { errs <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}

	got := make(chan []byte, 1)
	go func() {
		buf := make([]byte, 16)
		n, err := io.ReadFull(client, buf[:5])
		if err != nil {
			t.Error(err)
		}
		got <- buf[:n]
	}()
	var r *idleReader
	waitUntil(t, "the reader waits", func() bool {
		idleSweeper.mu.Lock()
		defer idleSweeper.mu.Unlock()
		for _, x := range idleSweeper.conns {
			if x == client {
				r = x.in.idle
				return true
			}
		}
		return false
	})
	for range idleParkAfter {
		sweepOnce()
	}
	waitUntil(t, "the protectors are parked", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.waiting && client.in.prot.Parked() && client.out.prot.Parked()
	})
	waitUntil(t, "the parked reader leaves the list", func() bool {
		idleSweeper.mu.Lock()
		defer idleSweeper.mu.Unlock()
		return !r.listed
	})

	if _, err := server.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "hello" {
		t.Fatalf("read %q after parking, want %q", b, "hello")
	}
	// The parked write side works too.
	go func() { _, _ = client.Write([]byte("back")) }()
	buf := make([]byte, 4)
	if _, err := io.ReadFull(server, buf); err != nil || string(buf) != "back" {
		t.Fatalf("server read %q, %v", buf, err)
	}
}
