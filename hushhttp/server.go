// Package hushhttp serves and fetches HTTPS over hush connections, with
// HTTP/2 when both ends agree on it through ALPN and HTTP/1.1 otherwise.
//
// net/http speaks HTTP/2 only over its own *tls.Conn: given any other
// net.Conn it silently falls back to HTTP/1.1. hushhttp closes that gap with
// golang.org/x/net/http2, which serves and dials HTTP/2 over any net.Conn.
// Server picks the protocol per connection from the ALPN result and hands
// the connection to net/http (HTTP/1.1) or to x/net/http2 (HTTP/2); the
// handler sees the same http.Handler API either way, and ConnectionState
// gives it what r.TLS gives a crypto/tls server. Transport is the client
// side: an http.RoundTripper that dials with hush.
package hushhttp

import (
	"context"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/suites"
	"golang.org/x/net/http2"
)

// ALPN protocol names (RFC 7301 registry).
const (
	// ProtoHTTP2 is HTTP/2 over TLS (RFC 9113).
	ProtoHTTP2 = "h2"
	// ProtoHTTP11 is HTTP/1.1.
	ProtoHTTP11 = "http/1.1"
)

// DefaultHandshakeTimeout bounds the TLS handshake of an accepted
// connection when neither Config.HandshakeTimeout, ReadHeaderTimeout nor
// ReadTimeout is set, so that a client that never finishes its handshake
// cannot hold a connection open forever.
const DefaultHandshakeTimeout = 10 * time.Second

// Server is an HTTPS server over hush. Its fields mirror http.Server's and
// apply to both HTTP/1.1 and HTTP/2. The zero value, with a Config holding
// a certificate, is ready to use. A Server must not be copied or have its
// fields changed after its first Serve.
type Server struct {
	// Addr is the TCP address ListenAndServeTLS listens on; empty means
	// ":https".
	Addr string
	// Handler answers requests; nil means http.DefaultServeMux.
	Handler http.Handler
	// Config is the TLS configuration. It must hold a certificate unless
	// ListenAndServeTLS is given files. When Config.NextProtos is empty,
	// the Server offers "h2" and "http/1.1" (only "http/1.1" with
	// DisableHTTP2).
	Config *hush.Config

	// ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout and
	// MaxHeaderBytes have http.Server's meanings.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	// ErrorLog receives handshake failures and the servers' errors; nil
	// means the log package's standard logger.
	ErrorLog *log.Logger
	// BaseContext, when set, returns the base context for requests on a
	// listener, as in http.Server.
	BaseContext func(net.Listener) context.Context

	// DisableHTTP2 serves only HTTP/1.1.
	DisableHTTP2 bool
	// HTTP2 configures HTTP/2 (stream limits, buffer sizes, ...); nil
	// means x/net/http2's defaults.
	HTTP2 *http2.Server

	initOnce sync.Once
	initErr  error
	h1       *http.Server
	h2       *http2.Server
	config   *hush.Config

	shuttingDown atomic.Bool
	mu           sync.Mutex
	listeners    map[net.Listener]struct{}
	conns        map[*hush.Conn]bool // in the handshake (false) or serving HTTP/2 (true)
	connsDone    sync.WaitGroup
}

// testHookListening, when set, is told the listener ListenAndServeTLS
// opened.
var testHookListening func(net.Listener)

// ListenAndServeTLS listens on addr and serves handler over hush with the
// certificate and key in the given PEM files, like
// http.ListenAndServeTLS.
func ListenAndServeTLS(addr, certFile, keyFile string, handler http.Handler) error {
	s := &Server{Addr: addr, Handler: handler}
	return s.ListenAndServeTLS(certFile, keyFile)
}

