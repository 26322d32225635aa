package main

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

func TestParseArgsPrefixes(t *testing.T) {
	ocsp := []byte{1, 2, 3}
	initial, resume, retry, err := parseArgs([]string{
		"-port", "1234", "-shim-id", "18446744073709551615", "-server",
		"-on-resume-expect-hrr",
		"-on-initial-expect-no-hrr",
		"-on-retry-expect-version", "772",
		"-on-handshaker-expect-curve-id", "29",
		"-on-shim-expect-cipher", "4865",
		"-ocsp-response", base64.StdEncoding.EncodeToString(ocsp),
		"-curves", "29", "-curves", "23",
		"-advertise-alpn", "\x03foo\x03bar",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*testConfig{initial, resume, retry} {
		if c.port != 1234 || c.shimID != 1<<64-1 || !c.server {
			t.Errorf("unprefixed flags not applied to every connection: %+v", c)
		}
		if !bytes.Equal(c.ocspResponse, ocsp) {
			t.Errorf("ocsp response %x, want %x", c.ocspResponse, ocsp)
		}
		if len(c.curves) != 2 || c.curves[0] != 29 || c.curves[1] != 23 {
			t.Errorf("curves %v, want [29 23]", c.curves)
		}
		if len(c.advertiseALPN) != 2 || c.advertiseALPN[0] != "foo" || c.advertiseALPN[1] != "bar" {
			t.Errorf("ALPN %q, want [foo bar]", c.advertiseALPN)
		}
		if c.expectCurveID != 0 {
			t.Error("-on-handshaker- flag applied to the shim")
		}
		if c.expectCipher != 4865 {
			t.Error("-on-shim- flag not applied")
		}
	}
	if initial.expectHRR || !resume.expectHRR || retry.expectHRR {
		t.Error("-on-resume- flag applied to the wrong connections")
	}
	if !initial.expectNoHRR || resume.expectNoHRR {
		t.Error("-on-initial- flag applied to the wrong connections")
	}
	if retry.expectVersion != 772 || initial.expectVersion != 0 {
		t.Error("-on-retry- flag applied to the wrong connections")
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args          []string
		unimplemented bool
	}{
		{[]string{"-no-such-flag"}, true},
		{[]string{"-on-resume-no-such-flag"}, true},
		{[]string{"-dtls"}, true},
		{[]string{"-expect-total-renegotiations", "1"}, true},
		{[]string{"-port"}, false},
		{[]string{"-port", "x"}, false},
		{[]string{"-ocsp-response", "!!"}, false},
		{[]string{"-advertise-alpn", "\x05ab"}, false},
	} {
		_, _, _, err := parseArgs(tc.args)
		if err == nil {
			t.Errorf("%q: no error", tc.args)
			continue
		}
		if got := errors.Is(err, errUnimplemented); got != tc.unimplemented {
			t.Errorf("%q: unimplemented = %v, want %v (%v)", tc.args, got, tc.unimplemented, err)
		}
	}
}

func TestExitCodes(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-is-handshaker-supported"}, &out, &errOut); code != exitOK || out.String() != "No\n" {
		t.Errorf("-is-handshaker-supported: exit %d, output %q", code, out.String())
	}
	for _, args := range [][]string{
		{"-port", "1", "-no-such-flag"},
		{"-port", "1", "-curves", "25497"},     // a draft Kyber group
		{"-port", "1", "-max-version", "770"},  // TLS 1.1
		{"-port", "1", "-cipher", "ALL:!3DES"}, // BoringSSL's rule language
		{"-port", "1", "-on-resume-no-such"},   // unknown on any connection
	} {
		errOut.Reset()
		if code := run(args, io.Discard, &errOut); code != exitUnimplemented {
			t.Errorf("%q: exit %d, want %d", args, code, exitUnimplemented)
		}
		if !strings.Contains(errOut.String(), "unimplemented") {
			t.Errorf("%q: stderr %q does not say unimplemented", args, errOut.String())
		}
	}
}

func TestParseCipherList(t *testing.T) {
	ids, err := parseCipherList("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0] != tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 || ids[1] != tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 {
		t.Errorf("ids %x", ids)
	}
}

func TestSCTListRoundTrip(t *testing.T) {
	list := [][]byte{{1, 2, 3}, {4}}
	got, err := parseSCTList(marshalSCTList(list))
	if err != nil || len(got) != 2 || !bytes.Equal(got[0], list[0]) || !bytes.Equal(got[1], list[1]) {
		t.Fatalf("round trip: %x, %v", got, err)
	}
	for _, bad := range [][]byte{nil, {0}, {0, 3, 0, 0}, {0, 2, 0, 1}} {
		if _, err := parseSCTList(bad); err == nil {
			t.Errorf("%x parsed", bad)
		}
	}
}

// runner plays BoGo's runner in-process: it listens, starts the shim with
// the port and ID, and checks that the shim introduces itself.
type runner struct {
	t      *testing.T
	ln     net.Listener
	id     uint64
	result chan int
	stderr bytes.Buffer
}

func startShim(t *testing.T, args ...string) *runner {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	r := &runner{t: t, ln: ln, id: 42, result: make(chan int, 1)}
	port := ln.Addr().(*net.TCPAddr).Port
	args = append([]string{"-port", strconv.Itoa(port), "-shim-id", strconv.FormatUint(r.id, 10)}, args...)
	go func() { r.result <- run(args, io.Discard, &r.stderr) }()
	return r
}

// accept takes the shim's next connection and reads its ID.
func (r *runner) accept() net.Conn {
	r.t.Helper()
	c, err := r.ln.Accept()
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	var id [8]byte
	if _, err := io.ReadFull(c, id[:]); err != nil {
		r.t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint64(id[:]); got != r.id {
		r.t.Fatalf("shim ID %d, want %d", got, r.id)
	}
	return c
}

// wait returns the shim's exit code.
func (r *runner) wait() int {
	r.t.Helper()
	select {
	case code := <-r.result:
		return code
	case <-time.After(30 * time.Second):
		r.t.Fatal("shim did not exit")
		return -1
	}
}

// echoRound sends msg and checks that the shim answers it XORed with 0xff.
func echoRound(t *testing.T, c io.ReadWriter, msg []byte) {
	t.Helper()
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i] != msg[i]^0xff {
			t.Fatalf("byte %d: %#x, want %#x", i, got[i], msg[i]^0xff)
		}
	}
}

