package hush

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hushtls/hush/internal/testutil"
)

// The seed corpora of FuzzServerStream and FuzzClientStream are byte
// streams recorded from real peers: what a crypto/tls or openssl client
// sent to a hush server, and what a crypto/tls or openssl server sent to a
// hush client, over loopback TCP. The hush side of a recording runs with
// exactly the configuration, randomness and clock of the fuzz target
// (fuzzServerConfig, fuzzClientConfig, playServer, playClient), and the
// peer runs in another process (openssl, or this test binary as a
// crypto/tls peer), so that the hush side is the only consumer of the
// process's deterministic randomness. The recorded stream then replays in
// the fuzz target through the whole handshake, into application data and
// close_notify, and the fuzzer mutates from a real session rather than from
// a ClientHello alone.
//
// A recorded stream stays meaningful only while hush draws the same
// randomness in the same order: a change to the handshake (a new extension,
// another order of key generation) or to how the Go release uses its
// random source makes the replay diverge at the first record that depends
// on it, typically the peer's Finished. A diverged seed still exercises the
// parsers up to there, so it is harmless; regenerate the seeds to restore
// the full replay:
//
//	HUSH_REGEN_FUZZ_SEEDS=1 go test -run '^TestRegenerateFuzzSeeds$' -v .
//
// The test logs how far each regenerated seed replays.

// fuzzPeerEnv names the crypto/tls peer TestFuzzSeedPeer should play.
const (
	fuzzPeerEnv     = "HUSH_FUZZ_PEER"
	fuzzPeerOptsEnv = "HUSH_FUZZ_PEER_OPTS"
	fuzzPeerAddrEnv = "HUSH_FUZZ_PEER_ADDR"
)

// seedRecording is one recording: a peer against a hush endpoint.
type seedRecording struct {
	name string
	// peer: "cryptotls" or "openssl".
	peer string
	// opts for the crypto/tls peer (tls12, clientcert, hrr, alpn, resume,
	// rsa), or the openssl arguments.
	opts []string
	// wantResume: the second connection must resume (crypto/tls "resume").
	wantResume bool
}

