package hushhttp

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hushtls/hush/internal/testutil"
)

// TestServerWithCryptoTLSClient: Go's http.Client over crypto/tls gets
// HTTP/2 when it offers h2 and HTTP/1.1 when it does not, and the handler
// sees the hush connection state either way.
func TestServerWithCryptoTLSClient(t *testing.T) {
	cfg, chain := serverConfig(t)
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler)})
	url := "https://localhost:" + port(ln) + "/"
	for _, tc := range []struct {
		name      string
		h2        bool
		wantProto string
		wantALPN  string
	}{
		{"HTTP2", true, "HTTP/2.0", "h2"},
		{"HTTP1.1", false, "HTTP/1.1", "http/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cryptoTLSClient(chain, tc.h2)
			defer c.CloseIdleConnections()
			for i := 0; i < 3; i++ {
				resp, body := get(t, c, url)
				if resp.Proto != tc.wantProto || resp.TLS == nil || resp.TLS.NegotiatedProtocol != tc.wantALPN {
					t.Fatalf("client saw %s with ALPN %q, want %s and %q", resp.Proto, resp.TLS.NegotiatedProtocol, tc.wantProto, tc.wantALPN)
				}
				for _, want := range []string{"proto=" + tc.wantProto, "alpn=" + tc.wantALPN, "sni=localhost", "complete=true", "version=TLS 1.3"} {
					if !strings.Contains(body, want+"\n") {
						t.Errorf("handler answered %q, want a line %q", body, want)
					}
				}
			}
		})
	}
	// Both clients reused their connection: one each.
	if n := ln.n.Load(); n != 2 {
		t.Errorf("server accepted %d connections for 6 requests on 2 clients, want 2", n)
	}
}

// TestServerTLS12: a TLS 1.2 crypto/tls client gets HTTP/2 too.
func TestServerTLS12(t *testing.T) {
	cfg, chain := serverConfig(t)
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler)})
	c := cryptoTLSClient(chain, true)
	c.Transport.(*http.Transport).TLSClientConfig.MaxVersion = tls.VersionTLS12
	defer c.CloseIdleConnections()
	resp, body := get(t, c, "https://127.0.0.1:"+port(ln)+"/")
	if resp.Proto != "HTTP/2.0" || !strings.Contains(body, "version=TLS 1.2\n") {
		t.Fatalf("got %s, body %q; want HTTP/2.0 over TLS 1.2", resp.Proto, body)
	}
}

// TestServerDisableHTTP2: with DisableHTTP2 an h2-capable client gets
// HTTP/1.1.
func TestServerDisableHTTP2(t *testing.T) {
	cfg, chain := serverConfig(t)
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler), DisableHTTP2: true})
	c := cryptoTLSClient(chain, true)
	defer c.CloseIdleConnections()
	resp, _ := get(t, c, "https://localhost:"+port(ln)+"/")
	if resp.Proto != "HTTP/1.1" {
		t.Fatalf("got %s, want HTTP/1.1", resp.Proto)
	}
}

// TestServerWithCurl drives the server with the curl binary over HTTP/2
// and HTTP/1.1, verifying the server against the root in a file.
func TestServerWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed (apt-get install -y curl): skipping the curl interoperability test")
	}
	version, err := exec.Command(curl, "-V").Output()
	if err != nil {
		t.Fatalf("curl -V: %v", err)
	}
	cfg, chain := serverConfig(t)
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler)})
	rootFile := chain.RootFile(t, t.TempDir())
	url := "https://localhost:" + port(ln) + "/"
	for _, tc := range []struct {
		flag, wantProto, wantVersion string
	}{
		{"--http2", "HTTP/2.0", "2"},
		{"--http1.1", "HTTP/1.1", "1.1"},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			if tc.flag == "--http2" && !strings.Contains(string(version), "HTTP2") {
				t.Skip("this curl has no HTTP/2 support")
			}
			ctx, cancel := context.WithTimeout(context.Background(), testutil.Timeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, curl, "-sS", "--fail", tc.flag, "--cacert", rootFile,
				"--resolve", "localhost:"+port(ln)+":127.0.0.1",
				"-d", "hello", "-w", "curl_http_version=%{http_version}\n", url)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", cmd, err, out)
			}
			for _, want := range []string{"proto=" + tc.wantProto, "alpn=", "body=hello", "curl_http_version=" + tc.wantVersion} {
				if !strings.Contains(string(out), want) {
					t.Errorf("curl %s printed %q, want %q", tc.flag, out, want)
				}
			}
		})
	}
}