func tlsCert(t *testing.T, chain *testutil.Chain) tls.Certificate {
	t.Helper()
	cert, err := tls.X509KeyPair(chain.CertPEM, chain.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestClientEcho(t *testing.T) {
	for _, async := range []bool{false, true} {
		for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			name := strconv.Itoa(int(version))
			if async {
				name += "-async"
			}
			t.Run(name, func(t *testing.T) { testClientEcho(t, version, async) })
		}
	}
}

func testClientEcho(t *testing.T, version uint16, async bool) {
	{
		{
			chain := testutil.NewChain(t, testutil.ECDSAP256)
			args := []string{
				"-expect-version", strconv.Itoa(int(version)),
				"-advertise-alpn", "\x03foo",
				"-expect-alpn", "foo",
				"-host-name", "example.com",
				"-shim-writes-first",
				"-expect-peer-cert-file", writeFile(t, chain.CertPEM),
				"-verify-peer",
			}
			if async {
				args = append(args, "-async")
			}
			r := startShim(t, args...)
			server := tls.Server(r.accept(), &tls.Config{
				Certificates: []tls.Certificate{tlsCert(t, chain)},
				MinVersion:   version,
				MaxVersion:   version,
				NextProtos:   []string{"foo"},
			})
			if err := server.Handshake(); err != nil {
				t.Fatal(err)
			}
			if got := server.ConnectionState().ServerName; got != "example.com" {
				t.Errorf("SNI %q", got)
			}
			hello := make([]byte, 5)
			if _, err := io.ReadFull(server, hello); err != nil || string(hello) != "hello" {
				t.Fatalf("first write %q, %v", hello, err)
			}
			echoRound(t, server, bytes.Repeat([]byte("0123456789"), 200)) // spans several 512-byte reads
			echoRound(t, server, []byte{0, 0xff, 7})
			server.Close()
			if code := r.wait(); code != exitOK {
				t.Fatalf("exit %d: %s", code, r.stderr.String())
			}
		}
	}
}

func TestServerEchoAndExporter(t *testing.T) {
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(strconv.Itoa(int(version)), func(t *testing.T) {
			chain := testutil.NewChain(t, testutil.RSA2048)
			clientChain := testutil.NewChain(t, testutil.ECDSAP256)
			r := startShim(t, "-server",
				"-cert-file", writeFile(t, chain.CertPEM),
				"-key-file", writeFile(t, chain.KeyPEM),
				"-require-any-client-certificate",
				"-expect-server-name", "example.com",
				"-select-alpn", "bar",
				"-expect-curve-id", strconv.Itoa(int(tls.CurveP256)),
				"-export-keying-material", "40",
				"-export-label", "EXPERIMENTAL-bogo",
				"-export-context", "ctx",
				"-use-export-context",
			)
			client := tls.Client(r.accept(), &tls.Config{
				InsecureSkipVerify: true,
				ServerName:         "example.com",
				MinVersion:         version,
				MaxVersion:         version,
				NextProtos:         []string{"foo", "bar"},
				CurvePreferences:   []tls.CurveID{tls.CurveP256},
				Certificates:       []tls.Certificate{tlsCert(t, clientChain)},
			})
			if err := client.Handshake(); err != nil {
				t.Fatal(err)
			}
			cs := client.ConnectionState()
			if cs.NegotiatedProtocol != "bar" {
				t.Errorf("ALPN %q", cs.NegotiatedProtocol)
			}
			want, err := cs.ExportKeyingMaterial("EXPERIMENTAL-bogo", []byte("ctx"), 40)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, 40)
			if _, err := io.ReadFull(client, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("exported %x, want %x", got, want)
			}
			echoRound(t, client, []byte("ping"))
			client.Close()
			if code := r.wait(); code != exitOK {
				t.Fatalf("exit %d: %s", code, r.stderr.String())
			}
		})
	}
}