// ListenAndServeTLS listens on s.Addr and serves. When certFile and keyFile
// are not empty, the certificate they hold is added to a copy of
// s.Config's certificates.
func (s *Server) ListenAndServeTLS(certFile, keyFile string) error {
	if s.shuttingDown.Load() {
		return http.ErrServerClosed
	}
	if certFile != "" || keyFile != "" {
		cert, err := hush.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return err
		}
		cfg := s.Config.Clone()
		if cfg == nil {
			cfg = &hush.Config{}
		}
		cfg.Certificates = append(append([]hush.Certificate(nil), cfg.Certificates...), cert)
		s.Config = cfg
	}
	addr := s.Addr
	if addr == "" {
		addr = ":https"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if testHookListening != nil {
		testHookListening(ln)
	}
	return s.Serve(ln)
}

// Serve accepts TCP connections on l, runs the hush handshake on each and
// serves HTTP/2 or HTTP/1.1 according to the negotiated ALPN protocol. l
// yields plain connections (a net.Listen listener, not a hush one). Serve
// always returns a non-nil error; after Shutdown or Close it is
// http.ErrServerClosed. Serve closes l when it returns.
func (s *Server) Serve(l net.Listener) error {
	if err := s.init(); err != nil {
		l.Close()
		return err
	}
	if !s.trackListener(l, true) {
		l.Close()
		return http.ErrServerClosed
	}
	defer s.trackListener(l, false)

	baseCtx := context.Background()
	if s.BaseContext != nil {
		if baseCtx = s.BaseContext(l); baseCtx == nil {
			panic("hushhttp: BaseContext returned a nil context")
		}
	}
	// HTTP/1.1 connections go to net/http through an in-memory listener.
	h1ln := newChanListener(l.Addr())
	h1done := make(chan error, 1)
	go func() { h1done <- s.h1.Serve(h1ln) }()

	var err error
	for {
		var raw net.Conn
		raw, err = l.Accept()
		if err != nil {
			break
		}
		conn := hush.Server(raw, s.config)
		if !s.trackConn(conn, true) {
			conn.Close()
			break
		}
		go s.serveConn(baseCtx, conn, h1ln)
	}
	l.Close()
	h1ln.Close()
	if s.shuttingDown.Load() {
		return http.ErrServerClosed
	}
	return err
}

// serveConn runs the handshake and hands the connection to the protocol it
// negotiated.
func (s *Server) serveConn(baseCtx context.Context, conn *hush.Conn, h1ln *chanListener) {
	defer s.trackConn(conn, false)
	ctx, cancel := context.WithTimeout(baseCtx, s.handshakeTimeout())
	err := conn.HandshakeContext(ctx)
	cancel()
	if err != nil {
		if !s.shuttingDown.Load() {
			s.logf("hushhttp: TLS handshake error from %s: %v", conn.RemoteAddr(), err)
		}
		conn.Close()
		return
	}
	state := conn.ConnectionState()
	if state.NegotiatedProtocol != ProtoHTTP2 || s.DisableHTTP2 {
		if !h1ln.deliver(conn) {
			conn.Close()
		}
		return
	}
	if !http2Acceptable(&state) {
		// RFC 9113, Section 9.2.2: "A deployment of HTTP/2 over TLS 1.2
		// MUST NOT use any of the prohibited cipher suites"; static RSA
		// key exchange is one of them.
		s.logf("hushhttp: closing HTTP/2 connection from %s: %s is not allowed with HTTP/2", conn.RemoteAddr(), hush.CipherSuiteName(state.CipherSuite))
		conn.Close()
		return
	}
	if !s.markServing(conn) {
		conn.Close()
		return
	}
	s.h2.ServeConn(conn, &http2.ServeConnOpts{
		Context:    withState(baseCtx, &state),
		BaseConfig: s.h1,
		Handler:    s.Handler,
	})
	conn.Close()
}

// http2Acceptable reports whether a connection's TLS parameters meet
// HTTP/2's requirements (RFC 9113, Section 9.2): TLS 1.2 or later and no
// static-RSA key exchange (every suite hush has is an AEAD).
func http2Acceptable(state *hush.ConnectionState) bool {
	if state.Version >= hush.VersionTLS13 {
		return true
	}
	s, ok := suites.Lookup(state.CipherSuite)
	return ok && s.KeyExchange != suites.KeyExchangeRSA
}

