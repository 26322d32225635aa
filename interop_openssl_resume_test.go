package hush_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// Session resumption against the openssl binary, both directions: TLS 1.3
// tickets (PSK with psk_dhe_ke), TLS 1.2 tickets (RFC 5077) and TLS 1.2
// session IDs (RFC 5246, Section 7.4.1.2). A resumed connection must
// report DidResume on the hush side, openssl must report the reuse, and
// data must flow. docs/INTEROP.md and docs/RESUMPTION.md describe the rows.
//
// How openssl reports a resumption:
//
//   - s_client without -brief or -quiet prints "Reused, TLSv1.3, Cipher is
//     TLS_AES_128_GCM_SHA256" (or "New, ..." for a full handshake) on
//     stdout; -brief prints nothing about it, and -quiet silences stdout's
//     reports. Those reports share stdout with the application data, so the
//     bulk-data connections run s_client with -brief -quiet, and a further
//     connection without them reads the "Reused" line.
//   - s_server prints "Reused session-id" only on stdout without -quiet,
//     which -brief implies, and its data path needs -brief. Its -trace is
//     the report instead: the ServerHello it sent carries the pre_shared_key
//     extension ("extension_type=psk(41)") in TLS 1.3, and in TLS 1.2 it
//     echoes the client's session ID and is followed by no Certificate,
//     ServerKeyExchange or ClientKeyExchange. The same checks run on
//     s_client's traces.

// osResumeRow is one way of resuming.
type osResumeRow struct {
	name  string
	suite osSuite
	// sessionID: TLS 1.2 session-ID resumption, with tickets off on the
	// openssl side (-no_ticket) and, for a hush client, on the hush side
	// (SessionTicketsDisabled); a hush server gets a ServerSessionCache.
	sessionID bool
}

var osResumeRows = []osResumeRow{
	{"ticket/TLSv1.3", osSuites13[0], false},
	{"ticket/TLSv1.2", osSuites12ECDHE[0], false},
	{"session-id/TLSv1.2", osSuites12ECDHE[0], true},
}

// tracedHandshakes splits an openssl trace into its handshakes, each from
// a ClientHello to the next (no row here has a HelloRetryRequest).
func tracedHandshakes(trace string) []string {
	parts := strings.Split(trace, "    ClientHello, Length=")
	if len(parts) < 2 {
		return nil
	}
	return parts[1:]
}

var traceSessionID = regexp.MustCompile(`(?m)^\s*session_id \(len=(\d+)\): ?([0-9A-F]*)\s*$`)

// tracedSessionIDs returns the session_id of the ClientHello and of the
// ServerHello of one traced handshake.
func tracedSessionIDs(hs string) (client, server string) {
	m := traceSessionID.FindAllStringSubmatch(hs, 2)
	if len(m) > 0 {
		client = m[0][2]
	}
	if len(m) > 1 {
		server = m[1][2]
	}
	return client, server
}

// serverFlight returns the part of a traced handshake from the ServerHello
// on, and the ClientHello before it.
func serverFlight(hs string) (clientHello, rest string, ok bool) {
	i := strings.Index(hs, "    ServerHello, Length=")
	if i < 0 {
		return hs, "", false
	}
	return hs[:i], hs[i:], true
}

