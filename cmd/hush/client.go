package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/hushtls/hush"
)

var clientCommand = &command{
	Name:      "client",
	UsageLine: "client [-alpn list] [-cafile file | -insecure] [-handshake] [flags] host:port",
	Short:     "connect to a TLS server, like openssl s_client",
	Long: `
Client connects to the TLS server at host:port with hush, runs the
handshake and prints what was negotiated: the server's certificate chain
and whether it verified, the protocol version, cipher suite, key exchange
group, signature scheme, ALPN protocol and whether the session was resumed.

It then copies standard input to the connection and the connection to
standard output, like 'openssl s_client -quiet': the report goes to
standard error, so standard output carries only what the server sends.
When standard input ends, client sends close_notify and closes its side
of the connection, then goes on printing until the server closes its side.

For example, to fetch a page:

	printf 'GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n' |
		hush client -alpn http/1.1 example.com:443

The server is verified against the system roots, or the roots in -cafile,
for the name in -servername (by default the host in host:port).

The flags are:

	-tls12
		Offer only TLS 1.2.
	-tls13
		Offer only TLS 1.3.
	-suites list
		Offer only these cipher suites, in this order: a comma-separated
		list of IANA names (TLS_AES_128_GCM_SHA256; the TLS_ prefix may be
		left out) or numbers (0x1301).
	-groups list
		Offer only these key exchange groups, in this order: a
		comma-separated list of X25519, P-256, P-384, X25519MLKEM768.
	-alpn list
		Offer these ALPN protocols, a comma-separated list such as
		h2,http/1.1.
	-servername name
		Send and verify this server name instead of the host in host:port.
	-cafile file
		Verify the server against the PEM certificates in file instead of
		the system roots.
	-insecure
		Do not verify the server's certificate chain or name. For tests
		only: anyone on the path can read and change the traffic.
	-cert file, -key file
		Present this PEM certificate chain and key when the server asks
		for a client certificate.
	-keylog file
		Append the connection's secrets to file in the NSS key log format,
		so that a tool such as Wireshark can decrypt a capture. Anyone with
		the file can read the traffic.
	-handshake
		Exit after the handshake and the report, without reading standard
		input.
	-reconnect
		When the first connection ends, connect again offering to resume
		its session (a session ticket or, in TLS 1.2, a session ID), and
		report whether the server resumed it. The second connection only
		runs the handshake. With -handshake, the first connection waits up
		to half a second for the server's TLS 1.3 session tickets, which
		arrive after the handshake.
	-quiet
		Print no report, only errors.
	-timeout d
		Bound the TCP connect and the handshake by the duration d
		(default 10s).

Client exits with status 1 if the connection or the handshake fails or
the connection ends in an error (including a close without close_notify,
which may mean truncated data), and with status 2 on a usage error.
`,
	Run: runClientCommand,
}

// stdin is what the client command copies to the connection; tests replace
// it.
var stdin io.Reader = os.Stdin

// clientOptions are the client's flags.
type clientOptions struct {
	tls12, tls13      bool
	suites, groups    string
	alpn, serverName  string
	caFile            string
	insecure          bool
	certFile, keyFile string
	keyLog            string
	handshakeOnly     bool
	quiet             bool
	timeout           time.Duration
	addr              string
	reconnect         bool
}

func runClientCommand(cmd *command, args []string, stdout, stderr io.Writer) int {
	var opts clientOptions
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&opts.tls12, "tls12", false, "")
	fs.BoolVar(&opts.tls13, "tls13", false, "")
	fs.StringVar(&opts.suites, "suites", "", "")
	fs.StringVar(&opts.groups, "groups", "", "")
	fs.StringVar(&opts.alpn, "alpn", "", "")
	fs.StringVar(&opts.serverName, "servername", "", "")
	fs.StringVar(&opts.caFile, "cafile", "", "")
	fs.BoolVar(&opts.insecure, "insecure", false, "")
	fs.StringVar(&opts.certFile, "cert", "", "")
	fs.StringVar(&opts.keyFile, "key", "", "")
	fs.StringVar(&opts.keyLog, "keylog", "", "")
	fs.BoolVar(&opts.handshakeOnly, "handshake", false, "")
	fs.BoolVar(&opts.reconnect, "reconnect", false, "")
	fs.BoolVar(&opts.quiet, "quiet", false, "")
	fs.DurationVar(&opts.timeout, "timeout", 10*time.Second, "")
	if code, ok := parseFlags(cmd, fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		if fs.NArg() == 0 {
			fmt.Fprintf(stderr, "hush client: missing host:port\n")
		} else {
			fmt.Fprintf(stderr, "hush client: unexpected argument %q\n", fs.Arg(1))
		}
		shortUsage(cmd, stderr)
		return exitUsage
	}
	opts.addr = fs.Arg(0)
	config, closeKeyLog, err := clientConfig(&opts)
	if err != nil {
		fmt.Fprintf(stderr, "hush client: %v\n", err)
		return exitUsage
	}
	defer closeKeyLog()
	if err := runClient(&opts, config, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "hush client: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// parseFlags parses a command's flags; on failure (or -h) it prints what
// it must and returns the exit code with ok false.
func parseFlags(cmd *command, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(stdout, cmd)
			return exitOK, false
		}
		fmt.Fprintf(stderr, "hush %s: %v\n", cmd.Name, err)
		shortUsage(cmd, stderr)
		return exitUsage, false
	}
	return 0, true
}

