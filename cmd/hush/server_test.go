package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hushtls/hush/internal/testutil"
)

// runningServer is a hush server command running in-process.
type runningServer struct {
	// URL or Addr is where it listens.
	Addr     string
	stop     context.CancelFunc
	exit     chan int
	stopOnce sync.Once
	code     int
	mu       sync.Mutex
	log      bytes.Buffer
	done     chan struct{} // the log is fully read
}

// startServerCommand runs "hush server ARGS -addr 127.0.0.1:0" until the
// test ends and returns once it listens.
func startServerCommand(t *testing.T, args ...string) *runningServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	old := serverContext
	serverContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	t.Cleanup(func() { serverContext = old })

	pr, pw := io.Pipe()
	s := &runningServer{stop: cancel, exit: make(chan int, 1), done: make(chan struct{})}
	go func() {
		var stdout bytes.Buffer
		s.exit <- run(append(append([]string{"server"}, args...), "-addr", "127.0.0.1:0"), &stdout, pw)
		pw.Close()
	}()
	listening := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			for _, prefix := range []string{"Serving HTTPS on https://", "Echoing TLS on "} {
				if rest, ok := strings.CutPrefix(line, prefix); ok {
					addr, _, _ := strings.Cut(rest, "/")
					listening <- addr
				}
			}
		}
		close(listening)
	}()
	addr, ok := <-listening
	if !ok {
		t.Fatalf("hush server exited with %d before listening:\n%s", <-s.exit, s.Log())
	}
	s.Addr = addr
	t.Cleanup(func() {
		if code := s.Stop(); code != exitOK {
			t.Errorf("hush server exited with %d:\n%s", code, s.Log())
		}
	})
	return s
}

// Stop interrupts the server and returns its exit code.
func (s *runningServer) Stop() int {
	s.stopOnce.Do(func() {
		s.stop()
		s.code = <-s.exit
		<-s.done
	})
	return s.code
}

func (s *runningServer) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

func TestServerHTTPS(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	dir := t.TempDir()
	certFile, keyFile, rootFile := chain.WriteFiles(t, dir)
	srv := startServerCommand(t, "-cert", certFile, "-key", keyFile)
	port := srv.Addr[strings.LastIndex(srv.Addr, ":")+1:]
	url := "https://localhost:" + port + "/"

	for _, h2 := range []bool{true, false} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: chain.RootPool}, ForceAttemptHTTP2: h2}
		if !h2 {
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		resp, err := (&http.Client{Transport: tr}).Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		for _, want := range []string{"Hello from hush\n", "HTTP:          " + resp.Proto + "\n", "TLS version:   TLS 1.3\n", "Server name:   localhost\n"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("page over %s lacks %q:\n%s", resp.Proto, want, body)
			}
		}
	}

	// curl, verifying with --cacert, over HTTP/2 (the done-when of the
	// issue) and HTTP/1.1.
	if curl, err := exec.LookPath("curl"); err != nil {
		t.Log("curl not installed (apt-get install -y curl): skipping the curl half of the test")
	} else {
		for _, tc := range []struct{ flag, want string }{{"--http2", "HTTP/2.0"}, {"--http1.1", "HTTP/1.1"}} {
			ctx, cancel := context.WithTimeout(context.Background(), testutil.Timeout)
			out, err := exec.CommandContext(ctx, curl, "-sS", "--fail", tc.flag, "--cacert", rootFile,
				"--resolve", "localhost:"+port+":127.0.0.1", url).CombinedOutput()
			cancel()
			if err != nil {
				t.Fatalf("curl %s: %v\n%s", tc.flag, err, out)
			}
			if !strings.Contains(string(out), "HTTP:          "+tc.want+"\n") {
				t.Errorf("curl %s got:\n%s", tc.flag, out)
			}
		}
	}
	if code := srv.Stop(); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	log := srv.Log()
	for _, want := range []string{"GET / HTTP/2.0 over TLS 1.3", "GET / HTTP/1.1 over TLS 1.3", "Shutting down"} {
		if !strings.Contains(log, want) {
			t.Errorf("server log lacks %q:\n%s", want, log)
		}
	}
}

// TestServerEchoWithClient: the server command in echo mode, with TLS 1.2
// and a strict suite, against crypto/tls and against the client command.
func TestServerEchoWithClient(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	dir := t.TempDir()
	certFile, keyFile, rootFile := chain.WriteFiles(t, dir)
	srv := startServerCommand(t, "-echo", "-cert", certFile, "-key", keyFile, "-tls12",
		"-suites", "ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")

	conn, err := tls.Dial("tcp", srv.Addr, &tls.Config{RootCAs: chain.RootPool, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "hello")
	conn.CloseWrite()
	got, err := io.ReadAll(conn)
	conn.Close()
	if err != nil || string(got) != "hello" {
		t.Fatalf("echo: %q, %v", got, err)
	}
	if s := conn.ConnectionState().CipherSuite; s != tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 {
		t.Errorf("suite %s, want the server's first choice", tls.CipherSuiteName(s))
	}

	withStdin(t, "round trip\n")
	code, out, errs := runCmd(t, "client", "-cafile", rootFile, "-servername", "localhost", srv.Addr)
	if code != exitOK || out != "round trip\n" || !strings.Contains(errs, "Version           TLS 1.2\n") {
		t.Fatalf("client: exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	if code := srv.Stop(); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if log := srv.Log(); !strings.Contains(log, "TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384") || !strings.Contains(log, "closed after echoing 11 bytes") {
		t.Errorf("server log:\n%s", log)
	}
}

// TestServerThrowawayCertificate: without -cert and -key the server still
// runs, with a certificate only -insecure accepts.
func TestServerThrowawayCertificate(t *testing.T) {
	srv := startServerCommand(t, "-echo")
	withStdin(t, "x")
	if code, out, errs := runCmd(t, "client", "-insecure", srv.Addr); code != exitOK || out != "x" {
		t.Fatalf("exit %d, stdout %q\n%s", code, out, errs)
	}
	if code, _, _ := runCmd(t, "client", "-handshake", srv.Addr); code != exitFailure {
		t.Fatalf("verifying the throwaway certificate: exit %d, want 1", code)
	}
	if !strings.Contains(srv.Log(), "throwaway") {
		t.Errorf("no warning about the throwaway certificate:\n%s", srv.Log())
	}
}

func TestServerUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"server", "-h"}, exitOK, "usage: hush server"},
		{[]string{"help", "server"}, exitOK, "-echo"},
		{[]string{"server", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"server", "-cert", "c.pem"}, exitUsage, "-cert and -key go together"},
		{[]string{"server", "-suites", "NOPE"}, exitUsage, "unknown cipher suite"},
		{[]string{"server", "-cert", "missing.pem", "-key", "missing.pem"}, exitFailure, "missing.pem"},
	} {
		code, out, errs := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("hush %s: exit %d, output %q; want exit %d and %q", strings.Join(tc.args, " "), code, out+errs, tc.code, tc.want)
		}
	}
}
