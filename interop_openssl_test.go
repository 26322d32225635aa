package hush_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// Interoperability with the openssl binary as a real external peer:
// `openssl s_server` against a hush client and `openssl s_client` against a
// hush server, on 127.0.0.1. docs/INTEROP.md lists the rows and what each
// one checks. Every row exchanges opensslBulk random bytes each way and
// checks the negotiated version, suite and group on the hush side and, from
// openssl's -brief summary or its -trace of the handshake, on the openssl
// side. The rows run in parallel: each has its own openssl process.

// opensslBulk is how many bytes each row sends each way.
const opensslBulk = 256 << 10

// osGroup is a key exchange group with its openssl names.
type osGroup struct {
	id      hush.CurveID
	flag    string // for -groups
	tempKey string // how s_client -brief names it in "Server Temp Key:"
}

var osGroups = []osGroup{
	{hush.X25519, "X25519", "Server Temp Key: X25519, 253 bits"},
	{hush.CurveP256, "P-256", "Server Temp Key: ECDH, prime256v1, 256 bits"},
	{hush.CurveP384, "P-384", "Server Temp Key: ECDH, secp384r1, 384 bits"},
}

func osGroupOf(id hush.CurveID) osGroup {
	for _, g := range osGroups {
		if g.id == id {
			return g
		}
	}
	panic(fmt.Sprintf("no openssl name for group %v", id))
}

// osSuite is a cipher suite with openssl's name for it.
type osSuite struct {
	id      uint16
	name    string           // OpenSSL's name, for -ciphersuites / -cipher and the summary
	version uint16           // hush.VersionTLS13 or hush.VersionTLS12
	kind    testutil.KeyKind // the server certificate the suite needs
}

