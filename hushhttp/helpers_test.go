package hushhttp

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// stateHandler answers with the protocol and the TLS state the handler
// sees, one "key=value" per line.
func stateHandler(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "proto=%s\n", r.Proto)
	if r.TLS != nil {
		fmt.Fprintln(w, "r.TLS set by net/http: unexpected")
	}
	cs := ConnectionState(r.Context())
	if cs == nil {
		fmt.Fprintln(w, "state=none")
		return
	}
	fmt.Fprintf(w, "version=%s\nalpn=%s\nsni=%s\ncomplete=%v\n",
		hush.VersionName(cs.Version), cs.NegotiatedProtocol, cs.ServerName, cs.HandshakeComplete)
	if r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "body=%s\n", body)
	}
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// startServer serves s on a fresh 127.0.0.1 port until the test ends and
// returns the listener (for its address and accept count).
func startServer(t *testing.T, s *Server) *countingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	tw := &testWriter{t: t}
	if s.ErrorLog == nil {
		s.ErrorLog = log.New(tw, "", 0)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(cl) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
		tw.done.Store(true)
	})
	return cl
}

// testWriter sends the server's log to the test log, while the test runs.
type testWriter struct {
	t    *testing.T
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Logf("server log: %s", bytes.TrimSpace(p))
	}
	return len(p), nil
}

// serverConfig is a hush server configuration with an ECDSA chain for
// localhost and 127.0.0.1.
func serverConfig(t *testing.T) (*hush.Config, *testutil.Chain) {
	t.Helper()
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cert, err := hush.X509KeyPair(chain.CertPEM, chain.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &hush.Config{Certificates: []hush.Certificate{cert}}, chain
}

// cryptoTLSClient is a net/http client over crypto/tls that trusts chain;
// with h2 it negotiates HTTP/2, without it only HTTP/1.1.
func cryptoTLSClient(chain *testutil.Chain, h2 bool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: chain.RootPool}}
	if h2 {
		tr.ForceAttemptHTTP2 = true
	} else {
		tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return &http.Client{Transport: tr}
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	return resp, string(body)
}