func shortUsage(cmd *command, w io.Writer) {
	fmt.Fprintf(w, "usage: hush %s\nRun 'hush help %s' for details.\n", cmd.UsageLine, cmd.Name)
}

// tlsOptions are the settings the client and server commands share.
type tlsOptions struct {
	tls12, tls13   bool
	suites, groups string
	alpn           string
	keyLog         string
}

// apply sets them on config. The returned function closes the key log.
func (o tlsOptions) apply(config *hush.Config) (func(), error) {
	noop := func() {}
	if o.tls12 && o.tls13 {
		return noop, errors.New("-tls12 and -tls13 exclude each other")
	}
	if o.tls12 {
		config.MaxVersion = hush.VersionTLS12
	}
	if o.tls13 {
		config.MinVersion = hush.VersionTLS13
	}
	for _, name := range splitList(o.suites) {
		s, err := parseSuite(name)
		if err != nil {
			return noop, err
		}
		if o.tls12 && s.Version == hush.VersionTLS13 || o.tls13 && s.Version == hush.VersionTLS12 {
			return noop, fmt.Errorf("%s is a %s suite, but only %s is enabled", s.Name, hush.VersionName(s.Version), enabledVersion(o))
		}
		config.CipherSuites = append(config.CipherSuites, s.ID)
	}
	for _, name := range splitList(o.groups) {
		g, err := parseGroup(name)
		if err != nil {
			return noop, err
		}
		config.CurvePreferences = append(config.CurvePreferences, g)
	}
	config.NextProtos = splitList(o.alpn)
	if o.keyLog == "" {
		return noop, nil
	}
	f, err := os.OpenFile(o.keyLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return noop, err
	}
	config.KeyLogWriter = f
	return func() { f.Close() }, nil
}

func enabledVersion(o tlsOptions) string {
	if o.tls12 {
		return "TLS 1.2"
	}
	return "TLS 1.3"
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// clientConfig builds the hush configuration the options describe.
func clientConfig(o *clientOptions) (*hush.Config, func(), error) {
	noop := func() {}
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return nil, noop, fmt.Errorf("address %q: want host:port", o.addr)
	}
	config := &hush.Config{ServerName: o.serverName, InsecureSkipVerify: o.insecure}
	if config.ServerName == "" {
		config.ServerName = host
	}
	if o.caFile != "" {
		if o.insecure {
			return nil, noop, errors.New("-cafile and -insecure exclude each other")
		}
		pemBytes, err := os.ReadFile(o.caFile)
		if err != nil {
			return nil, noop, err
		}
		config.RootCAs = x509.NewCertPool()
		if !config.RootCAs.AppendCertsFromPEM(pemBytes) {
			return nil, noop, fmt.Errorf("no PEM certificate in %s", o.caFile)
		}
	}
	if (o.certFile == "") != (o.keyFile == "") {
		return nil, noop, errors.New("-cert and -key go together")
	}
	if o.certFile != "" {
		cert, err := hush.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return nil, noop, err
		}
		config.Certificates = []hush.Certificate{cert}
	}
	if o.reconnect {
		config.ClientSessionCache = hush.NewLRUClientSessionCache(8)
	}
	closeKeyLog, err := tlsOptions{o.tls12, o.tls13, o.suites, o.groups, o.alpn, o.keyLog}.apply(config)
	if err != nil {
		return nil, noop, err
	}
	return config, closeKeyLog, nil
}