// TestRegenerateFuzzSeeds rewrites testdata/fuzz/FuzzServerStream and
// testdata/fuzz/FuzzClientStream from fresh recordings. It runs only with
// HUSH_REGEN_FUZZ_SEEDS=1, and needs the openssl binary.
func TestRegenerateFuzzSeeds(t *testing.T) {
	switch os.Getenv("HUSH_REGEN_FUZZ_SEEDS") {
	case "1":
	case "check":
		checkFuzzSeeds(t)
		return
	default:
		t.Skip("set HUSH_REGEN_FUZZ_SEEDS=1 to re-record the fuzz seed corpora, =check to see whether they still replay")
	}
	dir := t.TempDir()
	ecChain := testutil.NewChain(t, testutil.ECDSAP256, "fuzz.example")
	rsaChain := testutil.NewChain(t, testutil.RSA2048, "fuzz.example")
	clientCert := ecChain.OpenSSLArgs(t, dir)
	ecServer := ecChain.OpenSSLArgs(t, dir)
	rsaServer := rsaChain.OpenSSLArgs(t, dir)
	join := func(parts ...[]string) []string { return slices.Concat(parts...) }

	clientStreams := []seedRecording{ // the peer is the client: seeds of FuzzServerStream
		{name: "cryptotls-tls13", peer: "cryptotls"},
		{name: "cryptotls-tls13-clientcert", peer: "cryptotls", opts: []string{"clientcert"}},
		{name: "cryptotls-tls13-hrr", peer: "cryptotls", opts: []string{"hrr"}},
		{name: "cryptotls-tls13-alpn", peer: "cryptotls", opts: []string{"alpn"}},
		{name: "cryptotls-tls13-resume", peer: "cryptotls", opts: []string{"resume"}, wantResume: true},
		{name: "cryptotls-tls12", peer: "cryptotls", opts: []string{"tls12"}},
		{name: "cryptotls-tls12-clientcert", peer: "cryptotls", opts: []string{"tls12", "clientcert"}},
		{name: "cryptotls-tls12-resume", peer: "cryptotls", opts: []string{"tls12", "resume"}, wantResume: true},
		{name: "openssl-tls13", peer: "openssl", opts: []string{"-tls1_3"}},
		{name: "openssl-tls13-chacha", peer: "openssl", opts: []string{"-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"}},
		{name: "openssl-tls13-hrr", peer: "openssl", opts: []string{"-tls1_3", "-groups", "P-521:P-256"}},
		{name: "openssl-tls13-clientcert", peer: "openssl", opts: join([]string{"-tls1_3"}, clientCert)},
		{name: "openssl-tls13-ecdsa", peer: "openssl", opts: []string{"-tls1_3", "-servername", "ecdsa.fuzz.example"}},
		{name: "openssl-tls12", peer: "openssl", opts: []string{"-tls1_2"}},
		{name: "openssl-tls12-clientcert", peer: "openssl", opts: join([]string{"-tls1_2"}, clientCert)},
		{name: "openssl-tls12-rsa-kex", peer: "openssl", opts: []string{"-tls1_2", "-cipher", "AES128-GCM-SHA256", "-servername", "rsa.fuzz.example"}},
		{name: "openssl-tls12-ecdhe-rsa", peer: "openssl", opts: []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384", "-servername", "rsa.fuzz.example"}},
	}
	serverStreams := []seedRecording{ // the peer is the server: seeds of FuzzClientStream
		{name: "cryptotls-tls13", peer: "cryptotls"},
		{name: "cryptotls-tls13-clientcert", peer: "cryptotls", opts: []string{"clientcert"}},
		{name: "cryptotls-tls13-hrr", peer: "cryptotls", opts: []string{"hrr"}},
		{name: "cryptotls-tls13-alpn", peer: "cryptotls", opts: []string{"alpn"}},
		{name: "cryptotls-tls12", peer: "cryptotls", opts: []string{"tls12"}},
		{name: "cryptotls-tls12-rsa", peer: "cryptotls", opts: []string{"tls12", "rsa"}},
		{name: "cryptotls-tls12-clientcert", peer: "cryptotls", opts: []string{"tls12", "clientcert"}},
		{name: "openssl-tls13", peer: "openssl", opts: join([]string{"-tls1_3"}, ecServer)},
		{name: "openssl-tls13-hrr", peer: "openssl", opts: join([]string{"-tls1_3", "-groups", "P-256"}, ecServer)},
		{name: "openssl-tls13-clientcert", peer: "openssl", opts: join([]string{"-tls1_3", "-Verify", "1", "-CAfile", ecChain.RootFile(t, dir)}, ecServer)},
		{name: "openssl-tls12", peer: "openssl", opts: join([]string{"-tls1_2"}, ecServer)},
		{name: "openssl-tls12-chacha", peer: "openssl", opts: join([]string{"-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"}, ecServer)},
		{name: "openssl-tls12-rsa-kex", peer: "openssl", opts: join([]string{"-tls1_2", "-cipher", "AES128-GCM-SHA256"}, rsaServer)},
	}

	var seeds []recordedSeed
	for _, r := range clientStreams {
		seeds = append(seeds, recordClientStreams(t, r)...)
	}
	for _, r := range serverStreams {
		seeds = append(seeds, recordServerStream(t, r))
	}
	for _, dir := range []string{"FuzzServerStream", "FuzzClientStream"} {
		path := filepath.Join("testdata", "fuzz", dir)
		if err := os.RemoveAll(path); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(path, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range seeds {
		target := "FuzzClientStream"
		if s.toServer {
			target = "FuzzServerStream"
		}
		file := filepath.Join("testdata", "fuzz", target, s.name)
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s.data)
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		// Replay it the way the fuzz target does.
		var res playResult
		if s.toServer {
			res = playServer(t, &scriptConn{r: bytes.NewReader(s.data)})
		} else {
			res = playClient(t, &scriptConn{r: bytes.NewReader(s.data)})
		}
		switch {
		case res.handshakeErr != nil:
			t.Errorf("%s: %d bytes; the replay diverges: handshake: %v", file, len(s.data), res.handshakeErr)
		case res.state.DidResume != s.resumed:
			t.Errorf("%s: the replay resumed %v, the recording %v", file, res.state.DidResume, s.resumed)
		case res.read != s.appData:
			t.Errorf("%s: the replay read %d bytes of application data, the recording %d", file, res.read, s.appData)
		default:
			t.Logf("%s: %d bytes; replays fully (%s, %s, resumed %v, %d bytes of application data)",
				file, len(s.data), versionName(res.state.Version), suiteName(res.state.CipherSuite), res.state.DidResume, res.read)
		}
	}
}

// checkFuzzSeeds replays the committed recordings and reports those whose
// handshake no longer completes: they need regenerating.
func checkFuzzSeeds(t *testing.T) {
	for _, target := range []string{"FuzzServerStream", "FuzzClientStream"} {
		files, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			data, err := readSeedFile(file)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			var res playResult
			if target == "FuzzServerStream" {
				res = playServer(t, &scriptConn{r: bytes.NewReader(data)})
			} else {
				res = playClient(t, &scriptConn{r: bytes.NewReader(data)})
			}
			if res.handshakeErr != nil || res.read == 0 {
				t.Errorf("%s: the replay diverges (handshake: %v, %d bytes of application data): regenerate the seeds", file, res.handshakeErr, res.read)
				continue
			}
			t.Logf("%s: replays fully (%s, %s, resumed %v)", file, versionName(res.state.Version), suiteName(res.state.CipherSuite), res.state.DidResume)
		}
	}
}

// readSeedFile reads a corpus file holding one []byte value.
func readSeedFile(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	rest, ok := strings.CutPrefix(string(b), "go test fuzz v1\n[]byte(")
	if !ok {
		return nil, fmt.Errorf("not a one-[]byte corpus file")
	}
	rest = strings.TrimSuffix(strings.TrimSpace(rest), ")")
	s, err := strconv.Unquote(rest)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

func versionName(v uint16) string {
	switch v {
	case VersionTLS12:
		return "TLS 1.2"
	case VersionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("version %#04x", v)
}

func suiteName(id uint16) string { return tls.CipherSuiteName(id) }

// recordedSeed is one recorded stream.
type recordedSeed struct {
	name     string
	toServer bool // a client's stream, for FuzzServerStream
	data     []byte
	resumed  bool
	appData  int
}

// teeConn keeps a copy of everything read from the network.
type teeConn struct {
	net.Conn
	mu  sync.Mutex
	got bytes.Buffer
}

func (c *teeConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	c.got.Write(b[:n])
	c.mu.Unlock()
	return n, err
}

func (c *teeConn) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.got.Bytes())
}

// recordClientStreams records what a client peer sends to a hush server
// running playServer: one seed, or two (the full and the resumed
// handshake) with "resume".
func recordClientStreams(t *testing.T, r seedRecording) []recordedSeed {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conns := 1
	var wait func()
	switch r.peer {
	case "cryptotls":
		if slices.Contains(r.opts, "resume") {
			conns = 2
		}
		cmd := fuzzPeerCommand(t, "client", r.opts, ln.Addr().String())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wait = func() {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("%s: crypto/tls peer: %v\n%s", r.name, err, stderr.String())
			}
		}
	case "openssl":
		args := append([]string{"-no_ign_eof", "-nocommands"}, r.opts...)
		p := testutil.StartOpenSSLClient(t, ln.Addr().String(), args...)
		go func() {
			_, _ = p.Stdin().Write(fuzzRequest)
			_ = p.CloseStdin()
		}()
		wait = func() { _ = p.Wait() }
	}
	var seeds []recordedSeed
	for i := range conns {
		raw, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		_ = raw.SetDeadline(time.Now().Add(testutil.Timeout))
		tee := &teeConn{Conn: raw}
		res := playServer(t, tee)
		if res.handshakeErr != nil {
			t.Fatalf("%s: hush server: %v", r.name, res.handshakeErr)
		}
		name := r.name
		if conns > 1 {
			name += []string{"-full", "-resumed"}[i]
		}
		if r.wantResume && i == 1 && !res.state.DidResume {
			t.Fatalf("%s: the second connection did not resume", r.name)
		}
		seeds = append(seeds, recordedSeed{name: name, toServer: true, data: tee.bytes(), resumed: res.state.DidResume, appData: res.read})
	}
	wait()
	return seeds
}