var osSuites13 = []osSuite{
	{hush.TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", hush.VersionTLS13, testutil.ECDSAP256},
	{hush.TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384", hush.VersionTLS13, testutil.ECDSAP256},
	{hush.TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256", hush.VersionTLS13, testutil.ECDSAP256},
}

var osSuites12ECDHE = []osSuite{
	{hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", hush.VersionTLS12, testutil.ECDSAP256},
	{hush.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", hush.VersionTLS12, testutil.ECDSAP256},
	{hush.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", hush.VersionTLS12, testutil.ECDSAP256},
	{hush.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256", hush.VersionTLS12, testutil.RSA2048},
	{hush.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384", hush.VersionTLS12, testutil.RSA2048},
	{hush.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305", hush.VersionTLS12, testutil.RSA2048},
}

var osSuites12RSA = []osSuite{
	{hush.TLS_RSA_WITH_AES_128_GCM_SHA256, "AES128-GCM-SHA256", hush.VersionTLS12, testutil.RSA2048},
	{hush.TLS_RSA_WITH_AES_256_GCM_SHA384, "AES256-GCM-SHA384", hush.VersionTLS12, testutil.RSA2048},
}

// osVersionArgs returns openssl's flag pinning the version and the suite,
// and the version's name in the -brief summary.
func osVersionArgs(s osSuite) (args []string, name string) {
	if s.version == hush.VersionTLS13 {
		return []string{"-tls1_3", "-ciphersuites", s.name}, "TLSv1.3"
	}
	return []string{"-tls1_2", "-cipher", s.name}, "TLSv1.2"
}

// osCurves returns the groups a TLS 1.2 client must offer to get group g
// with a certificate of the given kind: OpenSSL, as client and as server,
// requires the curve of an ECDSA certificate to be among the client's
// supported_groups (RFC 8422, Section 5.1), so P-256 is added after g; the
// server's own group list still makes g the choice.
func osCurves(s osSuite, g hush.CurveID) []hush.CurveID {
	curves := []hush.CurveID{g}
	if s.version == hush.VersionTLS12 && s.kind == testutil.ECDSAP256 && g != hush.CurveP256 {
		curves = append(curves, hush.CurveP256)
	}
	return curves
}

func osGroupFlag(curves []hush.CurveID) string {
	var names []string
	for _, c := range curves {
		names = append(names, osGroupOf(c).flag)
	}
	return strings.Join(names, ":")
}

// osTrace returns the flags that make openssl write a -trace of the
// handshake messages to a file in dir, and that file's path. The file is
// complete once the process has exited.
func osTrace(t *testing.T, dir string) (args []string, path string) {
	path = filepath.Join(dir, "trace.txt")
	return []string{"-trace", "-msgfile", path}, path
}

func readTrace(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading openssl's trace: %v", err)
	}
	return string(b)
}

// The trace names the group of every key share ("NamedGroup: secp256r1
// (P-256) (23)") and of a TLS 1.2 ServerKeyExchange ("named_curve:
// ecdh_x25519 (29)"), with its IANA number last.
var traceGroup = regexp.MustCompile(`(?m)^\s*(?:NamedGroup|named_curve): .*\((\d+)\)\s*$`)

// tracedGroup returns the group of the last key share or ServerKeyExchange
// in an openssl trace: the one the handshake used (a HelloRetryRequest
// and a second ClientHello come before the final ServerHello).
func tracedGroup(trace string) (hush.CurveID, bool) {
	m := traceGroup.FindAllStringSubmatch(trace, -1)
	if len(m) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(m[len(m)-1][1])
	if err != nil {
		return 0, false
	}
	return hush.CurveID(n), true
}

// tracedALPN returns the protocol of the last ALPN extension in an openssl
// trace: the server's choice, which follows the client's offer. The
// protocol names are on the lines after the extension header.
func tracedALPN(trace string) string {
	const header = "extension_type=application_layer_protocol_negotiation"
	i := strings.LastIndex(trace, header)
	if i < 0 {
		return ""
	}
	rest := trace[i:]
	lines := strings.SplitN(rest, "\n", 3)
	if len(lines) < 2 {
		return ""
	}
	return strings.TrimSpace(lines[1])
}

// tracedClientHellos counts the ClientHellos in an openssl trace: two after
// a HelloRetryRequest (which the trace prints as a ServerHello).
func tracedClientHellos(trace string) int {
	return strings.Count(trace, "    ClientHello, Length=")
}

// osRun is the outcome of one connection between hush and openssl.
type osRun struct {
	state  hush.ConnectionState // hush's view
	output string               // openssl's stderr: the -brief summary
}

// dialHushClient connects a hush client with cfg to s and completes its
// handshake, with a deadline of testutil.Timeout; a failed handshake fails
// the test with openssl's output.
func dialHushClient(t *testing.T, s *testutil.OpenSSLServer, cfg *hush.Config) *hush.Conn {
	t.Helper()
	raw, err := net.DialTimeout("tcp", s.Addr, testutil.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	conn := hush.Client(raw, cfg)
	conn.SetDeadline(time.Now().Add(testutil.Timeout))
	if err := conn.Handshake(); err != nil {
		conn.Close()
		t.Fatalf("hush client handshake: %v; openssl's output:\n%s", err, s.Output())
	}
	return conn
}

// runHushClient connects a hush client with cfg to `openssl s_server
// args...`, exchanges data, closes, and returns both views. A failed
// handshake fails the test with openssl's output.
func runHushClient(t *testing.T, cfg *hush.Config, args ...string) osRun {
	t.Helper()
	s := testutil.StartOpenSSLServer(t, args...)
	conn := dialHushClient(t, s, cfg)
	defer conn.Close()
	// s_server prints its summary once its side of the handshake is done;
	// only then may its stdin be written (see StartOpenSSLServer).
	s.WaitForLine(t, "Ciphersuite:")
	testutil.ExchangeOpenSSL(t, conn, s.OpenSSLProcess, opensslBulk)
	st := conn.ConnectionState()
	// close_notify ends s_server's one connection: it exits, and its
	// stdout ends exactly after the data.
	if err := conn.Close(); err != nil {
		t.Fatalf("hush close: %v", err)
	}
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(s.Stdout()); len(rest) != 0 {
		t.Fatalf("s_server printed %d bytes on stdout after the data: %q", len(rest), rest)
	}
	return osRun{state: st, output: s.Output()}
}

// runHushServer runs a hush server with cfg for `openssl s_client args...`,
// exchanges data, closes, and returns both views.
func runHushServer(t *testing.T, cfg *hush.Config, args ...string) osRun {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cl := testutil.StartOpenSSLClient(t, ln.Addr().String(), args...)
	raw := testutil.AcceptOpenSSL(t, ln, cl.OpenSSLProcess)
	conn := hush.Server(raw, cfg)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(testutil.Timeout))
	if err := conn.Handshake(); err != nil {
		t.Fatalf("hush server handshake: %v; openssl's output:\n%s", err, cl.Output())
	}
	testutil.ExchangeOpenSSL(t, conn, cl.OpenSSLProcess, opensslBulk)
	st := conn.ConnectionState()
	// s_client (-quiet, so -ign_eof) exits when the server closes, with
	// status 0 after close_notify.
	if err := conn.Close(); err != nil {
		t.Fatalf("hush close: %v", err)
	}
	if err := cl.Wait(); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(cl.Stdout()); len(rest) != 0 {
		t.Fatalf("s_client printed %d bytes on stdout after the data: %q", len(rest), rest)
	}
	return osRun{state: st, output: cl.Output()}
}

// checkHush checks hush's view of a negotiation that needed no
// HelloRetryRequest. Rows that leave hush's groups at their default
// (X25519MLKEM768 first, with an X25519 share beside it) check here that
// openssl 3.0, which lacks the hybrid, takes the X25519 share at once.
func checkHush(t *testing.T, st hush.ConnectionState, version, suite uint16, group hush.CurveID) {
	t.Helper()
	if st.HelloRetryRequest {
		t.Errorf("hush went through a HelloRetryRequest")
	}
	if st.Version != version || st.CipherSuite != suite || st.CurveID != group {
		t.Errorf("hush negotiated %s %s %v, want %s %s %v",
			hush.VersionName(st.Version), hush.CipherSuiteName(st.CipherSuite), st.CurveID,
			hush.VersionName(version), hush.CipherSuiteName(suite), group)
	}
}

// checkOutput checks that openssl's output has each of the lines want.
func checkOutput(t *testing.T, output string, want ...string) {
	t.Helper()
	lines := strings.Split(strings.ReplaceAll(output, "\r", ""), "\n")
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("openssl's output lacks the line %q:\n%s", w, output)
		}
	}
}

// checkTracedGroup checks the group in openssl's trace.
func checkTracedGroup(t *testing.T, trace string, want hush.CurveID) {
	t.Helper()
	if got, ok := tracedGroup(trace); !ok || got != want {
		t.Errorf("openssl's trace shows group %v (found: %v), want %v", got, ok, want)
	}
}

// osSuiteRow is one suite × group row of the matrix.
type osSuiteRow struct {
	suite osSuite
	group hush.CurveID // 0 for static RSA
	kind  testutil.KeyKind
}

func (r osSuiteRow) name() string {
	n := r.suite.name
	if r.group != 0 {
		n += "/" + r.group.String()
	}
	if r.kind != r.suite.kind {
		n += "/" + r.kind.String()
	}
	return n
}

// osMatrix returns the suite rows: TLS 1.3 every suite × group with an
// ECDSA P-256 certificate, and one suite with RSA-2048 and Ed25519
// certificates; TLS 1.2 every ECDHE suite × group and both static-RSA
// suites.
func osMatrix() []osSuiteRow {
	var rows []osSuiteRow
	for _, s := range osSuites13 {
		for _, g := range osGroups {
			rows = append(rows, osSuiteRow{s, g.id, s.kind})
		}
	}
	for _, k := range []testutil.KeyKind{testutil.RSA2048, testutil.Ed25519} {
		rows = append(rows, osSuiteRow{osSuites13[0], hush.X25519, k})
	}
	for _, s := range osSuites12ECDHE {
		for _, g := range osGroups {
			rows = append(rows, osSuiteRow{s, g.id, s.kind})
		}
	}
	for _, s := range osSuites12RSA {
		rows = append(rows, osSuiteRow{s, 0, s.kind})
	}
	return rows
}

// TestInteropOpenSSLServer runs a hush client against `openssl s_server`
// for every row of the suite matrix.
func TestInteropOpenSSLServer(t *testing.T) {
	t.Logf("%s", testutil.OpenSSLVersion(t))
	for _, r := range osMatrix() {
		t.Run(r.name(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			chain := testutil.NewChain(t, r.kind)
			vargs, vname := osVersionArgs(r.suite)
			targs, tracePath := osTrace(t, dir)
			args := append(chain.OpenSSLArgs(t, dir), vargs...)
			args = append(args, targs...)
			cfg := &hush.Config{
				ServerName: "localhost",
				RootCAs:    chain.RootPool,
				MinVersion: r.suite.version,
				MaxVersion: r.suite.version,
			}
			if r.group != 0 {
				args = append(args, "-groups", osGroupOf(r.group).flag)
				cfg.CurvePreferences = osCurves(r.suite, r.group)
			} else {
				cfg.EnableRSAKeyExchange = true
			}
			run := runHushClient(t, cfg, args...)
			checkHush(t, run.state, r.suite.version, r.suite.id, r.group)
			checkOutput(t, run.output, "Protocol version: "+vname, "Ciphersuite: "+r.suite.name)
			trace := readTrace(t, tracePath)
			if r.group != 0 {
				checkTracedGroup(t, trace, r.group)
			} else if g, ok := tracedGroup(trace); ok {
				t.Errorf("static RSA, yet openssl's trace shows a key exchange group %v", g)
			}
			if n := tracedClientHellos(trace); n != 1 {
				t.Errorf("openssl's trace shows %d ClientHellos, want 1", n)
			}
		})
	}
}

// TestInteropOpenSSLClient runs `openssl s_client` against a hush server
// for every row of the suite matrix. The first static-RSA row is exactly
// `openssl s_client -tls1_2 -cipher AES128-GCM-SHA256` (beyond -connect and
// the helper's -brief -quiet) against a server with EnableRSAKeyExchange.
func TestInteropOpenSSLClient(t *testing.T) {
	t.Logf("%s", testutil.OpenSSLVersion(t))
	for _, r := range osMatrix() {
		t.Run(r.name(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			chain := testutil.NewChain(t, r.kind)
			vargs, vname := osVersionArgs(r.suite)
			cfg := &hush.Config{
				Certificates: []hush.Certificate{hushCert(chain)},
				MinVersion:   r.suite.version,
				MaxVersion:   r.suite.version,
			}
			exact := r.group == 0 && r.suite.id == hush.TLS_RSA_WITH_AES_128_GCM_SHA256
			var args []string
			if !exact {
				args = []string{"-servername", "localhost", "-verify_hostname", "localhost",
					"-CAfile", chain.RootFile(t, dir), "-verify_return_error"}
			}
			args = append(args, vargs...)
			if r.group != 0 {
				args = append(args, "-groups", osGroupFlag(osCurves(r.suite, r.group)))
				cfg.CurvePreferences = []hush.CurveID{r.group}
			} else {
				cfg.EnableRSAKeyExchange = true
			}
			run := runHushServer(t, cfg, args...)
			checkHush(t, run.state, r.suite.version, r.suite.id, r.group)
			want := []string{"CONNECTION ESTABLISHED", "Protocol version: " + vname, "Ciphersuite: " + r.suite.name}
			if !exact {
				want = append(want, "Verification: OK")
			}
			if r.group != 0 {
				want = append(want, osGroupOf(r.group).tempKey)
			} else if strings.Contains(run.output, "Server Temp Key:") {
				t.Errorf("static RSA, yet s_client reports a temporary key:\n%s", run.output)
			}
			checkOutput(t, run.output, want...)
		})
	}
}

// TestInteropOpenSSLClientCertificates runs client authentication with
// openssl in both directions, in each version, with every client
// certificate type. The server certificate is ECDSA P-256.
func TestInteropOpenSSLClientCertificates(t *testing.T) {
	testutil.OpenSSLPath(t)
	versions := []osSuite{osSuites13[0], osSuites12ECDHE[0]}
	for _, s := range versions {
		vargs, vname := osVersionArgs(s)
		for _, kind := range certKinds {
			name := vname + "/" + kind.String()
			t.Run("hush-client/"+name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				serverChain := testutil.NewChain(t, testutil.ECDSAP256)
				clientChain := testutil.NewChain(t, kind, "client.example")
				args := append(serverChain.OpenSSLArgs(t, dir), vargs...)
				args = append(args, "-Verify", "2", "-CAfile", clientChain.RootFile(t, dir), "-verify_return_error")
				run := runHushClient(t, &hush.Config{
					ServerName:   "localhost",
					RootCAs:      serverChain.RootPool,
					MaxVersion:   s.version,
					Certificates: []hush.Certificate{hushCert(clientChain)},
				}, args...)
				checkHush(t, run.state, s.version, s.id, hush.X25519)
				checkOutput(t, run.output, "Protocol version: "+vname, "Ciphersuite: "+s.name,
					"Peer certificate: O = hush test, CN = client.example", "Verification: OK")
			})
			t.Run("hush-server/"+name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				serverChain := testutil.NewChain(t, testutil.ECDSAP256)
				clientChain := testutil.NewChain(t, kind, "client.example")
				args := append(clientChain.OpenSSLArgs(t, dir), "-servername", "localhost",
					"-CAfile", serverChain.RootFile(t, dir), "-verify_return_error")
				args = append(args, vargs...)
				run := runHushServer(t, &hush.Config{
					Certificates: []hush.Certificate{hushCert(serverChain)},
					MaxVersion:   s.version,
					ClientAuth:   hush.RequireAndVerifyClientCert,
					ClientCAs:    clientChain.RootPool,
				}, args...)
				checkHush(t, run.state, s.version, s.id, hush.X25519)
				if pc := run.state.PeerCertificates; len(pc) == 0 || !bytes.Equal(pc[0].Raw, clientChain.Leaf.Raw) {
					t.Error("hush server did not get the openssl client's certificate")
				}
				if len(run.state.VerifiedChains) == 0 {
					t.Error("hush server did not verify the openssl client's certificate")
				}
				checkOutput(t, run.output, "Protocol version: "+vname, "Ciphersuite: "+s.name, "Verification: OK")
			})
		}
	}
}

// TestInteropOpenSSLHelloRetryRequest makes the client's first key share
// (X25519) unacceptable to a server that takes only P-256, in both
// directions.
func TestInteropOpenSSLHelloRetryRequest(t *testing.T) {
	testutil.OpenSSLPath(t)
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	t.Run("hush-server", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		targs, tracePath := osTrace(t, dir)
		args := append([]string{"-servername", "localhost", "-CAfile", chain.RootFile(t, dir), "-verify_return_error",
			"-tls1_3", "-groups", "X25519:P-256"}, targs...)
		run := runHushServer(t, &hush.Config{
			Certificates:     []hush.Certificate{hushCert(chain)},
			CurvePreferences: []hush.CurveID{hush.CurveP256},
		}, args...)
		if !run.state.HelloRetryRequest || run.state.CurveID != hush.CurveP256 || run.state.Version != hush.VersionTLS13 {
			t.Errorf("hush server: %s HelloRetryRequest=%v group=%v, want TLS 1.3 with a retry to P-256",
				hush.VersionName(run.state.Version), run.state.HelloRetryRequest, run.state.CurveID)
		}
		checkOutput(t, run.output, "Protocol version: TLSv1.3", osGroupOf(hush.CurveP256).tempKey, "Verification: OK")
		trace := readTrace(t, tracePath)
		if n := tracedClientHellos(trace); n != 2 {
			t.Errorf("s_client's trace shows %d ClientHellos, want 2 (a HelloRetryRequest)", n)
		}
		// Before the first ServerHello (the HelloRetryRequest) the only key
		// share is X25519.
		first, _, _ := strings.Cut(trace, "    ServerHello, Length=")
		if g, ok := tracedGroup(first); !ok || g != hush.X25519 || strings.Count(first, "NamedGroup:") != 1 {
			t.Errorf("s_client's first ClientHello did not carry exactly an X25519 key share:\n%s", first)
		}
		checkTracedGroup(t, trace, hush.CurveP256)
	})
	t.Run("hush-client", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		targs, tracePath := osTrace(t, dir)
		args := append(chain.OpenSSLArgs(t, dir), "-tls1_3", "-groups", "P-256")
		args = append(args, targs...)
		run := runHushClient(t, &hush.Config{
			ServerName:       "localhost",
			RootCAs:          chain.RootPool,
			CurvePreferences: []hush.CurveID{hush.X25519, hush.CurveP256},
		}, args...)
		if !run.state.HelloRetryRequest || run.state.CurveID != hush.CurveP256 || run.state.Version != hush.VersionTLS13 {
			t.Errorf("hush client: %s HelloRetryRequest=%v group=%v, want TLS 1.3 with a retry to P-256",
				hush.VersionName(run.state.Version), run.state.HelloRetryRequest, run.state.CurveID)
		}
		trace := readTrace(t, tracePath)
		if n := tracedClientHellos(trace); n != 2 {
			t.Errorf("s_server's trace shows %d ClientHellos, want 2 (a HelloRetryRequest)", n)
		}
		checkTracedGroup(t, trace, hush.CurveP256)
	})
}

// TestInteropOpenSSLALPN negotiates ALPN with openssl in both directions
// and both versions (TLS 1.3 carries the answer in EncryptedExtensions,
// TLS 1.2 in the ServerHello). The server's preference wins.
func TestInteropOpenSSLALPN(t *testing.T) {
	testutil.OpenSSLPath(t)
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, s := range []osSuite{osSuites13[0], osSuites12ECDHE[0]} {
		vargs, vname := osVersionArgs(s)
		t.Run("hush-server/"+vname, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			targs, tracePath := osTrace(t, dir)
			args := append([]string{"-servername", "localhost", "-CAfile", chain.RootFile(t, dir), "-verify_return_error",
				"-alpn", "http/1.1,h2"}, vargs...)
			args = append(args, targs...)
			run := runHushServer(t, &hush.Config{
				Certificates: []hush.Certificate{hushCert(chain)},
				NextProtos:   []string{"h2", "http/1.1"},
			}, args...)
			checkHush(t, run.state, s.version, s.id, hush.X25519)
			if p := run.state.NegotiatedProtocol; p != "h2" {
				t.Errorf("hush server negotiated ALPN %q, want its preference h2", p)
			}
			if p := tracedALPN(readTrace(t, tracePath)); p != "h2" {
				t.Errorf("s_client's trace shows ALPN %q, want h2", p)
			}
			checkOutput(t, run.output, "Protocol version: "+vname)
		})
		t.Run("hush-client/"+vname, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			targs, tracePath := osTrace(t, dir)
			args := append(chain.OpenSSLArgs(t, dir), "-alpn", "http/1.1,spdy/3")
			args = append(args, vargs...)
			args = append(args, targs...)
			run := runHushClient(t, &hush.Config{
				ServerName: "localhost",
				RootCAs:    chain.RootPool,
				MaxVersion: s.version,
				NextProtos: []string{"h2", "http/1.1"},
			}, args...)
			checkHush(t, run.state, s.version, s.id, hush.X25519)
			if p := run.state.NegotiatedProtocol; p != "http/1.1" {
				t.Errorf("hush client negotiated ALPN %q, want http/1.1", p)
			}
			if p := tracedALPN(readTrace(t, tracePath)); p != "http/1.1" {
				t.Errorf("s_server's trace shows ALPN %q, want http/1.1", p)
			}
			checkOutput(t, run.output, "Protocol version: "+vname)
		})
	}
}
