//go:build unix

package hush_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// loadConns is the number of concurrent connections of TestLoad. The
// default keeps the test under a minute with -race on a 2-core machine; run
//
//	go test -run '^TestLoad$' -hush.load=10000 -v .
//
// (without -race: the race detector allows at most 8128 live goroutines,
// and the test runs two per connection) for the full-size run.
var loadConns = flag.Int("hush.load", 1000, "concurrent connections in TestLoad")

// loadDialers bounds how many clients dial and handshake at once; the
// connections that are through stay open, so all of them are open together
// at the peak.
const loadDialers = 256

// loadEcho is the size of the message each client echoes.
const loadEcho = 4 << 10

// loadRetainedPerConn bounds the heap a finished connection may leave
// behind, on top of loadRetainedSlack: far below what one connection holds
// while open, so a leak of per-connection state fails the test.
const (
	loadRetainedPerConn = 512
	loadRetainedSlack   = 8 << 20
)

// TestLoad runs N hush clients at once against one hush server on
// 127.0.0.1: each does a full handshake (default configuration: TLS 1.3,
// X25519MLKEM768, a verified ECDSA chain), echoes 4 KiB, waits until all N
// are connected, then exchanges close_notify both ways. It checks that
// nothing failed, that the goroutines go back to the baseline, and that
// the retained heap goes back near the baseline, and logs wall time, peak
// heap and peak goroutines.
func TestLoad(t *testing.T) {
	n := *loadConns
	if testing.Short() {
		n = min(n, 100)
	}
	raiseFileLimit(t, uint64(2*n+1024))
	testutil.CheckGoroutines(t)

	baseGoroutines := runtime.NumGoroutine()
	baseHeap := liveHeap()

	chain := testutil.NewChain(t, testutil.ECDSAP256)
	serverCfg := &hush.Config{
		Certificates: []hush.Certificate{{Certificate: chain.Certificates, PrivateKey: chain.Key, Leaf: chain.Leaf}},
	}
	clientCfg := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool}
	ln, err := hush.Listen("tcp", "127.0.0.1:0", serverCfg)
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	deadline := time.Now().Add(time.Duration(max(n/10, 120)) * time.Second)

	var (
		failures atomic.Int64
		firstMu  sync.Mutex
		first    error
	)
	fail := func(who string, err error) {
		if failures.Add(1) == 1 {
			firstMu.Lock()
			first = fmt.Errorf("%s: %w", who, err)
			firstMu.Unlock()
		}
	}

	// The server: one goroutine per connection, as an application would.
	var servers sync.WaitGroup
	acceptDone := make(chan struct{})
	go func() {
		defer close(acceptDone)
		for {
			c, err := ln.Accept()
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					fail("accept", err)
				}
				return
			}
			servers.Add(1)
			go func() {
				defer servers.Done()
				if err := serveLoad(c, deadline); err != nil {
					fail("server", err)
				}
			}()
		}
	}()

	start := time.Now()
	sem := make(chan struct{}, loadDialers)
	release := make(chan struct{})
	var connected, clients sync.WaitGroup
	connected.Add(n)
	clients.Add(n)
	for range n {
		go func() {
			defer clients.Done()
			sem <- struct{}{}
			c, err := dialLoad(addr, clientCfg, deadline)
			<-sem
			connected.Done()
			if err != nil {
				fail("client", err)
				return
			}
			<-release
			if err := closeLoad(c); err != nil {
				fail("client close", err)
			}
		}()
	}
	connected.Wait()
	established := time.Since(start)

	// The peak: every connection is open.
	peakGoroutines := runtime.NumGoroutine()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	peakHeap := ms.HeapAlloc
	peakLive := liveHeap()

	close(release)
	clients.Wait()
	ln.Close()
	<-acceptDone
	servers.Wait()
	wall := time.Since(start)

	if f := failures.Load(); f > 0 {
		t.Fatalf("%d of %d connections failed; the first: %v", f, n, first)
	}

	// Every connection is closed (CheckGoroutines checks that their
	// goroutines are gone).
	endHeap := liveHeap()
	perConn := int64(peakLive-baseHeap) / int64(n)
	t.Logf("%d connections: all connected after %v, done after %v (%.0f handshakes/s); peak goroutines %d (baseline %d); peak heap %.1f MiB (live after GC %.1f MiB, %d bytes per open connection); heap baseline %.1f MiB, after %.1f MiB",
		n, established.Round(time.Millisecond), wall.Round(time.Millisecond), float64(n)/established.Seconds(),
		peakGoroutines, baseGoroutines, mib(peakHeap), mib(peakLive), perConn, mib(baseHeap), mib(endHeap))
	if peakGoroutines < 2*n {
		t.Errorf("peak goroutines %d: the %d connections were not all open at once", peakGoroutines, n)
	}
	if limit := baseHeap + loadRetainedSlack + uint64(loadRetainedPerConn*n); endHeap > limit {
		t.Errorf("retained heap %.1f MiB after all connections closed, baseline %.1f MiB, limit %.1f MiB",
			mib(endHeap), mib(baseHeap), mib(limit))
	}
}

// dialLoad connects, handshakes and echoes loadEcho bytes.
func dialLoad(addr string, cfg *hush.Config, deadline time.Time) (*hush.Conn, error) {
	c, err := hush.DialWithDialer(&net.Dialer{Deadline: deadline}, "tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	if err := c.SetDeadline(deadline); err != nil {
		c.Close()
		return nil, err
	}
	msg := make([]byte, loadEcho)
	_, _ = rand.Read(msg)
	if _, err := c.Write(msg); err != nil {
		c.Close()
		return nil, err
	}
	got := make([]byte, loadEcho)
	if _, err := io.ReadFull(c, got); err != nil {
		c.Close()
		return nil, err
	}
	if !bytes.Equal(got, msg) {
		c.Close()
		return nil, errors.New("echo differs")
	}
	return c, nil
}

// closeLoad sends close_notify, reads the server's, and closes.
func closeLoad(c *hush.Conn) error {
	defer c.Close()
	if err := c.CloseWrite(); err != nil {
		return err
	}
	if rest, err := io.ReadAll(c); err != nil || len(rest) != 0 {
		return fmt.Errorf("after close_notify: %d bytes, %v (want a clean io.EOF)", len(rest), err)
	}
	return nil
}

// serveLoad echoes one message, then waits for the client's close_notify
// and answers it.
func serveLoad(nc net.Conn, deadline time.Time) error {
	c := nc.(*hush.Conn)
	defer c.Close()
	if err := c.SetDeadline(deadline); err != nil {
		return err
	}
	buf := make([]byte, loadEcho)
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if _, err := c.Write(buf); err != nil {
		return err
	}
	if rest, err := io.ReadAll(c); err != nil || len(rest) != 0 {
		return fmt.Errorf("waiting for close_notify: %d bytes, %v", len(rest), err)
	}
	return c.Close()
}

// liveHeap returns the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC() // the second also frees what sync.Pool kept in its victim cache
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// raiseFileLimit makes sure the process may hold want open files: both
// ends of every connection are in this process.
func raiseFileLimit(t *testing.T, want uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("getrlimit: %v", err)
	}
	if lim.Cur >= want {
		return
	}
	old := lim
	lim.Cur = want
	if lim.Max < want {
		lim.Max = want // needs privilege
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("need %d open files, the limit is %d and cannot be raised: %v", want, old.Cur, err)
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}