// recordServerStream records what a server peer sends to a hush client
// running playClient.
func recordServerStream(t *testing.T, r seedRecording) recordedSeed {
	t.Helper()
	var addr string
	var afterHandshake, wait func()
	switch r.peer {
	case "cryptotls":
		cmd := fuzzPeerCommand(t, "server", r.opts, "")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			t.Fatalf("%s: crypto/tls peer: %v\n%s", r.name, err, stderr.String())
		}
		addr = strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
		afterHandshake = func() {}
		wait = func() {
			_, _ = io.Copy(io.Discard, out)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("%s: crypto/tls peer: %v\n%s", r.name, err, stderr.String())
			}
		}
	case "openssl":
		s := testutil.StartOpenSSLServer(t, r.opts...)
		addr = s.Addr
		afterHandshake = func() {
			s.WaitForLine(t, "Supported groups:")
			_, _ = s.Stdin().Write(fuzzReply)
			_ = s.CloseStdin()
		}
		wait = func() { _ = s.Wait() }
	}
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = raw.SetDeadline(time.Now().Add(testutil.Timeout))
	tee := &teeConn{Conn: raw}
	done := make(chan playResult, 1)
	go func() { done <- playClient(t, tee) }()
	afterHandshake()
	res := <-done
	wait()
	if res.handshakeErr != nil {
		t.Fatalf("%s: hush client: %v", r.name, res.handshakeErr)
	}
	return recordedSeed{name: r.name, data: tee.bytes(), resumed: res.state.DidResume, appData: res.read}
}