// checkTracedResumption checks one traced handshake: abbreviated (the
// server resumed) when resumed, a full handshake with the server's
// certificate otherwise.
func checkTracedResumption(t *testing.T, who string, hs string, version uint16, resumed bool) {
	t.Helper()
	ch, rest, ok := serverFlight(hs)
	if !ok {
		t.Errorf("%s's trace has no ServerHello:\n%s", who, hs)
		return
	}
	serverHello, _, _ := strings.Cut(rest[1:], "\nSent Record")
	serverHello, _, _ = strings.Cut(serverHello, "\nReceived Record")
	certificate := strings.Contains(rest, "    Certificate, Length=")
	var abbreviated bool
	var detail string
	if version == hush.VersionTLS13 {
		// RFC 8446, Section 4.2.11: the server accepts a PSK with a
		// pre_shared_key extension in its ServerHello, and authenticates
		// with it rather than a certificate.
		psk := strings.Contains(serverHello, "extension_type=psk(41)")
		abbreviated = psk && !certificate
		detail = fmt.Sprintf("pre_shared_key in ServerHello: %v, server Certificate: %v", psk, certificate)
		if resumed && !strings.Contains(ch, "extension_type=psk(41)") {
			t.Errorf("%s's trace: the ClientHello offered no PSK", who)
		}
	} else {
		// RFC 5246, Section 7.3: the abbreviated handshake echoes the
		// session ID and goes straight to ChangeCipherSpec.
		cid, sid := tracedSessionIDs(hs)
		kex := strings.Contains(rest, "    ServerKeyExchange, Length=") || strings.Contains(rest, "    ClientKeyExchange, Length=")
		abbreviated = cid != "" && cid == sid && !certificate && !kex
		detail = fmt.Sprintf("session_id client %q server %q, Certificate: %v, key exchange: %v", cid, sid, certificate, kex)
	}
	if abbreviated != resumed {
		t.Errorf("%s's trace: resumed=%v, want %v (%s)", who, abbreviated, resumed, detail)
	}
}

// tracedTicketExtension returns the length of the session_ticket extension
// of a traced ClientHello, or -1 without one.
func tracedTicketExtension(clientHello string) int {
	m := regexp.MustCompile(`extension_type=session_ticket\(35\), length=(\d+)`).FindStringSubmatch(clientHello)
	if m == nil {
		return -1
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// checkTracedTickets checks the session_ticket extensions (RFC 5077) of a
// TLS 1.2 resumption's two traced handshakes: an empty one and then the
// ticket in the ticket rows, none at all in the session-ID rows. For TLS
// 1.3 it checks nothing.
func checkTracedTickets(t *testing.T, who string, r osResumeRow, full, resumed string) {
	t.Helper()
	if r.suite.version != hush.VersionTLS12 {
		return
	}
	ch1, _, _ := serverFlight(full)
	ch2, _, _ := serverFlight(resumed)
	n1, n2 := tracedTicketExtension(ch1), tracedTicketExtension(ch2)
	switch {
	case r.sessionID && (n1 != -1 || n2 != -1):
		t.Errorf("%s's trace: session_ticket extensions of lengths %d and %d, want none (tickets are off)", who, n1, n2)
	case !r.sessionID && (n1 != 0 || n2 <= 0):
		t.Errorf("%s's trace: session_ticket extensions of lengths %d and %d, want an empty one then a ticket", who, n1, n2)
	}
	if r.sessionID {
		// The resumed ClientHello names the session the first ServerHello
		// gave.
		_, issued := tracedSessionIDs(full)
		offered, _ := tracedSessionIDs(resumed)
		if issued == "" || offered != issued {
			t.Errorf("%s's trace: the server issued session ID %q, the client offered %q", who, issued, offered)
		}
	}
}

func checkResumedState(t *testing.T, st hush.ConnectionState, r osResumeRow, resumed bool) {
	t.Helper()
	if st.DidResume != resumed {
		t.Errorf("hush: DidResume=%v, want %v", st.DidResume, resumed)
	}
	if st.Version != r.suite.version || st.CipherSuite != r.suite.id {
		t.Errorf("hush negotiated %s %s, want %s %s", hush.VersionName(st.Version), hush.CipherSuiteName(st.CipherSuite),
			hush.VersionName(r.suite.version), hush.CipherSuiteName(r.suite.id))
	}
	// TLS 1.3 resumption keeps a fresh (EC)DHE exchange (psk_dhe_ke).
	if r.suite.version == hush.VersionTLS13 && st.CurveID != hush.X25519 {
		t.Errorf("hush: group %v, want X25519 (psk_dhe_ke)", st.CurveID)
	}
}

// TestInteropOpenSSLResumeHushServer resumes `openssl s_client` sessions
// on a hush server: a first s_client saves its session with -sess_out, a
// second resumes it with -sess_in and exchanges data, a third (without
// -brief -quiet) reports "Reused".
func TestInteropOpenSSLResumeHushServer(t *testing.T) {
	testutil.OpenSSLPath(t)
	for _, r := range osResumeRows {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			chain := testutil.NewChain(t, r.suite.kind)
			vargs, vname := osVersionArgs(r.suite)
			cfg := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
			if r.sessionID {
				cfg.ServerSessionCache = hush.NewLRUServerSessionCache(16)
				vargs = append(vargs, "-no_ticket")
			}
			args := append([]string{"-servername", "localhost", "-verify_hostname", "localhost",
				"-CAfile", chain.RootFile(t, dir), "-verify_return_error"}, vargs...)
			sess := filepath.Join(dir, "session.pem")
			trace1, trace2 := filepath.Join(dir, "trace1.txt"), filepath.Join(dir, "trace2.txt")

			first := runHushServer(t, cfg, append(args, "-sess_out", sess, "-trace", "-msgfile", trace1)...)
			checkResumedState(t, first.state, r, false)
			checkOutput(t, first.output, "Protocol version: "+vname, "Ciphersuite: "+r.suite.name, "Verification: OK")
			if _, err := os.Stat(sess); err != nil {
				t.Fatalf("s_client saved no session: %v; its output:\n%s", err, first.output)
			}

			second := runHushServer(t, cfg, append(args, "-sess_in", sess, "-trace", "-msgfile", trace2)...)
			checkResumedState(t, second.state, r, true)
			want := []string{"Protocol version: " + vname, "Ciphersuite: " + r.suite.name, "Verification: OK"}
			if r.suite.version == hush.VersionTLS13 {
				want = append(want, osGroupOf(hush.X25519).tempKey)
			}
			checkOutput(t, second.output, want...)

			h1, h2 := tracedHandshakes(readTrace(t, trace1)), tracedHandshakes(readTrace(t, trace2))
			if len(h1) != 1 || len(h2) != 1 {
				t.Fatalf("s_client's traces show %d and %d handshakes, want 1 each", len(h1), len(h2))
			}
			checkTracedResumption(t, "s_client", h1[0], r.suite.version, false)
			checkTracedResumption(t, "s_client", h2[0], r.suite.version, true)
			checkTracedTickets(t, "s_client", r, h1[0], h2[0])

			st, out := runVerboseSClient(t, cfg, append(args, "-sess_in", sess)...)
			if !st.DidResume {
				t.Errorf("hush: the verbose s_client's connection did not resume")
			}
			checkOutput(t, out, "Reused, "+vname+", Cipher is "+r.suite.name)
		})
	}
}