func (s *Server) init() error {
	s.initOnce.Do(func() {
		cfg := s.Config.Clone()
		if cfg == nil {
			cfg = &hush.Config{}
		}
		if len(cfg.NextProtos) == 0 {
			if s.DisableHTTP2 {
				cfg.NextProtos = []string{ProtoHTTP11}
			} else {
				cfg.NextProtos = []string{ProtoHTTP2, ProtoHTTP11}
			}
		}
		s.config = cfg
		s.h1 = &http.Server{
			Handler:           s.Handler,
			ReadHeaderTimeout: s.ReadHeaderTimeout,
			ReadTimeout:       s.ReadTimeout,
			WriteTimeout:      s.WriteTimeout,
			IdleTimeout:       s.IdleTimeout,
			MaxHeaderBytes:    s.MaxHeaderBytes,
			ErrorLog:          s.ErrorLog,
			ConnContext: func(ctx context.Context, c net.Conn) context.Context {
				if hc, ok := c.(*hush.Conn); ok {
					state := hc.ConnectionState()
					return withState(ctx, &state)
				}
				return ctx
			},
		}
		s.h2 = s.HTTP2
		if s.h2 == nil {
			s.h2 = new(http2.Server)
		}
		// ConfigureServer ties the HTTP/2 connections to s.h1, so that
		// s.h1.Shutdown sends them GOAWAY.
		s.initErr = http2.ConfigureServer(s.h1, s.h2)
	})
	return s.initErr
}

func (s *Server) handshakeTimeout() time.Duration {
	switch {
	case s.config.HandshakeTimeout > 0:
		return s.config.HandshakeTimeout
	case s.ReadHeaderTimeout > 0:
		return s.ReadHeaderTimeout
	case s.ReadTimeout > 0:
		return s.ReadTimeout
	}
	return DefaultHandshakeTimeout
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// trackListener adds or removes l; adding fails once the server is
// shutting down.
func (s *Server) trackListener(l net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !add {
		delete(s.listeners, l)
		return true
	}
	if s.shuttingDown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[net.Listener]struct{})
	}
	s.listeners[l] = struct{}{}
	return true
}

// trackConn adds or removes a connection that is in its handshake or
// serving HTTP/2; adding fails once the server is shutting down.
func (s *Server) trackConn(c *hush.Conn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !add {
		delete(s.conns, c)
		s.connsDone.Done()
		return true
	}
	if s.shuttingDown.Load() {
		return false
	}
	if s.conns == nil {
		s.conns = make(map[*hush.Conn]bool)
	}
	s.conns[c] = false
	s.connsDone.Add(1)
	return true
}

// markServing records that conn is about to serve HTTP/2; it fails when
// the server started shutting down during the handshake.
func (s *Server) markServing(c *hush.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown.Load() {
		return false
	}
	s.conns[c] = true
	return true
}

// closeListeners marks the server as shutting down and closes its
// listeners.
func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shuttingDown.Store(true)
	for l := range s.listeners {
		l.Close()
	}
}

// closeConns closes the tracked connections; with handshakingOnly, only
// those that have not finished their handshake (HTTP/2 connections are
// then being shut down gracefully).
func (s *Server) closeConns(handshakingOnly bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c, serving := range s.conns {
		if handshakingOnly && serving {
			continue
		}
		c.Close()
	}
}

// Close closes the listeners and every connection at once, like
// http.Server.Close.
func (s *Server) Close() error {
	s.closeListeners()
	var err error
	if s.init() == nil {
		err = s.h1.Close()
	}
	s.closeConns(false)
	return err
}

// Shutdown stops the server gracefully, like http.Server.Shutdown: it
// closes the listeners, sends HTTP/2 connections a GOAWAY, and waits for
// active requests on both protocols to finish or for ctx to be done, in
// which case it closes what remains and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	s.closeConns(true)
	var err error
	if s.init() == nil {
		err = s.h1.Shutdown(ctx)
	}
	done := make(chan struct{})
	go func() {
		s.connsDone.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.closeConns(false)
		<-done
		if err == nil {
			err = ctx.Err()
		}
	}
	return err
}