// TestServerHandshakeFailure: a client that fails the handshake is logged
// and dropped without disturbing the next one.
func TestServerHandshakeFailure(t *testing.T) {
	cfg, chain := serverConfig(t)
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler)})
	addr := "127.0.0.1:" + port(ln)
	// Plain HTTP to a TLS port.
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(raw, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	raw.SetReadDeadline(time.Now().Add(testutil.Timeout))
	io.Copy(io.Discard, raw) // the server closes the connection
	raw.Close()
	// A client that never speaks: its handshake is still pending while the
	// next client is served.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	c := cryptoTLSClient(chain, true)
	defer c.CloseIdleConnections()
	resp, _ := get(t, c, "https://"+addr+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// TestServerHandshakeTimeout: Config.HandshakeTimeout drops a client that
// never completes its handshake.
func TestServerHandshakeTimeout(t *testing.T) {
	cfg, _ := serverConfig(t)
	cfg.HandshakeTimeout = 50 * time.Millisecond
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler)})
	raw, err := net.Dial("tcp", "127.0.0.1:"+port(ln))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetReadDeadline(time.Now().Add(testutil.Timeout))
	if _, err := io.Copy(io.Discard, raw); err != nil {
		t.Fatalf("the server did not close the silent connection: %v", err)
	}
}

// TestServerShutdown: Shutdown lets an HTTP/2 request in flight finish,
// then Serve returns http.ErrServerClosed.
func TestServerShutdown(t *testing.T) {
	cfg, chain := serverConfig(t)
	inHandler := make(chan struct{})
	release := make(chan struct{})
	s := &Server{Config: cfg, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inHandler)
		<-release
		io.WriteString(w, "finished")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()

	c := cryptoTLSClient(chain, true)
	defer c.CloseIdleConnections()
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := c.Get("https://localhost:" + port(ln) + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-inHandler
	shutdown := make(chan error, 1)
	go func() { shutdown <- s.Shutdown(context.Background()) }()
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve returned %v, want http.ErrServerClosed", err)
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Fatalf("request in flight: body %q, error %v", r.body, r.err)
	}
	if err := <-shutdown; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := s.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve after Shutdown returned %v", err)
	}
}

// TestListenAndServeTLS loads the certificate from files.
func TestListenAndServeTLS(t *testing.T) {
	_, chain := serverConfig(t)
	certFile, keyFile, _ := chain.WriteFiles(t, t.TempDir())
	listening := make(chan net.Addr, 1)
	testHookListening = func(l net.Listener) { listening <- l.Addr() }
	defer func() { testHookListening = nil }()
	s := &Server{Addr: "127.0.0.1:0", Handler: http.HandlerFunc(stateHandler)}
	served := make(chan error, 1)
	go func() { served <- s.ListenAndServeTLS(certFile, keyFile) }()
	var addr net.Addr
	select {
	case addr = <-listening:
	case err := <-served:
		t.Fatalf("ListenAndServeTLS: %v", err)
	}
	defer func() {
		s.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("ListenAndServeTLS returned %v", err)
		}
	}()
	c := cryptoTLSClient(chain, true)
	defer c.CloseIdleConnections()
	resp, _ := get(t, c, "https://"+addr.String()+"/")
	if resp.Proto != "HTTP/2.0" {
		t.Fatalf("got %s", resp.Proto)
	}
	if err := (&Server{}).ListenAndServeTLS(certFile+".missing", keyFile); err == nil {
		t.Fatal("ListenAndServeTLS with a missing certificate file succeeded")
	}
}

func TestConnectionStateOutsideServer(t *testing.T) {
	if ConnectionState(context.Background()) != nil {
		t.Fatal("ConnectionState of a bare context is not nil")
	}
}

func port(ln net.Listener) string {
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return p
}

// TestServerCloseBeforeServe: Close before Serve makes Serve return
// http.ErrServerClosed at once.
func TestServerCloseBeforeServe(t *testing.T) {
	cfg, _ := serverConfig(t)
	s := &Server{Config: cfg}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve after Close: %v", err)
	}
}