func TestShimShutsDown(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	r := startShim(t, "-shim-shuts-down", "-check-close-notify")
	server := tls.Server(r.accept(), &tls.Config{Certificates: []tls.Certificate{tlsCert(t, chain)}})
	if _, err := server.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read %v, want the shim's close_notify", err)
	}
	server.Close() // answers with close_notify
	if code := r.wait(); code != exitOK {
		t.Fatalf("exit %d: %s", code, r.stderr.String())
	}
}

func TestExpectationMismatchFails(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	r := startShim(t, "-expect-version", strconv.Itoa(tls.VersionTLS12))
	server := tls.Server(r.accept(), &tls.Config{
		Certificates: []tls.Certificate{tlsCert(t, chain)},
		MinVersion:   tls.VersionTLS13,
	})
	_ = server.Handshake()
	server.Close()
	if code := r.wait(); code != exitFailure {
		t.Fatalf("exit %d, want %d", code, exitFailure)
	}
	if !strings.Contains(r.stderr.String(), "version") {
		t.Errorf("stderr %q does not name the mismatch", r.stderr.String())
	}
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "*.pem")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func TestCredentialFlags(t *testing.T) {
	c, _, _, err := parseArgs([]string{
		"-cert-file", "default.pem", "-key-file", "default.key",
		"-new-x509-credential", "-cert-file", "first.pem", "-ocsp-response", "AQI=",
		"-new-x509-credential", "-key-file", "second.key",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.certFile != "default.pem" || c.keyFile != "default.key" || c.ocspResponse != nil {
		t.Errorf("default credential %+v", c.credential)
	}
	if len(c.extra) != 2 || c.extra[0].certFile != "first.pem" || !bytes.Equal(c.extra[0].ocspResponse, []byte{1, 2}) || c.extra[1].keyFile != "second.key" {
		t.Errorf("added credentials %+v", c.extra)
	}
}

func TestSignatureSchemeFlags(t *testing.T) {
	c, _, _, err := parseArgs([]string{
		"-signing-prefs", "1027", "-signing-prefs", "2052",
		"-verify-prefs", "2055",
		"-new-x509-credential", "-signing-prefs", "1283",
		"-expect-peer-verify-pref", "1027",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.signingPrefs, []hush.SignatureScheme{hush.ECDSAWithP256AndSHA256, hush.PSSWithSHA256}) {
		t.Errorf("default credential signing prefs %v", c.signingPrefs)
	}
	if len(c.extra) != 1 || !slices.Equal(c.extra[0].signingPrefs, []hush.SignatureScheme{hush.ECDSAWithP384AndSHA384}) {
		t.Errorf("added credential %+v", c.extra)
	}
	if !slices.Equal(c.verifyPrefs, []hush.SignatureScheme{hush.Ed25519}) || !slices.Equal(c.expectPeerVerifyPrefs, []uint16{1027}) {
		t.Errorf("verify prefs %v, expected peer prefs %v", c.verifyPrefs, c.expectPeerVerifyPrefs)
	}
	// Callbacks a hush client does not have are refused, not faked.
	// (-fail-ocsp-callback on a client is a VerifyConnection choosing its
	// alert: TestClientFailingOCSPCallback.)
	for _, args := range [][]string{{"-reject-alpn"}} {
		c, _, _, err := parseArgs(args)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.validate(); !errors.Is(err, errUnimplemented) {
			t.Errorf("%q on a client: %v, want unimplemented", args, err)
		}
		c.server = true
		if err := c.validate(); err != nil {
			t.Errorf("%q on a server: %v", args, err)
		}
	}
}

func TestWriteTrafficSecrets(t *testing.T) {
	k := new(keyLogCapture)
	io.WriteString(k, "CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 0101\n")
	io.WriteString(k, "CLIENT_TRAFFIC_SECRET_0 00 aaaa\nSERVER_TRAFFIC_SECRET_0 00 bbbb\n")
	var out bytes.Buffer
	if err := writeTrafficSecrets(&out, k, false); err != nil {
		t.Fatal(err)
	}
	if want := []byte{2, 0, 0xbb, 0xbb, 0xaa, 0xaa}; !bytes.Equal(out.Bytes(), want) {
		t.Errorf("client wrote %x, want %x", out.Bytes(), want)
	}
	out.Reset()
	if err := writeTrafficSecrets(&out, k, true); err != nil {
		t.Fatal(err)
	}
	if want := []byte{2, 0, 0xaa, 0xaa, 0xbb, 0xbb}; !bytes.Equal(out.Bytes(), want) {
		t.Errorf("server wrote %x, want %x", out.Bytes(), want)
	}
	if err := writeTrafficSecrets(&out, new(keyLogCapture), false); err == nil {
		t.Error("no error with an empty key log")
	}
}

// TestAsyncConn checks that -async's transport moves one byte per call in
// both directions.
func TestAsyncConn(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	ac := asyncConn{a}
	msg := []byte("fragmented")
	errc := make(chan error, 1)
	go func() {
		n, err := ac.Write(msg)
		if err == nil && n != len(msg) {
			err = fmt.Errorf("wrote %d of %d", n, len(msg))
		}
		errc <- err
	}()
	buf := make([]byte, 64)
	var got []byte
	for len(got) < len(msg) {
		n, err := b.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("peer read %d bytes in one call, want 1", n)
		}
		got = append(got, buf[:n]...)
	}
	if err := <-errc; err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("got %q, %v", got, err)
	}
	go func() { _, err := b.Write(msg); errc <- err }()
	got = got[:0]
	for len(got) < len(msg) {
		n, err := ac.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("Read returned %d bytes, want 1", n)
		}
		got = append(got, buf[:n]...)
	}
	if err := <-errc; err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("got %q, %v", got, err)
	}
}

