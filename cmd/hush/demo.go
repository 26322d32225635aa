package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/cpu"
	"github.com/hushtls/hush/suites"
)

var demoCommand = &command{
	Name:      "demo",
	UsageLine: "demo [-size n] [-tls12] [-rsa-kex] [-suite name] [-group name]",
	Short:     "run a handshake and a bulk transfer over loopback",
	Long: `
Demo shows hush at work in one process. It creates a fresh certificate
authority and a server certificate for "localhost" (ECDSA P-256) in
memory, starts a hush server on 127.0.0.1 and connects a hush client to
it that trusts only that CA. Both sides offer the ALPN protocols h2 and
http/1.1.

It prints the handshake flight by flight (each message, its size and its
direction, and which messages were encrypted), the negotiated version,
cipher suite, key exchange group, signature scheme and ALPN protocol,
whether this host has AES-GCM hardware and the default cipher-suite
order that follows from it. It then sends data from the client to the
server and prints the throughput.

The flags are:

	-size n
		The amount of data to send, such as 16MiB, 1GiB or 500MB.
		The default is 256MiB, sent in 256 KiB writes.
	-tls12
		Limit the client to TLS 1.2 (MaxVersion).
	-rsa-kex
		Use the TLS 1.2 static-RSA key exchange: both sides set
		EnableRSAKeyExchange, the client offers only
		TLS_RSA_WITH_AES_128_GCM_SHA256 and the server certificate is
		RSA-2048. It has no forward secrecy. Implies -tls12.
	-suite name
		Offer only this cipher suite, given by its IANA name
		(TLS_AES_256_GCM_SHA384; the TLS_ prefix may be left out) or
		number (0x1302). A TLS 1.2 suite implies -tls12; an ECDHE_RSA
		or RSA suite gives the server an RSA-2048 certificate.
	-group name
		Offer only this key exchange group: X25519, P-256, P-384 or
		X25519MLKEM768.

Demo exits with status 1 if anything fails, the handshake included, and
with status 2 on a usage error.
`,
	Run: runDemoCommand,
}

// demoOptions are the demo's flags.
type demoOptions struct {
	size   byteSize
	tls12  bool
	rsaKex bool
	suite  string
	group  string
}

const (
	defaultDemoSize = 256 << 20
	// writeSize is the size of each client Write: large, so the
	// measurement is of the record layer rather than of call overhead.
	writeSize = 256 << 10
	// readSize is the server's read buffer.
	readSize = 256 << 10
)