// runClient connects, reports and pipes.
func runClient(o *clientOptions, config *hush.Config, stdout, stderr io.Writer) error {
	report := stderr
	if o.quiet {
		report = io.Discard
	}
	if config.KeyLogWriter != nil {
		fmt.Fprintf(report, "Writing TLS secrets to %s: anyone with this file can decrypt the traffic.\n", o.keyLog)
	}
	conn, err := connect(o, config, report)
	if err != nil {
		return err
	}
	if o.handshakeOnly {
		if o.reconnect {
			awaitTickets(conn)
		}
		conn.Close()
	} else {
		err = pipe(conn, stdin, stdout)
		conn.Close()
		if err != nil {
			return err
		}
	}
	if !o.reconnect {
		return nil
	}
	fmt.Fprintln(report)
	fmt.Fprintln(report, "Reconnecting to resume the session")
	conn, err = connect(o, config, report)
	if err != nil {
		return err
	}
	return conn.Close()
}

// connect dials, runs the handshake and prints the report.
func connect(o *clientOptions, config *hush.Config, report io.Writer) (*hush.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	d := &hush.Dialer{Config: config}
	nc, err := d.DialContext(ctx, "tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", o.addr, err)
	}
	conn := nc.(*hush.Conn)
	fmt.Fprintf(report, "Connected to %s (%s)\n", o.addr, conn.RemoteAddr())
	printClientReport(report, conn.ConnectionState(), config)
	return conn, nil
}

// ticketWait is how long -handshake -reconnect reads for TLS 1.3 session
// tickets, which the server sends after the handshake.
const ticketWait = 500 * time.Millisecond

// awaitTickets reads briefly so that session tickets sent after the
// handshake reach the session cache. Application data is discarded.
func awaitTickets(conn *hush.Conn) {
	if conn.ConnectionState().Version != hush.VersionTLS13 {
		return // TLS 1.2 tickets are part of the handshake
	}
	_ = conn.SetReadDeadline(time.Now().Add(ticketWait))
	_, _ = conn.Read(make([]byte, 1024))
}

// printClientReport prints the chain and the negotiated parameters.
func printClientReport(w io.Writer, cs hush.ConnectionState, config *hush.Config) {
	fmt.Fprintln(w, "Certificate chain")
	for i, cert := range cs.PeerCertificates {
		fmt.Fprintf(w, "  %d s: %s\n", i, cert.Subject)
		fmt.Fprintf(w, "    i: %s\n", cert.Issuer)
		fmt.Fprintf(w, "    %s, valid %s to %s\n", publicKeyName(cert.PublicKey),
			cert.NotBefore.UTC().Format(time.DateOnly), cert.NotAfter.UTC().Format(time.DateOnly))
	}
	switch {
	case config.InsecureSkipVerify:
		field(w, "Verified", "no: -insecure skipped verification")
	default:
		field(w, "Verified", "%s", verifiedChain(cs))
	}
	printNegotiated(w, cs)
}

// printNegotiated prints the parameters both commands report.
func printNegotiated(w io.Writer, cs hush.ConnectionState) {
	fmt.Fprintln(w, "Negotiated")
	field(w, "Version", "%s", hush.VersionName(cs.Version))
	field(w, "Cipher suite", "%s (0x%04x)", hush.CipherSuiteName(cs.CipherSuite), cs.CipherSuite)
	switch {
	case cs.CurveID != 0:
		hrr := ""
		if cs.HelloRetryRequest {
			hrr = ", after a HelloRetryRequest"
		}
		field(w, "Key exchange", "%s (0x%04x)%s", cs.CurveID, uint16(cs.CurveID), hrr)
	case cs.DidResume:
		field(w, "Key exchange", "none (resumed session)")
	default:
		field(w, "Key exchange", "RSA key transport (no forward secrecy)")
	}
	field(w, "Signature scheme", "%s", signatureSchemeName(cs.SignatureScheme))
	if cs.NegotiatedProtocol == "" {
		field(w, "ALPN protocol", "none")
	} else {
		field(w, "ALPN protocol", "%s", cs.NegotiatedProtocol)
	}
	if cs.ServerName != "" {
		field(w, "Server name", "%s", cs.ServerName)
	}
	field(w, "Resumed", "%s", yesNo(cs.DidResume))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func publicKeyName(pub any) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// pipe copies in to conn and conn to out. When in ends, it sends
// close_notify and half-closes; it returns when the server's side ends.
func pipe(conn *hush.Conn, in io.Reader, out io.Writer) error {
	go func() {
		if _, err := io.Copy(conn, in); err != nil {
			return
		}
		_ = conn.CloseWrite()
	}()
	_, err := io.Copy(out, conn)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the server closed the connection without close_notify: the data may be truncated")
	}
	return err
}
