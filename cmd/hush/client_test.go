package main

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/testutil"
)

// withStdin makes the client command read s as its standard input.
func withStdin(t *testing.T, s string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(s)
	t.Cleanup(func() { stdin = old })
}

// cryptoTLSEcho runs a crypto/tls echo server for chain and returns its
// address; each connection's state is sent on states.
func cryptoTLSEcho(t *testing.T, chain *testutil.Chain, config *tls.Config) (addr string, states <-chan tls.ConnectionState) {
	t.Helper()
	cert, err := tls.X509KeyPair(chain.CertPEM, chain.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	config.Certificates = []tls.Certificate{cert}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan tls.ConnectionState, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				tc := c.(*tls.Conn)
				if tc.Handshake() != nil {
					return
				}
				ch <- tc.ConnectionState()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String(), ch
}

func TestClientWithCryptoTLS(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	dir := t.TempDir()
	root := chain.RootFile(t, dir)
	addr, states := cryptoTLSEcho(t, chain, &tls.Config{NextProtos: []string{"echo", "h2"}})
	for _, tc := range []struct {
		name  string
		flags []string
		want  []string
	}{
		{"defaults", nil, []string{
			"Version           TLS 1.3\n",
			"ALPN protocol     none\n",
			`Verified          yes: "localhost" ← "hush test intermediate`,
		}},
		{"tls12", []string{"-tls12", "-suites", "ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "-groups", "P-256", "-alpn", "echo,h2"}, []string{
			"Version           TLS 1.2\n",
			"Cipher suite      TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (0xcca9)\n",
			"Key exchange      P-256 (0x0017)\n",
			"ALPN protocol     echo\n",
		}},
		{"tls13 suite and group", []string{"-tls13", "-suites", "0x1302", "-groups", "P-384,X25519", "-alpn", "h2"}, []string{
			"Cipher suite      TLS_AES_256_GCM_SHA384 (0x1302)\n",
			"Key exchange      P-384 (0x0018)\n",
			"ALPN protocol     h2\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withStdin(t, "ping\npong\n")
			args := append([]string{"client", "-cafile", root, "-servername", "localhost"}, tc.flags...)
			code, out, errs := runCmd(t, append(args, addr)...)
			if code != exitOK {
				t.Fatalf("hush %s: exit %d\nstderr:\n%s", strings.Join(args, " "), code, errs)
			}
			if out != "ping\npong\n" {
				t.Errorf("stdout %q, want the echo of stdin", out)
			}
			for _, w := range append(tc.want, "Certificate chain\n  0 s: ", "Negotiated\n", "Resumed           no\n") {
				if !strings.Contains(errs, w) {
					t.Errorf("report lacks %q:\n%s", w, errs)
				}
			}
			st := <-states
			t.Logf("crypto/tls server saw %x, suite %s\nreport:\n%s", st.Version, tls.CipherSuiteName(st.CipherSuite), errs)
		})
	}
}

func TestClientKeyLogAndQuiet(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	dir := t.TempDir()
	addr, _ := cryptoTLSEcho(t, chain, &tls.Config{})
	keyLog := filepath.Join(dir, "keys.log")
	withStdin(t, "")
	code, out, errs := runCmd(t, "client", "-quiet", "-cafile", chain.RootFile(t, dir), "-servername", "localhost", "-keylog", keyLog, addr)
	if code != exitOK || out != "" || errs != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and nothing printed", code, out, errs)
	}
	b, err := os.ReadFile(keyLog)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"CLIENT_HANDSHAKE_TRAFFIC_SECRET ", "SERVER_TRAFFIC_SECRET_0 "} {
		if !bytes.Contains(b, []byte(label)) {
			t.Errorf("key log lacks %s:\n%s", label, b)
		}
	}
}

func TestClientVerifies(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	other := testutil.NewChain(t, testutil.ECDSAP384)
	addr, _ := cryptoTLSEcho(t, chain, &tls.Config{})
	withStdin(t, "")
	code, _, errs := runCmd(t, "client", "-cafile", other.RootFile(t, t.TempDir()), "-servername", "localhost", addr)
	if code != exitFailure || !strings.Contains(errs, "hush client: connecting to") {
		t.Fatalf("untrusted server: exit %d, stderr %q; want 1 and the error", code, errs)
	}
	code, _, errs = runCmd(t, "client", "-insecure", "-handshake", addr)
	if code != exitOK || !strings.Contains(errs, "Verified          no: -insecure") {
		t.Fatalf("-insecure: exit %d, stderr %q", code, errs)
	}
}

