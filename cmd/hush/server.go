package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/hushhttp"
)

var serverCommand = &command{
	Name:      "server",
	UsageLine: "server [-addr host:port] [-cert file -key file] [-echo] [flags]",
	Short:     "run a TLS server: an HTTPS page or an echo service",
	Long: `
Server listens on -addr and answers TLS connections with hush until it is
interrupted.

By default it serves HTTPS: every request gets a short page that tells the
client what it negotiated, the protocol version, cipher suite, key
exchange group and ALPN protocol, and which HTTP version carries the
request. It offers HTTP/2 and HTTP/1.1 through ALPN (package hushhttp). With
-echo it sends back whatever each client sends instead, like
'openssl s_server -rev' without the reversing.

It logs every connection's negotiated parameters (with -echo) or every
request (HTTPS) to standard error.

For example:

	hush server -cert cert.pem -key key.pem -addr localhost:8443 &
	curl --cacert ca.pem https://localhost:8443/

The flags are:

	-addr host:port
		Listen on this address (default localhost:8443).
	-cert file, -key file
		Serve this PEM certificate chain (leaf first) and PEM private key.
		Without them, server makes a throwaway certificate for localhost,
		which clients can only accept without verification
		(hush client -insecure, curl -k).
	-echo
		Echo each connection's data back instead of serving HTTPS.
	-tls12
		Accept only TLS 1.2.
	-tls13
		Accept only TLS 1.3.
	-suites list
		Accept only these cipher suites, in this order of preference,
		applied strictly: a comma-separated list of IANA names
		(TLS_AES_128_GCM_SHA256; the TLS_ prefix may be left out) or
		numbers (0x1301).
	-groups list
		Accept only these key exchange groups, in this order of
		preference: X25519, P-256, P-384, X25519MLKEM768.
	-alpn list
		Offer these ALPN protocols, a comma-separated list (default
		h2,http/1.1 for HTTPS, none with -echo).
	-rsa-kex
		Allow the TLS 1.2 static-RSA key exchange (needs an RSA
		certificate). It has no forward secrecy.
	-keylog file
		Append every connection's secrets to file in the NSS key log
		format. Anyone with the file can read the traffic.

Server exits with status 0 when interrupted, 1 if it cannot listen or
load its certificate, and 2 on a usage error.
`,
	Run: runServerCommand,
}

// serverContext returns the context that stops the server; tests replace
// it.
var serverContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// serverOptions are the server's flags.
type serverOptions struct {
	tlsOptions
	addr              string
	certFile, keyFile string
	echo              bool
	rsaKex            bool
}

func runServerCommand(cmd *command, args []string, stdout, stderr io.Writer) int {
	var opts serverOptions
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&opts.addr, "addr", "localhost:8443", "")
	fs.StringVar(&opts.certFile, "cert", "", "")
	fs.StringVar(&opts.keyFile, "key", "", "")
	fs.BoolVar(&opts.echo, "echo", false, "")
	fs.BoolVar(&opts.tls12, "tls12", false, "")
	fs.BoolVar(&opts.tls13, "tls13", false, "")
	fs.StringVar(&opts.suites, "suites", "", "")
	fs.StringVar(&opts.groups, "groups", "", "")
	fs.StringVar(&opts.alpn, "alpn", "", "")
	fs.BoolVar(&opts.rsaKex, "rsa-kex", false, "")
	fs.StringVar(&opts.keyLog, "keylog", "", "")
	if code, ok := parseFlags(cmd, fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hush server: unexpected argument %q\n", fs.Arg(0))
		shortUsage(cmd, stderr)
		return exitUsage
	}
	if (opts.certFile == "") != (opts.keyFile == "") {
		fmt.Fprintln(stderr, "hush server: -cert and -key go together")
		shortUsage(cmd, stderr)
		return exitUsage
	}
	config := &hush.Config{EnableRSAKeyExchange: opts.rsaKex, HandshakeTimeout: 10 * time.Second}
	closeKeyLog, err := opts.tlsOptions.apply(config)
	if err != nil {
		fmt.Fprintf(stderr, "hush server: %v\n", err)
		return exitUsage
	}
	defer closeKeyLog()
	if err := loadServerCertificate(&opts, config, stderr); err != nil {
		fmt.Fprintf(stderr, "hush server: %v\n", err)
		return exitFailure
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		fmt.Fprintf(stderr, "hush server: %v\n", err)
		return exitFailure
	}
	ctx, stop := serverContext()
	defer stop()
	if config.KeyLogWriter != nil {
		fmt.Fprintf(stderr, "Writing TLS secrets to %s: anyone with this file can decrypt the traffic.\n", opts.keyLog)
	}
	log := &syncWriter{w: stderr}
	if opts.echo {
		fmt.Fprintf(log, "Echoing TLS on %s\n", ln.Addr())
		err = serveEcho(ctx, ln, config, log)
	} else {
		if config.NextProtos == nil {
			config.NextProtos = []string{hushhttp.ProtoHTTP2, hushhttp.ProtoHTTP11}
		}
		fmt.Fprintf(log, "Serving HTTPS on https://%s/ (ALPN %s)\n", ln.Addr(), strings.Join(config.NextProtos, ", "))
		err = serveHTTPS(ctx, ln, config, log)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hush server: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// loadServerCertificate loads -cert and -key, or makes a throwaway
// certificate for localhost.
func loadServerCertificate(o *serverOptions, config *hush.Config, stderr io.Writer) error {
	if o.certFile != "" {
		cert, err := hush.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return err
		}
		config.Certificates = []hush.Certificate{cert}
		return nil
	}
	pki, err := newDemoPKI(o.rsaKex)
	if err != nil {
		return fmt.Errorf("making a throwaway certificate: %w", err)
	}
	config.Certificates = []hush.Certificate{pki.Server}
	fmt.Fprintf(stderr, "No -cert and -key: serving a throwaway %s certificate for localhost that no client trusts\n(use hush client -insecure or curl -k).\n", pki.KeyType)
	return nil
}

