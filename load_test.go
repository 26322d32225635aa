//go:build unix

package hush_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
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
//
// Both ends of every connection live in this process when the open-file
// limit allows 2N files (it is raised when it can be). When it does not
// (an unprivileged process whose hard limit is below 2N), the clients run
// in a child process (this test binary, TestLoadClients) and only the
// server side is measured here; the child reports its own peak.
func TestLoad(t *testing.T) {
	n := *loadConns
	if testing.Short() {
		n = min(n, 100)
	}
	inProcess := raiseFileLimit(t, uint64(2*n+1024))
	if !inProcess && !raiseFileLimit(t, uint64(n+1024)) {
		t.Skipf("%d connections need %d open files", n, n+1024)
	}
	testutil.CheckGoroutines(t)

	baseGoroutines := runtime.NumGoroutine()
	baseHeap := liveHeap()

	chain := testutil.NewChain(t, testutil.ECDSAP256)
	serverCfg := &hush.Config{
		Certificates: []hush.Certificate{{Certificate: chain.Certificates, PrivateKey: chain.Key, Leaf: chain.Leaf}},
	}
	ln, err := hush.Listen("tcp", "127.0.0.1:0", serverCfg)
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	deadline := loadDeadline(n)

	var tally loadTally
	// The server: one goroutine per connection, as an application would.
	var servers sync.WaitGroup
	acceptDone := make(chan struct{})
	go func() {
		defer close(acceptDone)
		for {
			c, err := ln.Accept()
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					tally.fail("accept", err)
				}
				return
			}
			servers.Add(1)
			go func() {
				defer servers.Done()
				if err := serveLoad(c, deadline); err != nil {
					tally.fail("server", err)
				}
			}()
		}
	}()

	start := time.Now()
	var established time.Duration
	var peakGoroutines int
	var peakHeap, peakLive uint64
	atPeak := func() {
		established = time.Since(start)
		peakGoroutines = runtime.NumGoroutine()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peakHeap = ms.HeapAlloc
		peakLive = liveHeap()
	}
	child := ""
	if inProcess {
		clientCfg := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool}
		runLoadClients(n, addr, clientCfg, deadline, &tally, atPeak)
	} else {
		child = runLoadChild(t, n, addr, chain.RootPEM, atPeak)
	}
	ln.Close()
	<-acceptDone
	servers.Wait()
	wall := time.Since(start)

	if f := tally.failures.Load(); f > 0 {
		t.Fatalf("%d of %d connections failed; the first: %v", f, n, tally.first)
	}
	// Every connection is closed (CheckGoroutines checks that their
	// goroutines are gone).
	endHeap := liveHeap()
	perConn := (int64(peakLive) - int64(baseHeap)) / int64(n)
	where := "both ends in this process"
	if !inProcess {
		where = "the server side in this process; clients in a child process: " + child
	}
	t.Logf("%d connections (%s): all connected after %v, done after %v (%.0f handshakes/s); peak goroutines %d (baseline %d); peak heap %.1f MiB (live after GC %.1f MiB, %d bytes per open connection); heap baseline %.1f MiB, after %.1f MiB",
		n, where, established.Round(time.Millisecond), wall.Round(time.Millisecond), float64(n)/established.Seconds(),
		peakGoroutines, baseGoroutines, mib(peakHeap), mib(peakLive), perConn, mib(baseHeap), mib(endHeap))
	ends := 2
	if !inProcess {
		ends = 1
	}
	if peakGoroutines < ends*n {
		t.Errorf("peak goroutines %d: the %d connections were not all open at once", peakGoroutines, n)
	}
	if limit := baseHeap + loadRetainedSlack + uint64(loadRetainedPerConn*n); endHeap > limit {
		t.Errorf("retained heap %.1f MiB after all connections closed, baseline %.1f MiB, limit %.1f MiB",
			mib(endHeap), mib(baseHeap), mib(limit))
	}
}

// loadDeadline bounds every connection of a run of n.
func loadDeadline(n int) time.Time {
	return time.Now().Add(time.Duration(max(n/10, 120)) * time.Second)
}