// TestClientCAList checks that -use-client-ca-list reaches the client as
// the CertificateRequest's certificate authorities, in order.
func TestClientCAList(t *testing.T) {
	names := [][]byte{
		testutil.NewChain(t, testutil.ECDSAP256).Leaf.RawSubject,
		testutil.NewChain(t, testutil.ECDSAP256).Leaf.RawSubject,
	}
	arg := hex.EncodeToString(names[0]) + "," + hex.EncodeToString(names[1])
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(strconv.Itoa(int(version)), func(t *testing.T) {
			chain := testutil.NewChain(t, testutil.ECDSAP256)
			r := startShim(t, "-server",
				"-cert-file", writeFile(t, chain.CertPEM),
				"-key-file", writeFile(t, chain.KeyPEM),
				"-require-any-client-certificate",
				"-use-client-ca-list", arg,
			)
			clientCert := tlsCert(t, testutil.NewChain(t, testutil.ECDSAP256))
			var got [][]byte
			client := tls.Client(r.accept(), &tls.Config{
				InsecureSkipVerify: true,
				MinVersion:         version,
				MaxVersion:         version,
				GetClientCertificate: func(info *tls.CertificateRequestInfo) (*tls.Certificate, error) {
					got = info.AcceptableCAs
					return &clientCert, nil
				},
			})
			if err := client.Handshake(); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || !bytes.Equal(got[0], names[0]) || !bytes.Equal(got[1], names[1]) {
				t.Errorf("certificate authorities %x, want %x", got, names)
			}
			echoRound(t, client, []byte("ping"))
			client.Close()
			if code := r.wait(); code != exitOK {
				t.Fatalf("exit %d: %s", code, r.stderr.String())
			}
		})
	}
	if names, err := parseCANames("<NULL>"); err != nil || names != nil {
		t.Errorf("<NULL>: %x, %v", names, err)
	}
	if _, err := parseCANames("zz"); err == nil {
		t.Error("bad hex accepted")
	}
}
