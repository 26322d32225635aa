package bench

import (
	"bufio"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hushtls/hush"
)

var (
	idleConns   = flag.Int("idleconns", 2000, "connections held open by BenchmarkIdleConn")
	idleProfile = flag.String("idleprofile", "", "write a heap profile of the idle connections to `prefix`-side-lib.pprof")
)

// idleSettle is how long the connections stay idle before the heap is
// measured.
const idleSettle = 200 * time.Millisecond

// exchangeLen is how much each side sends before the connection goes idle.
const exchangeLen = 100

// idleReadBuf is the buffer every idle connection's reading goroutine
// blocks on. It is shared, so that it does not count as connection memory:
// nothing arrives while the connections are idle.
var idleReadBuf = make([]byte, 4<<10)

// Environment of the peer process.
const (
	envPeer  = "HUSH_BENCH_PEER"  // "lib,role,n"
	envAddr  = "HUSH_BENCH_ADDR"  // where a peer client dials
	envChain = "HUSH_BENCH_CHAIN" // base64 leaf,intermediate,root,PKCS#8 key
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(envPeer); spec != "" {
		if err := runPeer(spec); err != nil {
			fmt.Fprintln(os.Stderr, "peer:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// BenchmarkIdleConn measures what an idle connection costs: N connections
// over loopback TCP, each after a 100-byte exchange each way, with one
// goroutine per connection blocked in Read (as a server or an HTTP/2
// client has). The side under test runs in this process, its peer (the
// same library) in a child process, so the heap measured is that side's
// alone. heap-B/conn is the live heap after GC, per connection, above the
// same N raw TCP connections; stack-B/conn is the reading goroutines'
// stacks, which belong to the application and are reported apart.
func BenchmarkIdleConn(b *testing.B) {
	for _, side := range []string{"client", "server"} {
		for _, lib := range libs {
			b.Run("side="+side+"/lib="+lib, func(b *testing.B) {
				// One measurement per run, whatever b.N: setting up N
				// connections takes seconds, so the default -benchtime
				// settles on b.N = 1; ns/op is that setup time.
				heap, stack := measureIdle(b, lib, side, *idleConns)
				b.ReportMetric(heap, "heap-B/conn")
				b.ReportMetric(stack, "stack-B/conn")
			})
		}
	}
}

// idleCase is the connection every idle row uses.
var idleCase = hsCase{group: hush.X25519, key: ecdsaP256, version: hush.VersionTLS13}

// measureIdle sets up n connections with lib as side in this process and
// returns the heap and stack bytes per connection.
func measureIdle(b *testing.B, lib, side string, n int) (heap, stack float64) {
	ch := getChain(idleCase.key)
	peerRole := map[string]string{"client": "server", "server": "client"}[side]
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(),
		envPeer+"="+lib+","+peerRole+","+strconv.Itoa(n),
		envChain+"="+encodeChain(ch))
	cmd.Stderr = os.Stderr
	var ln net.Listener
	if side == "server" {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		cmd.Env = append(cmd.Env, envAddr+"="+ln.Addr().String())
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	expect := func(prefix string) string {
		if !lines.Scan() || !strings.HasPrefix(lines.Text(), prefix) {
			b.Fatalf("peer: want %q, got %q (%v)", prefix, lines.Text(), lines.Err())
		}
		return strings.TrimPrefix(lines.Text(), prefix)
	}

	// The raw TCP connections first: they are the baseline.
	raws := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range raws {
			_ = c.Close()
		}
		_ = stdin.Close()
		_ = cmd.Wait()
	}()
	if side == "server" {
		for len(raws) < n {
			c, err := ln.Accept()
			if err != nil {
				b.Fatal(err)
			}
			raws = append(raws, c)
		}
		expect("dialed")
	} else {
		addr := expect("addr ")
		for len(raws) < n {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			raws = append(raws, c)
		}
		expect("accepted")
	}
	warmGoroutines(n)
	before := settledMemStats()

	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		b.Fatal(err)
	}
	conns, errs := runSide(lib, side, raws)
	for range n {
		if err := <-errs; err != nil {
			b.Fatalf("%s %s: %v", lib, side, err)
		}
	}
	expect("ready")
	// Measured once every connection has been idle for a while: hush
	// parks a silent connection's AEAD state after 50 ms.
	time.Sleep(idleSettle)
	after := settledMemStats()
	if *idleProfile != "" {
		writeHeapProfile(b, *idleProfile+"-"+side+"-"+lib+".pprof")
	}
	runtime.KeepAlive(conns)

	heap = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	stack = float64(int64(after.StackInuse)-int64(before.StackInuse)) / float64(n)
	return heap, stack
}

// warmGoroutines starts n goroutines and lets them end, so that the
// runtime's free list holds n goroutine structures (runtime.g, ~0.5 KB
// each, never freed). The reading goroutines are the application's, like
// their stacks (reported apart): with the list warm, neither library's
// heap figure includes them. Without it, only the first row run in a
// process paid for them (a cold process's hush client row, never
// crypto/tls's, which runs after it), so the figures depended on the order
// of the rows and of -count.
func warmGoroutines(n int) {
	var started, ended sync.WaitGroup
	release := make(chan struct{})
	for range n {
		started.Add(1)
		ended.Add(1)
		go func() {
			defer ended.Done()
			started.Done()
			<-release
		}()
	}
	started.Wait()
	close(release)
	ended.Wait()
	// Let the last ones finish exiting onto the free list.
	time.Sleep(10 * time.Millisecond)
}

// settledMemStats collects garbage until sync.Pool caches are empty too,
// then reads the memory statistics.
func settledMemStats() runtime.MemStats {
	var m runtime.MemStats
	for range 3 {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return m
}

func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}

// runSide wraps every raw connection in lib's role, and for each starts a
// goroutine that handshakes, exchanges 100 bytes each way (the client
// writes first), reports on errs and then blocks in Read until the
// connection is closed.
func runSide(lib, role string, raws []net.Conn) ([]conn, chan error) {
	mk := newMaker(lib, idleCase)
	conns := make([]conn, len(raws))
	for i, raw := range raws {
		// Only one side of mk's pair is used; the other wraps nil.
		if role == "client" {
			conns[i], _ = mk(raw, nil)
		} else {
			_, conns[i] = mk(nil, raw)
		}
	}
	errs := make(chan error, len(raws))
	for _, c := range conns {
		go func() {
			msg := make([]byte, exchangeLen)
			err := c.Handshake()
			if err == nil && role == "client" {
				if _, err = c.Write(msg); err == nil {
					_, err = io.ReadFull(c, msg)
				}
			} else if err == nil {
				if _, err = io.ReadFull(c, msg); err == nil {
					_, err = c.Write(msg)
				}
			}
			errs <- err
			if err == nil {
				_, _ = c.Read(idleReadBuf)
			}
		}()
	}
	return conns, errs
}

// runPeer is the child process: the other end of every connection.
func runPeer(spec string) error {
	parts := strings.Split(spec, ",")
	if len(parts) != 3 {
		return fmt.Errorf("bad %s %q", envPeer, spec)
	}
	lib, role := parts[0], parts[1]
	n, err := strconv.Atoi(parts[2])
	if err != nil {
		return err
	}
	ch, err := decodeChain(os.Getenv(envChain))
	if err != nil {
		return err
	}
	chains[idleCase.key] = ch
	chainOnce[idleCase.key].Do(func() {})

	raws := make([]net.Conn, 0, n)
	if role == "client" {
		for len(raws) < n {
			c, err := net.Dial("tcp", os.Getenv(envAddr))
			if err != nil {
				return err
			}
			raws = append(raws, c)
		}
		fmt.Println("dialed")
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		fmt.Println("addr " + ln.Addr().String())
		for len(raws) < n {
			c, err := ln.Accept()
			if err != nil {
				return err
			}
			raws = append(raws, c)
		}
		fmt.Println("accepted")
	}
	in := bufio.NewReader(os.Stdin)
	if line, err := in.ReadString('\n'); err != nil || line != "go\n" {
		return fmt.Errorf("waiting for go: %q, %v", line, err)
	}
	conns, errs := runSide(lib, role, raws)
	for range n {
		if err := <-errs; err != nil {
			return err
		}
	}
	fmt.Println("ready")
	// Hold everything until the parent is done measuring.
	_, _ = io.Copy(io.Discard, in)
	runtime.KeepAlive(conns)
	return nil
}

// encodeChain passes a chain to the peer process.
func encodeChain(c *chain) string {
	key, err := x509.MarshalPKCS8PrivateKey(c.key)
	if err != nil {
		panic(err)
	}
	parts := []string{}
	for _, der := range [][]byte{c.der[0], c.der[1], c.root.Raw, key} {
		parts = append(parts, base64.StdEncoding.EncodeToString(der))
	}
	return strings.Join(parts, ",")
}

func decodeChain(s string) (*chain, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, fmt.Errorf("bad %s", envChain)
	}
	var ders [4][]byte
	for i, p := range parts {
		var err error
		if ders[i], err = base64.StdEncoding.DecodeString(p); err != nil {
			return nil, err
		}
	}
	leaf, err := x509.ParseCertificate(ders[0])
	if err != nil {
		return nil, err
	}
	root, err := x509.ParseCertificate(ders[2])
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(ders[3])
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key %T is not a signer", key)
	}
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return &chain{der: [][]byte{ders[0], ders[1]}, key: signer, leaf: leaf, root: root, pool: pool}, nil
}