// TestClientWithOpenSSL: the client against openssl s_server, over TLS 1.3
// and TLS 1.2, prints the negotiated parameters.
func TestClientWithOpenSSL(t *testing.T) {
	chain := testutil.NewChain(t, testutil.RSA2048)
	dir := t.TempDir()
	root := chain.RootFile(t, dir)
	for _, tc := range []struct {
		name        string
		serverFlags []string
		clientFlags []string
		want        []string
	}{
		{"TLS1.3", []string{"-tls1_3", "-groups", "X25519"}, nil, []string{
			"Version           TLS 1.3\n", "Key exchange      X25519 (0x001d)\n", "Signature scheme  rsa_pss_rsae_sha256 (0x0804)\n",
		}},
		{"TLS1.2", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"}, []string{"-tls12"}, []string{
			"Version           TLS 1.2\n", "Cipher suite      TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030)\n",
		}},
		{"ALPN", []string{"-alpn", "h2"}, []string{"-alpn", "http/1.1,h2"}, []string{
			"ALPN protocol     h2\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testutil.StartOpenSSLServer(t, append(chain.OpenSSLArgs(t, dir), tc.serverFlags...)...)
			withStdin(t, "")
			args := append([]string{"client", "-handshake", "-cafile", root, "-servername", "localhost"}, tc.clientFlags...)
			code, _, errs := runCmd(t, append(args, srv.Addr)...)
			srv.WaitForLine(t, "Supported groups:")
			srv.CloseStdin()
			srv.Wait()
			if code != exitOK {
				t.Fatalf("exit %d\n%s\nopenssl:\n%s", code, errs, srv.Output())
			}
			for _, w := range append(tc.want, "  1 s: ", `Verified          yes: "localhost" ← "hush test intermediate`) {
				if !strings.Contains(errs, w) {
					t.Errorf("report lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

func TestClientUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"client", "-h"}, exitOK, "usage: hush client"},
		{[]string{"help", "client"}, exitOK, "-keylog file"},
		{[]string{"client"}, exitUsage, "missing host:port"},
		{[]string{"client", "a:1", "b:2"}, exitUsage, `unexpected argument "b:2"`},
		{[]string{"client", "-nope", "a:1"}, exitUsage, "flag provided but not defined"},
		{[]string{"client", "localhost"}, exitUsage, "want host:port"},
		{[]string{"client", "-tls12", "-tls13", "a:1"}, exitUsage, "exclude each other"},
		{[]string{"client", "-tls12", "-suites", "AES_128_GCM_SHA256", "a:1"}, exitUsage, "is a TLS 1.3 suite"},
		{[]string{"client", "-groups", "P-999", "a:1"}, exitUsage, "unknown group"},
		{[]string{"client", "-cert", "x.pem", "a:1"}, exitUsage, "-cert and -key go together"},
		{[]string{"client", "-insecure", "-cafile", "x.pem", "a:1"}, exitUsage, "exclude each other"},
	} {
		code, out, errs := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("hush %s: exit %d, output %q; want exit %d and %q", strings.Join(tc.args, " "), code, out+errs, tc.code, tc.want)
		}
	}
}

// TestClientTruncation: a server that closes without close_notify makes
// the client fail, since the data may be truncated.
func TestClientTruncation(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cert, err := tls.X509KeyPair(chain.CertPEM, chain.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
		if tc.Handshake() == nil {
			io.WriteString(tc, "partial")
			// Read up to the client's close_notify and FIN, so that the
			// close below is a clean FIN rather than a reset.
			io.Copy(io.Discard, tc)
		}
		c.Close() // TCP close, no close_notify
	}()
	withStdin(t, "")
	code, out, errs := runCmd(t, "client", "-quiet", "-insecure", ln.Addr().String())
	if code != exitFailure || out != "partial" || !strings.Contains(errs, "without close_notify") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestClientReconnect: -reconnect resumes the first connection's session,
// with crypto/tls (TLS 1.3 and 1.2, piping) and openssl s_server
// (-handshake).
func TestClientReconnect(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	dir := t.TempDir()
	root := chain.RootFile(t, dir)
	addr, _ := cryptoTLSEcho(t, chain, &tls.Config{})
	for _, flags := range [][]string{nil, {"-tls12"}} {
		withStdin(t, "data\n")
		args := append([]string{"client", "-reconnect", "-cafile", root, "-servername", "localhost"}, flags...)
		code, out, errs := runCmd(t, append(args, addr)...)
		if code != exitOK || out != "data\n" {
			t.Fatalf("%v: exit %d, stdout %q\n%s", flags, code, out, errs)
		}
		first, second, ok := strings.Cut(errs, "Reconnecting to resume the session\n")
		if !ok || !strings.Contains(first, "Resumed           no\n") || !strings.Contains(second, "Resumed           yes\n") {
			t.Errorf("%v: report:\n%s", flags, errs)
		}
	}

	srv := testutil.StartOpenSSLServer(t, append(chain.OpenSSLArgs(t, dir), "-naccept", "2")...)
	withStdin(t, "")
	code, _, errs := runCmd(t, "client", "-handshake", "-reconnect", "-cafile", root, "-servername", "localhost", srv.Addr)
	srv.CloseStdin()
	srv.Wait()
	if code != exitOK {
		t.Fatalf("openssl: exit %d\n%s\nopenssl:\n%s", code, errs, srv.Output())
	}
	if _, second, _ := strings.Cut(errs, "Reconnecting"); !strings.Contains(second, "Resumed           yes\n") {
		t.Errorf("openssl s_server did not resume:\n%s", errs)
	}
}
