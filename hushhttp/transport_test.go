package hushhttp

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hushtls/hush"
)

// TestTransportWithCryptoTLSServer: a hush Transport fetches from a
// crypto/tls httptest server over HTTP/2 and over HTTP/1.1.
func TestTransportWithCryptoTLSServer(t *testing.T) {
	for _, tc := range []struct {
		name      string
		h2        bool
		wantProto string
	}{
		{"HTTP2", true, "HTTP/2.0"},
		{"HTTP1.1", false, "HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			remotes := map[string]bool{}
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				remotes[r.RemoteAddr] = true
				mu.Unlock()
				fmt.Fprintf(w, "%s %s %s", r.Proto, r.TLS.NegotiatedProtocol, r.URL.Path)
			}))
			srv.EnableHTTP2 = tc.h2
			srv.StartTLS()
			defer srv.Close()
			roots := x509.NewCertPool()
			roots.AddCert(srv.Certificate())
			tr := &Transport{Config: &hush.Config{RootCAs: roots}}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr}
			for i := 0; i < 3; i++ {
				path := fmt.Sprintf("/req%d", i)
				resp, body := get(t, c, srv.URL+path)
				if resp.Proto != tc.wantProto || !strings.HasPrefix(body, tc.wantProto) || !strings.HasSuffix(body, path) {
					t.Fatalf("response %s with body %q, want %s", resp.Proto, body, tc.wantProto)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(remotes) != 1 {
				t.Errorf("3 requests used %d connections, want 1 (the protocol probe's connection is reused)", len(remotes))
			}
		})
	}
}

// TestTransportWithHushServer: hush on both ends, HTTP/2 and HTTP/1.1,
// with concurrent requests and a request body.
func TestTransportWithHushServer(t *testing.T) {
	cfg, chain := serverConfig(t)
	for _, tc := range []struct {
		name                string
		serverH1, clientH1  bool
		wantProto, wantALPN string
	}{
		{"HTTP2", false, false, "HTTP/2.0", "h2"},
		{"ServerHTTP1.1", true, false, "HTTP/1.1", "http/1.1"},
		{"ClientHTTP1.1", false, true, "HTTP/1.1", "http/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler), DisableHTTP2: tc.serverH1})
			tr := &Transport{Config: &hush.Config{RootCAs: chain.RootPool}, DisableHTTP2: tc.clientH1}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr}
			url := "https://localhost:" + port(ln) + "/"
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := c.Post(url, "text/plain", strings.NewReader(fmt.Sprint("n", i)))
					if err != nil {
						errs <- err
						return
					}
					defer resp.Body.Close()
					b, err := io.ReadAll(resp.Body)
					body := string(b)
					switch {
					case err != nil:
						errs <- err
					case resp.Proto != tc.wantProto:
						errs <- fmt.Errorf("response over %s, want %s", resp.Proto, tc.wantProto)
					case !strings.Contains(body, "alpn="+tc.wantALPN+"\n"), !strings.Contains(body, fmt.Sprintf("body=n%d\n", i)):
						errs <- fmt.Errorf("handler answered %q", body)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// TestTransportVerifies: a server whose certificate the client does not
// trust fails the request.
func TestTransportVerifies(t *testing.T) {
	cfg, _ := serverConfig(t)
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler)})
	c := &http.Client{Transport: &Transport{Config: &hush.Config{RootCAs: x509.NewCertPool()}}}
	if _, err := c.Get("https://localhost:" + port(ln) + "/"); err == nil {
		t.Fatal("GET succeeded against an untrusted server")
	}
}

// TestTransportPlainHTTP: http:// URLs go over TCP, no TLS.
func TestTransportPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "plain")
	}))
	defer srv.Close()
	tr := &Transport{}
	defer tr.CloseIdleConnections()
	_, body := get(t, &http.Client{Transport: tr}, srv.URL)
	if body != "plain" {
		t.Fatalf("body %q", body)
	}
}

// TestTransportDialContext: the TCP dial goes through DialContext.
func TestTransportDialContext(t *testing.T) {
	cfg, chain := serverConfig(t)
	ln := startServer(t, &Server{Config: cfg, Handler: http.HandlerFunc(stateHandler)})
	var dials int
	var mu sync.Mutex
	tr := &Transport{
		Config: &hush.Config{RootCAs: chain.RootPool, ServerName: "localhost"},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dials++
			mu.Unlock()
			var d net.Dialer
			return d.DialContext(ctx, network, ln.Addr().String())
		},
	}
	defer tr.CloseIdleConnections()
	resp, body := get(t, &http.Client{Transport: tr}, "https://hush.invalid/")
	if resp.Proto != "HTTP/2.0" || !strings.Contains(body, "sni=localhost\n") {
		t.Fatalf("got %s %q", resp.Proto, body)
	}
	if dials != 1 {
		t.Fatalf("%d dials, want 1", dials)
	}
}
