package testutil

import (
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
)

// The helpers are proved against crypto/tls, in both directions, for every
// suite and group hush implements, with 1 MiB of binary data each way.

// bulkSize is how many bytes each test sends each way.
const bulkSize = 1 << 20

type interopCase struct {
	name    string
	version uint16
	suite   uint16 // crypto/tls ID
	osName  string // OpenSSL's name for suite
	kind    KeyKind
}

func interopCases() []interopCase {
	cases := []interopCase{
		{"TLS13-AES128", tls.VersionTLS13, tls.TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", ECDSAP256},
		{"TLS13-AES256", tls.VersionTLS13, tls.TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384", ECDSAP256},
		{"TLS13-CHACHA20", tls.VersionTLS13, tls.TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256", ECDSAP256},
		{"TLS12-ECDSA-AES128", tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", ECDSAP256},
		{"TLS12-ECDSA-AES256", tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", ECDSAP256},
		{"TLS12-ECDSA-CHACHA20", tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", ECDSAP256},
	}
	// The certificate kinds, once each.
	cases = append(cases,
		interopCase{"TLS13-AES128-RSA", tls.VersionTLS13, tls.TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", RSA2048},
		interopCase{"TLS13-AES128-Ed25519", tls.VersionTLS13, tls.TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", Ed25519},
		interopCase{"TLS13-AES128-P384", tls.VersionTLS13, tls.TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", ECDSAP384},
		interopCase{"TLS12-RSA-AES128", tls.VersionTLS12, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256", RSA2048},
	)
	return cases
}

var interopGroups = []struct {
	id      tls.CurveID
	name    string // for -groups
	tempKey string // how s_client -brief prints it
}{
	{tls.X25519, "X25519", "Server Temp Key: X25519"},
	{tls.CurveP256, "P-256", "Server Temp Key: ECDH, prime256v1"},
	{tls.CurveP384, "P-384", "Server Temp Key: ECDH, secp384r1"},
}

// curvesFor returns the groups a client must offer to get group g with the
// certificate of case c. In TLS 1.2, OpenSSL (as client and as server)
// requires the curve of an ECDSA certificate to be among the client's
// supported_groups (RFC 8422, Section 5.1), so the certificate's curve is
// offered after g; the server's own group list still makes g the choice.
func curvesFor(c interopCase, g tls.CurveID) []tls.CurveID {
	curves := []tls.CurveID{g}
	if c.version == tls.VersionTLS12 {
		switch {
		case c.kind == ECDSAP256 && g != tls.CurveP256:
			curves = append(curves, tls.CurveP256)
		case c.kind == ECDSAP384 && g != tls.CurveP384:
			curves = append(curves, tls.CurveP384)
		}
	}
	return curves
}

// groupNames returns curves as an openssl -groups list.
func groupNames(curves []tls.CurveID) string {
	var names []string
	for _, c := range curves {
		for _, g := range interopGroups {
			if g.id == c {
				names = append(names, g.name)
			}
		}
	}
	return strings.Join(names, ":")
}

func versionFlag(v uint16) (flag, name string) {
	if v == tls.VersionTLS13 {
		return "-tls1_3", "TLSv1.3"
	}
	return "-tls1_2", "TLSv1.2"
}

func suiteFlag(c interopCase) string {
	if c.version == tls.VersionTLS13 {
		return "-ciphersuites"
	}
	return "-cipher"
}

func TestOpenSSLServerWithCryptoTLSClient(t *testing.T) {
	t.Logf("%s", OpenSSLVersion(t))
	for _, c := range interopCases() {
		for _, g := range interopGroups {
			t.Run(c.name+"/"+g.name, func(t *testing.T) {
				t.Parallel()
				chain := NewChain(t, c.kind)
				vflag, vname := versionFlag(c.version)
				s := StartOpenSSLServer(t, append(chain.OpenSSLArgs(t, t.TempDir()),
					vflag, suiteFlag(c), c.osName, "-groups", g.name)...)

				raw, err := net.Dial("tcp", s.Addr)
				if err != nil {
					t.Fatal(err)
				}
				conn := tls.Client(raw, &tls.Config{
					ServerName:       "localhost",
					RootCAs:          chain.RootPool,
					MinVersion:       c.version,
					MaxVersion:       c.version,
					CipherSuites:     []uint16{c.suite}, // TLS 1.2 only: s_server's flags pin 1.3
					CurvePreferences: curvesFor(c, g.id),
				})
				defer conn.Close()
				if err := conn.Handshake(); err != nil {
					t.Fatalf("handshake: %v; openssl's output:\n%s", err, s.Output())
				}
				st := conn.ConnectionState()
				if st.Version != c.version || st.CipherSuite != c.suite || st.CurveID != g.id {
					t.Fatalf("crypto/tls negotiated %x %x %v", st.Version, st.CipherSuite, st.CurveID)
				}
				// Wait for the summary before writing to stdin, which
				// would make s_server skip it.
				s.WaitForLine(t, "Supported groups:")
				if got, want := s.WaitForLine(t, "Protocol version:"), "Protocol version: "+vname; got != want {
					t.Errorf("got %q, want %q", got, want)
				}
				if got, want := s.WaitForLine(t, "Ciphersuite:"), "Ciphersuite: "+c.osName; got != want {
					t.Errorf("got %q, want %q", got, want)
				}

				ExchangeOpenSSL(t, conn, s.OpenSSLProcess, bulkSize)

				// close_notify ends s_server's one connection; it exits
				// and its stdout ends exactly after the data.
				if err := conn.Close(); err != nil {
					t.Fatal(err)
				}
				if err := s.Wait(); err != nil {
					t.Fatal(err)
				}
				if rest, _ := io.ReadAll(s.Stdout()); len(rest) != 0 {
					t.Fatalf("openssl printed %d bytes on stdout after the data: %q", len(rest), rest)
				}
			})
		}
	}
}

func TestOpenSSLClientWithCryptoTLSServer(t *testing.T) {
	for _, c := range interopCases() {
		for _, g := range interopGroups {
			t.Run(c.name+"/"+g.name, func(t *testing.T) {
				t.Parallel()
				chain := NewChain(t, c.kind)
				rootFile := chain.RootFile(t, t.TempDir())
				ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
					Certificates: []tls.Certificate{{
						Certificate: chain.Certificates,
						PrivateKey:  chain.Key,
					}},
					MinVersion:       c.version,
					MaxVersion:       c.version,
					CipherSuites:     []uint16{c.suite},
					CurvePreferences: []tls.CurveID{g.id},
				})
				if err != nil {
					t.Fatal(err)
				}
				defer ln.Close()

				vflag, vname := versionFlag(c.version)
				cl := StartOpenSSLClient(t, ln.Addr().String(), "-servername", "localhost",
					"-CAfile", rootFile, "-verify_return_error",
					vflag, suiteFlag(c), c.osName, "-groups", groupNames(curvesFor(c, g.id)))

				// The accept cannot hang: if s_client dies, the watchdog
				// has killed it, and the listener is closed below.
				accepted := make(chan net.Conn, 1)
				go func() {
					conn, err := ln.Accept()
					if err != nil {
						conn = nil
					}
					accepted <- conn
				}()
				var conn net.Conn
				select {
				case conn = <-accepted:
				case <-cl.Exited():
					ln.Close()
					t.Fatalf("s_client exited before connecting: %v", cl.Wait())
				}
				if conn == nil {
					t.Fatal("accept failed")
				}
				defer conn.Close()
				tc := conn.(*tls.Conn)
				if err := tc.Handshake(); err != nil {
					t.Fatalf("handshake: %v; openssl's output:\n%s", err, cl.Output())
				}
				st := tc.ConnectionState()
				if st.Version != c.version || st.CipherSuite != c.suite || st.CurveID != g.id {
					t.Fatalf("crypto/tls negotiated %x %x %v", st.Version, st.CipherSuite, st.CurveID)
				}

				ExchangeOpenSSL(t, conn, cl.OpenSSLProcess, bulkSize)

				cl.WaitForLine(t, "Server Temp Key:")
				out := cl.Output()
				for _, want := range []string{
					"CONNECTION ESTABLISHED",
					"Protocol version: " + vname,
					"Ciphersuite: " + c.osName,
					g.tempKey,
					"Verification: OK",
				} {
					if !strings.Contains(out, want) {
						t.Errorf("openssl's output lacks %q:\n%s", want, out)
					}
				}

				// s_client (-quiet, so -ign_eof) exits when the server
				// closes, with status 0 after close_notify.
				if err := conn.Close(); err != nil {
					t.Fatal(err)
				}
				if err := cl.Wait(); err != nil {
					t.Fatal(err)
				}
				if rest, _ := io.ReadAll(cl.Stdout()); len(rest) != 0 {
					t.Fatalf("openssl printed %d bytes on stdout after the data: %q", len(rest), rest)
				}
			})
		}
	}
}