// loadTally counts failures and keeps the first.
type loadTally struct {
	failures atomic.Int64
	mu       sync.Mutex
	first    error
}

func (l *loadTally) fail(who string, err error) {
	if l.failures.Add(1) == 1 {
		l.mu.Lock()
		l.first = fmt.Errorf("%s: %w", who, err)
		l.mu.Unlock()
	}
}

// runLoadClients runs n clients against addr, at most loadDialers dialling
// at once; once all are connected (and have echoed) it calls atPeak, then
// lets them all close.
func runLoadClients(n int, addr string, cfg *hush.Config, deadline time.Time, tally *loadTally, atPeak func()) {
	sem := make(chan struct{}, loadDialers)
	release := make(chan struct{})
	var connected, clients sync.WaitGroup
	connected.Add(n)
	clients.Add(n)
	for range n {
		go func() {
			defer clients.Done()
			sem <- struct{}{}
			c, err := dialLoad(addr, cfg, deadline)
			<-sem
			connected.Done()
			if err != nil {
				tally.fail("client", err)
				return
			}
			<-release
			if err := closeLoad(c); err != nil {
				tally.fail("client close", err)
			}
		}()
	}
	connected.Wait()
	atPeak()
	close(release)
	clients.Wait()
}

// The protocol between TestLoad and its child: the child prints
// "CONNECTED <goroutines> <heap bytes>" once all its clients are through,
// waits for a line on stdin, closes them all and prints
// "DONE <failures> <first error>".
const (
	loadChildEnv = "HUSH_LOAD_CHILD"
	loadRootEnv  = "HUSH_LOAD_ROOT"
)

// runLoadChild runs the clients in a child process and calls atPeak while
// they are all connected. It returns the child's own numbers.
func runLoadChild(t *testing.T, n int, addr string, rootPEM []byte, atPeak func()) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadClients$", "-test.count=1", "-hush.load="+strconv.Itoa(n))
	cmd.Env = append(os.Environ(), loadChildEnv+"="+addr, loadRootEnv+"="+string(rootPEM))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	next := func(prefix string) string {
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), prefix); ok {
				return rest
			}
		}
		_ = cmd.Wait()
		t.Fatalf("load child: no %q line; stderr:\n%s", prefix, stderr.String())
		return ""
	}
	var goroutines int
	var heap uint64
	if _, err := fmt.Sscan(next("CONNECTED "), &goroutines, &heap); err != nil {
		t.Fatalf("load child: %v", err)
	}
	atPeak()
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		t.Fatal(err)
	}
	done := next("DONE ")
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("load child: %v; stderr:\n%s", err, stderr.String())
	}
	if !strings.HasPrefix(done, "0 ") {
		t.Fatalf("load child: failures: %s", done)
	}
	return fmt.Sprintf("peak goroutines %d, peak heap %.1f MiB", goroutines, mib(heap))
}

// TestLoadClients is the client side of TestLoad in a child process;
// otherwise it is skipped.
func TestLoadClients(t *testing.T) {
	addr := os.Getenv(loadChildEnv)
	if addr == "" {
		t.Skip("the clients of TestLoad, run in a child process when the file limit is too low for both ends")
	}
	n := *loadConns
	if !raiseFileLimit(t, uint64(n+1024)) {
		t.Fatalf("need %d open files", n+1024)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(os.Getenv(loadRootEnv))) {
		t.Fatal("no root certificate")
	}
	cfg := &hush.Config{ServerName: "example.com", RootCAs: roots}
	var tally loadTally
	runLoadClients(n, addr, cfg, loadDeadline(n), &tally, func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("CONNECTED %d %d\n", runtime.NumGoroutine(), ms.HeapAlloc)
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	})
	fmt.Printf("DONE %d %v\n", tally.failures.Load(), tally.first)
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

// raiseFileLimit makes sure the process may hold want open files, raising
// the limit if it can, and reports whether it may.
func raiseFileLimit(t *testing.T, want uint64) bool {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("getrlimit: %v", err)
	}
	if lim.Cur >= want {
		return true
	}
	old := lim
	lim.Cur = want
	if lim.Max < want {
		lim.Max = want // needs privilege
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return false
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
	return true
}
