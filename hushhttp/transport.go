package hushhttp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hushtls/hush"
	"golang.org/x/net/http2"
)

// Transport is an http.RoundTripper that makes HTTPS requests over hush. It
// offers "h2" and "http/1.1" through ALPN on the first connection to a host
// and then speaks what the server chose: HTTP/2 through x/net/http2, or
// HTTP/1.1 through a net/http Transport. Connections are pooled and reused
// like http.Transport's. Plain "http" URLs go over TCP without TLS.
//
// The zero value is ready to use, verifying servers against the system
// roots. A Transport must not be copied or have its fields changed after
// its first use.
type Transport struct {
	// Config is the TLS configuration for every connection. Its
	// ServerName, when empty, is the request's host. The Transport sets
	// NextProtos itself.
	Config *hush.Config
	// DialContext dials the TCP connections; nil means a net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// DisableHTTP2 offers only "http/1.1".
	DisableHTTP2 bool
	// IdleConnTimeout closes connections idle for that long; zero means no
	// limit.
	IdleConnTimeout time.Duration
	// ResponseHeaderTimeout, when non-zero, bounds the wait for the
	// response headers of an HTTP/1.1 request after it was written (as in
	// http.Transport; HTTP/2 requests are bounded by their context).
	ResponseHeaderTimeout time.Duration

	initOnce sync.Once
	h1       *http.Transport
	h2       *http2.Transport

	mu sync.Mutex
	// protos records the ALPN protocol each host ("host:port") chose, so
	// that later requests go straight to the right transport.
	protos map[string]string
	// spare holds connections dialed to learn a host's protocol, until the
	// transport for that protocol asks for a connection to the host.
	spare map[spareKey][]*hush.Conn
}

type spareKey struct {
	addr, proto string
}

// errProtocolChanged is returned by the HTTP/2 dialer when a host that
// used to choose h2 now chose something else; RoundTrip then retries the
// request over HTTP/1.1.
var errProtocolChanged = errors.New("hushhttp: server no longer negotiates h2")

func (t *Transport) init() {
	t.initOnce.Do(func() {
		t.h1 = &http.Transport{
			DialContext:           t.dialTCP,
			DialTLSContext:        t.dialHTTP11,
			IdleConnTimeout:       t.IdleConnTimeout,
			ResponseHeaderTimeout: t.ResponseHeaderTimeout,
			// net/http would speak HTTP/2 only over a *tls.Conn; the
			// HTTP/2 connections are t.h2's.
			TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
		}
		t.h2 = &http2.Transport{
			DialTLSContext:  t.dialHTTP2,
			IdleConnTimeout: t.IdleConnTimeout,
		}
	})
}

// RoundTrip sends one request and returns its response.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.init()
	if req.URL == nil {
		return nil, errors.New("hushhttp: request has no URL")
	}
	if req.URL.Scheme != "https" {
		return t.h1.RoundTrip(req)
	}
	addr := hostPort(req.URL.Hostname(), req.URL.Port())
	proto, known := t.protocol(addr)
	if !known {
		// Learn the host's protocol with a first connection, then leave
		// it for the transport that speaks that protocol.
		conn, err := t.dialHush(req.Context(), addr, t.offered())
		if err != nil {
			return nil, err
		}
		proto = conn.ConnectionState().NegotiatedProtocol
		t.learn(addr, proto)
		t.putSpare(addr, proto, conn)
	}
	if proto == ProtoHTTP2 && !t.DisableHTTP2 {
		resp, err := t.h2.RoundTrip(req)
		if !errors.Is(err, errProtocolChanged) {
			return resp, err
		}
		if req.Body != nil && req.GetBody == nil {
			return nil, err
		}
		if req.GetBody != nil {
			body, gerr := req.GetBody()
			if gerr != nil {
				return nil, gerr
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
	return t.h1.RoundTrip(req)
}

// CloseIdleConnections closes the connections that carry no request.
func (t *Transport) CloseIdleConnections() {
	t.init()
	t.h1.CloseIdleConnections()
	t.h2.CloseIdleConnections()
	t.mu.Lock()
	spare := t.spare
	t.spare = nil
	t.mu.Unlock()
	for _, conns := range spare {
		for _, c := range conns {
			c.Close()
		}
	}
}

func (t *Transport) offered() []string {
	if t.DisableHTTP2 {
		return []string{ProtoHTTP11}
	}
	return []string{ProtoHTTP2, ProtoHTTP11}
}

func (t *Transport) protocol(addr string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.protos[addr]
	return p, ok
}

func (t *Transport) learn(addr, proto string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.protos == nil {
		t.protos = make(map[string]string)
	}
	t.protos[addr] = proto
}

func (t *Transport) putSpare(addr, proto string, c *hush.Conn) {
	if proto != ProtoHTTP2 {
		proto = ProtoHTTP11
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.spare == nil {
		t.spare = make(map[spareKey][]*hush.Conn)
	}
	k := spareKey{addr, proto}
	t.spare[k] = append(t.spare[k], c)
}

func (t *Transport) takeSpare(addr, proto string) *hush.Conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := spareKey{addr, proto}
	conns := t.spare[k]
	if len(conns) == 0 {
		return nil
	}
	c := conns[len(conns)-1]
	if len(conns) == 1 {
		delete(t.spare, k)
	} else {
		t.spare[k] = conns[:len(conns)-1]
	}
	return c
}

// dialHTTP2 gives x/net/http2 a connection to addr that negotiated h2.
func (t *Transport) dialHTTP2(ctx context.Context, _, addr string, _ *tls.Config) (net.Conn, error) {
	if c := t.takeSpare(addr, ProtoHTTP2); c != nil {
		return c, nil
	}
	c, err := t.dialHush(ctx, addr, t.offered())
	if err != nil {
		return nil, err
	}
	state := c.ConnectionState()
	if state.NegotiatedProtocol != ProtoHTTP2 {
		t.learn(addr, state.NegotiatedProtocol)
		t.putSpare(addr, state.NegotiatedProtocol, c)
		return nil, errProtocolChanged
	}
	if !http2Acceptable(&state) {
		c.Close()
		return nil, fmt.Errorf("hushhttp: %s negotiated h2 with %s, which HTTP/2 forbids", addr, hush.CipherSuiteName(state.CipherSuite))
	}
	return c, nil
}

// dialHTTP11 gives net/http a connection to addr for HTTP/1.1.
func (t *Transport) dialHTTP11(ctx context.Context, _, addr string) (net.Conn, error) {
	if c := t.takeSpare(addr, ProtoHTTP11); c != nil {
		return c, nil
	}
	return t.dialHush(ctx, addr, []string{ProtoHTTP11})
}

// dialHush dials addr and runs the handshake offering protos.
func (t *Transport) dialHush(ctx context.Context, addr string, protos []string) (*hush.Conn, error) {
	raw, err := t.dialTCP(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	cfg := t.Config.Clone()
	if cfg == nil {
		cfg = &hush.Config{}
	}
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			raw.Close()
			return nil, err
		}
		cfg.ServerName = host
	}
	cfg.NextProtos = protos
	conn := hush.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

func (t *Transport) dialTCP(ctx context.Context, network, addr string) (net.Conn, error) {
	if t.DialContext != nil {
		return t.DialContext(ctx, network, addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// hostPort joins a URL's host and port the way both transports name a
// host: "host:port", with 443 when the URL has no port.
func hostPort(host, port string) string {
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(host, port)
}