// serveHTTPS serves the status page until ctx is done, then shuts down
// gracefully.
func serveHTTPS(ctx context.Context, ln net.Listener, config *hush.Config, log io.Writer) error {
	srv := &hushhttp.Server{
		Config:            config,
		Handler:           statusPage(log),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(log, "Shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	<-served
	return err
}

// statusPage answers every request with what its connection negotiated.
func statusPage(log io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs := hushhttp.ConnectionState(r.Context())
		if cs == nil {
			http.Error(w, "not a hush connection", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(log, "%s %s %s %s over %s, %s\n", r.RemoteAddr, r.Method, r.URL.RequestURI(), r.Proto,
			hush.VersionName(cs.Version), hush.CipherSuiteName(cs.CipherSuite))
		group := cs.CurveID.String()
		if cs.CurveID == 0 {
			group = "none"
		}
		rows := [][2]string{
			{"HTTP", r.Proto},
			{"TLS version", hush.VersionName(cs.Version)},
			{"Cipher suite", hush.CipherSuiteName(cs.CipherSuite)},
			{"Key exchange", group},
			{"ALPN protocol", cs.NegotiatedProtocol},
			{"Server name", cs.ServerName},
			{"Resumed", yesNo(cs.DidResume)},
		}
		if strings.Contains(r.Header.Get("Accept"), "text/html") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!doctype html>\n<title>hush</title>\n<h1>Hello from hush</h1>\n<table>\n")
			for _, row := range rows {
				fmt.Fprintf(w, "<tr><th>%s</th><td>%s</td></tr>\n", html.EscapeString(row[0]), html.EscapeString(row[1]))
			}
			io.WriteString(w, "</table>\n")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Hello from hush\n")
		for _, row := range rows {
			fmt.Fprintf(w, "%-14s %s\n", row[0]+":", row[1])
		}
	})
}

// serveEcho echoes every connection until ctx is done, then closes the
// listener and the connections.
func serveEcho(ctx context.Context, ln net.Listener, config *hush.Config, log io.Writer) error {
	var (
		mu    sync.Mutex
		conns = map[net.Conn]struct{}{}
		wg    sync.WaitGroup
	)
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	var err error
	for {
		var raw net.Conn
		raw, err = ln.Accept()
		if err != nil {
			break
		}
		conn := hush.Server(raw, config)
		mu.Lock()
		conns[conn] = struct{}{}
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				mu.Lock()
				delete(conns, conn)
				mu.Unlock()
				conn.Close()
			}()
			echo(conn, log)
		}()
	}
	close(stopped)
	wg.Wait()
	if ctx.Err() != nil {
		fmt.Fprintln(log, "Shutting down")
		return nil
	}
	return err
}

// echo runs the handshake, logs it and copies the data back.
func echo(conn *hush.Conn, log io.Writer) {
	peer := conn.RemoteAddr()
	if err := conn.Handshake(); err != nil {
		fmt.Fprintf(log, "%s: handshake failed: %v\n", peer, err)
		return
	}
	cs := conn.ConnectionState()
	alpn := cs.NegotiatedProtocol
	if alpn == "" {
		alpn = "none"
	}
	fmt.Fprintf(log, "%s: %s, %s, %s, ALPN %s, SNI %q\n", peer, hush.VersionName(cs.Version),
		hush.CipherSuiteName(cs.CipherSuite), cs.CurveID, alpn, cs.ServerName)
	n, err := io.Copy(conn, conn)
	switch {
	case err != nil && !errors.Is(err, net.ErrClosed):
		fmt.Fprintf(log, "%s: %v after echoing %d bytes\n", peer, err, n)
	default:
		fmt.Fprintf(log, "%s: closed after echoing %d bytes\n", peer, n)
	}
}

// syncWriter serialises the log lines of concurrent connections.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