func runDemoCommand(cmd *command, args []string, stdout, stderr io.Writer) int {
	opts := demoOptions{size: defaultDemoSize}
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&opts.size, "size", "")
	fs.BoolVar(&opts.tls12, "tls12", false, "")
	fs.BoolVar(&opts.rsaKex, "rsa-kex", false, "")
	fs.StringVar(&opts.suite, "suite", "", "")
	fs.StringVar(&opts.group, "group", "", "")
	shortUsage := func() {
		fmt.Fprintf(stderr, "usage: hush %s\nRun 'hush help %s' for details.\n", cmd.UsageLine, cmd.Name)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(stdout, cmd)
			return exitOK
		}
		fmt.Fprintf(stderr, "hush demo: %v\n", err)
		shortUsage()
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hush demo: unexpected argument %q\n", fs.Arg(0))
		shortUsage()
		return exitUsage
	}
	p, err := plan(opts)
	if err != nil {
		fmt.Fprintf(stderr, "hush demo: %v\n", err)
		return exitUsage
	}
	if err := runDemo(p, stdout); err != nil {
		fmt.Fprintf(stderr, "hush demo: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// demoPlan is what the options resolve to.
type demoPlan struct {
	maxVersion uint16         // 0: TLS 1.3
	suite      *suites.Suite  // nil: default list
	groups     []hush.CurveID // nil: default preferences
	rsaKex     bool           // EnableRSAKeyExchange on both sides
	rsaCert    bool           // RSA-2048 server certificate
	offer      string         // what the client offers, for the output
	protos     []string       // ALPN, both sides
	size       int64
}

// plan checks the options against each other and resolves them.
func plan(opts demoOptions) (*demoPlan, error) {
	p := &demoPlan{protos: []string{"h2", "http/1.1"}, size: int64(opts.size), rsaKex: opts.rsaKex}
	if opts.suite != "" {
		s, err := parseSuite(opts.suite)
		if err != nil {
			return nil, err
		}
		p.suite = s
	}
	if opts.rsaKex {
		if p.suite == nil {
			p.suite, _ = suites.Lookup(suites.TLS_RSA_WITH_AES_128_GCM_SHA256)
		} else if p.suite.KeyExchange != suites.KeyExchangeRSA {
			return nil, fmt.Errorf("-rsa-kex needs a static-RSA suite, not %s", p.suite.Name)
		}
	}
	if opts.group != "" {
		g, err := parseGroup(opts.group)
		if err != nil {
			return nil, err
		}
		p.groups = []hush.CurveID{g}
	}
	tls12 := opts.tls12 || opts.rsaKex
	if p.suite != nil {
		switch p.suite.Version {
		case hush.VersionTLS12:
			tls12 = true
		case hush.VersionTLS13:
			if tls12 {
				return nil, fmt.Errorf("%s is a TLS 1.3 suite; it cannot be used with -tls12 or -rsa-kex", p.suite.Name)
			}
		}
		kx := p.suite.KeyExchange
		p.rsaCert = kx == suites.KeyExchangeRSA || kx == suites.KeyExchangeECDHE_RSA
	}
	if tls12 {
		p.maxVersion = hush.VersionTLS12
	}

	var offer []string
	if tls12 {
		offer = append(offer, "TLS 1.2 only")
	} else {
		offer = append(offer, "TLS 1.3 and 1.2")
	}
	if p.suite != nil {
		offer = append(offer, "only "+p.suite.Name)
	} else {
		offer = append(offer, "default suites")
	}
	if p.groups != nil {
		offer = append(offer, "only "+p.groups[0].String())
	} else {
		offer = append(offer, "default groups")
	}
	if p.rsaKex {
		offer = append(offer, "static RSA enabled")
	}
	p.offer = strings.Join(offer, ", ")
	return p, nil
}

// serverResult is what the server goroutine reports.
type serverResult struct {
	received int64
	err      error
}

// serve accepts one connection, runs the handshake and counts the bytes
// it reads until the client's close_notify.
func serve(ln net.Listener) serverResult {
	c, err := ln.Accept()
	if err != nil {
		return serverResult{err: err}
	}
	defer c.Close()
	conn, ok := c.(*hush.Conn)
	if !ok {
		return serverResult{err: fmt.Errorf("hush.Listen accepted a %T, not a *hush.Conn", c)}
	}
	if err := conn.Handshake(); err != nil {
		return serverResult{err: err}
	}
	buf := make([]byte, readSize)
	var n int64
	for {
		k, err := conn.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return serverResult{received: n}
		}
		if err != nil {
			return serverResult{received: n, err: err}
		}
	}
}

// field prints one aligned "label  value" line.
func field(w io.Writer, label, format string, args ...any) {
	fmt.Fprintf(w, "  %-18s%s\n", label, fmt.Sprintf(format, args...))
}

// runDemo runs the demo that p describes, writing its report to w.
func runDemo(p *demoPlan, w io.Writer) error {
	pki, err := newDemoPKI(p.rsaCert)
	if err != nil {
		return fmt.Errorf("generating certificates: %w", err)
	}

	serverConfig := &hush.Config{
		Certificates:         []hush.Certificate{pki.Server},
		NextProtos:           p.protos,
		EnableRSAKeyExchange: p.rsaKex,
		HandshakeTimeout:     30 * time.Second,
	}
	ln, err := hush.Listen("tcp", "127.0.0.1:0", serverConfig)
	if err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	defer ln.Close()
	results := make(chan serverResult, 1)
	go func() { results <- serve(ln) }()

	trace := new(traceRecorder)
	clientConfig := &hush.Config{
		RootCAs:              pki.Roots,
		ServerName:           "localhost",
		NextProtos:           p.protos,
		MaxVersion:           p.maxVersion,
		CurvePreferences:     p.groups,
		EnableRSAKeyExchange: p.rsaKex,
		OnHandshakeMessage:   trace.record,
	}
	if p.suite != nil {
		clientConfig.CipherSuites = []uint16{p.suite.ID}
	}

	fmt.Fprintln(w, "hush demo: a TLS handshake and a bulk transfer over loopback")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Setup")
	field(w, "Certificates", "fresh CA %q issued %q (%s), in memory", "hush demo CA", "localhost", pki.KeyType)
	field(w, "Server", "hush.Listen on %s, ALPN %s", ln.Addr(), strings.Join(p.protos, ", "))
	field(w, "Client", "hush.Dial, ServerName %q, RootCAs = the fresh CA", "localhost")
	field(w, "Client offers", "%s", p.offer)
	fmt.Fprintln(w)

	start := time.Now()
	conn, err := hush.Dial("tcp", ln.Addr().String(), clientConfig)
	handshakeTime := time.Since(start)
	if err != nil {
		_ = ln.Close() // unblocks Accept if the client never connected
		sr := <-results
		fmt.Fprintln(w, "Handshake (client's view, wire order): FAILED")
		printFlights(w, groupFlights(trace.messages(), 0), 0)
		if sr.err != nil {
			return fmt.Errorf("handshake failed: %w (server: %v)", err, sr.err)
		}
		return fmt.Errorf("handshake failed: %w", err)
	}
	defer conn.Close()
	cs := conn.ConnectionState()

	fmt.Fprintf(w, "Handshake (client's view, wire order), %s including the TCP connect\n", handshakeTime.Round(10*time.Microsecond))
	printFlights(w, groupFlights(trace.messages(), cs.Version), cs.Version)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Negotiated")
	field(w, "Version", "%s", hush.VersionName(cs.Version))
	field(w, "Cipher suite", "%s (0x%04x)", hush.CipherSuiteName(cs.CipherSuite), cs.CipherSuite)
	if cs.CurveID == 0 {
		field(w, "Key exchange", "RSA key transport (no forward secrecy)")
	} else {
		field(w, "Key exchange", "%s (0x%04x)", cs.CurveID, uint16(cs.CurveID))
	}
	field(w, "Signature scheme", "%s", signatureSchemeName(cs.SignatureScheme))
	if cs.NegotiatedProtocol == "" {
		field(w, "ALPN protocol", "none")
	} else {
		field(w, "ALPN protocol", "%s", cs.NegotiatedProtocol)
	}
	field(w, "Server verified", "%s", verifiedChain(cs))
	fmt.Fprintln(w)

	printHardware(w)
	fmt.Fprintln(w)

	return transfer(w, conn, results, p.size)
}

// verifiedChain describes the chain the client verified.
func verifiedChain(cs hush.ConnectionState) string {
	if len(cs.VerifiedChains) == 0 || len(cs.VerifiedChains[0]) == 0 {
		return "no (verification did not run)"
	}
	var names []string
	for _, c := range cs.VerifiedChains[0] {
		names = append(names, fmt.Sprintf("%q", c.Subject.CommonName))
	}
	return "yes: " + strings.Join(names, " ← ")
}

// printHardware reports AES-GCM hardware and the default suite order.
func printHardware(w io.Writer) {
	fmt.Fprintln(w, "Hardware")
	hw := suites.HardwareAES()
	if hw {
		field(w, "AES-GCM hardware", "yes: %s", cpu.Describe())
	} else {
		field(w, "AES-GCM hardware", "no: %s", cpu.Describe())
	}
	for i, id := range suites.DefaultOrder() {
		label := ""
		if i == 0 {
			label = "Default order"
		}
		field(w, label, "%2d. %s", i+1, suites.Name(id))
	}
	if hw {
		fmt.Fprintln(w, "  AES-GCM comes first: with AES and carry-less multiply in hardware it is the")
		fmt.Fprintln(w, "  fastest AEAD here, and constant-time.")
	} else {
		fmt.Fprintln(w, "  ChaCha20-Poly1305 comes first: without AES hardware it is faster than AES-GCM")
		fmt.Fprintln(w, "  and has no table-based timing side channels.")
	}
}

// transfer sends size bytes in writeSize writes, closes the write side,
// and waits until the server has counted them all.
func transfer(w io.Writer, conn *hush.Conn, results <-chan serverResult, size int64) error {
	buf := make([]byte, writeSize)
	start := time.Now()
	for sent := int64(0); sent < size; {
		k := min(size-sent, int64(len(buf)))
		if _, err := conn.Write(buf[:k]); err != nil {
			return fmt.Errorf("client write after %d bytes: %w", sent, err)
		}
		sent += k
	}
	if err := conn.CloseWrite(); err != nil {
		return fmt.Errorf("client CloseWrite: %w", err)
	}
	sr := <-results
	elapsed := time.Since(start)
	if sr.err != nil {
		return fmt.Errorf("server read after %d bytes: %w", sr.received, sr.err)
	}
	if sr.received != size {
		return fmt.Errorf("server received %d bytes, want %d", sr.received, size)
	}
	mbps := float64(size) / elapsed.Seconds() / 1e6
	fmt.Fprintln(w, "Transfer")
	field(w, "Sent", "%s client → server, in %s writes", byteSize(size), byteSize(writeSize))
	field(w, "Received", "%d bytes, counted by the server up to close_notify", sr.received)
	field(w, "Elapsed", "%s", elapsed.Round(10*time.Microsecond))
	field(w, "Throughput", "%.1f MB/s (%.2f Gbit/s)", mbps, mbps*8/1000)
	return nil
}