// runVerboseSClient runs `openssl s_client -connect ADDR -ign_eof
// -nocommands ARGS...`, without -brief or -quiet so that it reports on
// stdout whether the session was "New" or "Reused", against a hush server
// with cfg. s_client sends "ping\n", the server answers "pong\n" and
// closes. It returns hush's view and s_client's stdout.
func runVerboseSClient(t *testing.T, cfg *hush.Config, args ...string) (hush.ConnectionState, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), testutil.Timeout)
	defer cancel()
	argv := append([]string{"s_client", "-connect", ln.Addr().String(), "-ign_eof", "-nocommands"}, args...)
	cmd := exec.CommandContext(ctx, testutil.OpenSSLPath(t), argv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader("ping\n"), &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	report := func() string {
		return fmt.Sprintf("openssl %s\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), stdout.String(), stderr.String())
	}

	ln.(*net.TCPListener).SetDeadline(time.Now().Add(testutil.Timeout))
	raw, err := ln.Accept()
	if err != nil {
		cancel()
		<-exited
		t.Fatalf("accept: %v; %s", err, report())
	}
	conn := hush.Server(raw, cfg)
	conn.SetDeadline(time.Now().Add(testutil.Timeout))
	err = conn.Handshake()
	var st hush.ConnectionState
	if err == nil {
		got := make([]byte, 5)
		if _, err = io.ReadFull(conn, got); err == nil && string(got) != "ping\n" {
			err = fmt.Errorf("hush read %q, want %q", got, "ping\n")
		}
		if err == nil {
			_, err = conn.Write([]byte("pong\n"))
		}
		st = conn.ConnectionState()
	}
	conn.Close()
	if werr := <-exited; err == nil && werr != nil {
		err = fmt.Errorf("s_client: %w", werr)
	}
	if err != nil {
		t.Fatalf("%v; %s", err, report())
	}
	out := stdout.String()
	if !strings.Contains(out, "\npong\n") {
		t.Errorf("s_client did not print the server's %q; %s", "pong", report())
	}
	return st, out
}

// TestInteropOpenSSLResumeHushClient resumes a hush client's session
// against `openssl s_server -naccept 2`: tickets live in one s_server
// process (its ticket keys are its own), and so does its session cache.
func TestInteropOpenSSLResumeHushClient(t *testing.T) {
	testutil.OpenSSLPath(t)
	for _, r := range osResumeRows {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			chain := testutil.NewChain(t, r.suite.kind)
			vargs, _ := osVersionArgs(r.suite)
			cfg := &hush.Config{
				ServerName:         "localhost",
				RootCAs:            chain.RootPool,
				ClientSessionCache: hush.NewLRUClientSessionCache(4),
			}
			if r.sessionID {
				cfg.SessionTicketsDisabled = true
				vargs = append(vargs, "-no_ticket")
			}
			targs, tracePath := osTrace(t, dir)
			args := append(chain.OpenSSLArgs(t, dir), vargs...)
			args = append(args, targs...)
			args = append(args, "-naccept", "2")
			s := testutil.StartOpenSSLServer(t, args...)

			for i := range 2 {
				conn := dialHushClient(t, s, cfg)
				exchangeInTurn(t, conn, s.OpenSSLProcess)
				st := conn.ConnectionState()
				if err := conn.Close(); err != nil {
					t.Fatalf("connection %d: hush close: %v", i, err)
				}
				checkResumedState(t, st, r, i == 1)
				if len(st.PeerCertificates) == 0 || !bytes.Equal(st.PeerCertificates[0].Raw, chain.Leaf.Raw) {
					t.Errorf("connection %d: hush client lacks the server's certificate", i)
				}
			}
			if err := s.Wait(); err != nil {
				t.Fatal(err)
			}
			if rest, _ := io.ReadAll(s.Stdout()); len(rest) != 0 {
				t.Fatalf("s_server printed %d bytes on stdout after the data", len(rest))
			}
			hs := tracedHandshakes(readTrace(t, tracePath))
			if len(hs) != 2 {
				t.Fatalf("s_server's trace shows %d handshakes, want 2", len(hs))
			}
			checkTracedResumption(t, "s_server", hs[0], r.suite.version, false)
			checkTracedResumption(t, "s_server", hs[1], r.suite.version, true)
			checkTracedTickets(t, "s_server", r, hs[0], hs[1])
		})
	}
}