// fuzzPeerCommand runs this test binary as a crypto/tls peer
// (TestFuzzSeedPeer) in its own process.
func fuzzPeerCommand(t *testing.T, role string, opts []string, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFuzzSeedPeer$", "-test.count=1")
	cmd.Env = append(os.Environ(), fuzzPeerEnv+"="+role, fuzzPeerOptsEnv+"="+strings.Join(opts, ","),
		fuzzPeerAddrEnv+"="+addr, "HUSH_REGEN_FUZZ_SEEDS=")
	return cmd
}

// TestFuzzSeedPeer is the crypto/tls peer of TestRegenerateFuzzSeeds, run
// in its own process; otherwise it is skipped. The client sends
// fuzzRequest, reads fuzzReply and closes (twice, with a session cache,
// for "resume"); the server reads fuzzRequest, answers fuzzReply and
// closes.
func TestFuzzSeedPeer(t *testing.T) {
	role := os.Getenv(fuzzPeerEnv)
	if role == "" {
		t.Skip("the crypto/tls peer of TestRegenerateFuzzSeeds, run in its own process")
	}
	opts := strings.Split(os.Getenv(fuzzPeerOptsEnv), ",")
	has := func(o string) bool { return slices.Contains(opts, o) }
	kind := testutil.ECDSAP256
	if has("rsa") {
		kind = testutil.RSA2048
	}
	chain := testutil.NewChain(t, kind, "fuzz.example")
	cert := tls.Certificate{Certificate: chain.Certificates, PrivateKey: chain.Key, Leaf: chain.Leaf}
	cfg := &tls.Config{InsecureSkipVerify: true, ServerName: "fuzz.example", MinVersion: tls.VersionTLS12}
	if has("tls12") {
		cfg.MaxVersion = tls.VersionTLS12
	}
	if has("alpn") {
		cfg.NextProtos = []string{"http/1.1"}
	}
	deadline := time.Now().Add(testutil.Timeout)
	switch role {
	case "server":
		cfg.Certificates = []tls.Certificate{cert}
		if has("clientcert") {
			cfg.ClientAuth = tls.RequireAnyClientCert
		}
		if has("hrr") {
			cfg.CurvePreferences = []tls.CurveID{tls.CurveP256}
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("ADDR %s\n", ln.Addr())
		raw, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		_ = raw.SetDeadline(deadline)
		c := tls.Server(raw, cfg)
		if _, err := io.ReadFull(c, make([]byte, len(fuzzRequest))); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(fuzzReply); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	case "client":
		if has("clientcert") {
			cfg.Certificates = []tls.Certificate{cert}
		}
		if has("hrr") {
			// A share for P-521 only, which hush does not offer by
			// default: the server asks for P-256.
			cfg.CurvePreferences = []tls.CurveID{tls.CurveP521, tls.CurveP256}
		}
		conns := 1
		if has("resume") {
			conns = 2
			cfg.ClientSessionCache = tls.NewLRUClientSessionCache(1)
		}
		for range conns {
			raw, err := net.Dial("tcp", os.Getenv(fuzzPeerAddrEnv))
			if err != nil {
				t.Fatal(err)
			}
			_ = raw.SetDeadline(deadline)
			c := tls.Client(raw, cfg)
			if _, err := c.Write(fuzzRequest); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(c, make([]byte, len(fuzzReply))); err != nil {
				t.Fatal(err)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
		}
	default:
		t.Fatalf("unknown role %q", role)
	}
}