// exchangeInTurn sends opensslBulk bytes from hush to s_server, then as
// many back. s_server serves two connections here, so its -brief summary
// cannot tell when the second handshake is done (and its stdin must not be
// written before: see testutil.StartOpenSSLServer); data from hush arriving
// on its stdout can, so the hush side goes first.
func exchangeInTurn(t *testing.T, conn *hush.Conn, p *testutil.OpenSSLProcess) {
	t.Helper()
	fromHush, fromOpenSSL := testutil.OpenSSLPayload(opensslBulk), testutil.OpenSSLPayload(opensslBulk)
	errc := make(chan error, 1)
	go func() {
		_, err := conn.Write(fromHush)
		errc <- err
	}()
	got := make([]byte, opensslBulk)
	if _, err := io.ReadFull(p.Stdout(), got); err != nil {
		t.Fatalf("reading s_server's stdout: %v; its output:\n%s", err, p.Output())
	}
	if !bytes.Equal(got, fromHush) {
		t.Fatal("s_server's stdout differs from the bytes hush sent")
	}
	if err := <-errc; err != nil {
		t.Fatalf("hush writing: %v", err)
	}
	go func() {
		_, err := p.Stdin().Write(fromOpenSSL)
		errc <- err
	}()
	if _, err := io.ReadFull(conn, got); err != nil {
		t.Fatalf("hush reading: %v; openssl's output:\n%s", err, p.Output())
	}
	if !bytes.Equal(got, fromOpenSSL) {
		t.Fatal(errors.New("hush received different bytes from those written to s_server's stdin"))
	}
	if err := <-errc; err != nil {
		t.Fatalf("writing s_server's stdin: %v", err)
	}
}
