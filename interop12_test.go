package hush_test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
)

var ecdheSuites12 = []struct {
	id   uint16
	kind testutil.KeyKind
}{
	{hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, testutil.ECDSAP256},
	{hush.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, testutil.ECDSAP256},
	{hush.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, testutil.ECDSAP256},
	{hush.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, testutil.RSA2048},
	{hush.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, testutil.RSA2048},
	{hush.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, testutil.RSA2048},
}

var groups12 = []hush.CurveID{hush.X25519, hush.CurveP256, hush.CurveP384}

// TestInteropCryptoTLS12Matrix runs every TLS 1.2 ECDHE suite × group, with
// and without client certificates, against crypto/tls in both directions,
// 1 MiB each way.
func TestInteropCryptoTLS12Matrix(t *testing.T) {
	for _, s := range ecdheSuites12 {
		chain := testutil.NewChain(t, s.kind, "example.com")
		clientChain := testutil.NewChain(t, testutil.ECDSAP256, "client.example")
		for _, group := range groups12 {
			for _, mutual := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/clientcert=%v", hush.CipherSuiteName(s.id), group, mutual)
				t.Run("hush-client/"+name, func(t *testing.T) {
					cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: hush.VersionTLS12,
						CipherSuites: []uint16{s.id}, CurvePreferences: []hush.CurveID{group}}
					sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}, CurvePreferences: []tls.CurveID{tlsGroup(group)}}
					if mutual {
						cc.Certificates = []hush.Certificate{hushCert(clientChain)}
						sc.ClientAuth, sc.ClientCAs = tls.RequireAndVerifyClientCert, clientChain.RootPool
					}
					client, server, cerr, serr := pairHushClient(t, cc, sc)
					mustHandshake(t, cerr, serr)
					st := client.ConnectionState()
					if st.Version != hush.VersionTLS12 || st.CipherSuite != s.id || st.CurveID != group {
						t.Fatalf("negotiated %s %s %s", hush.VersionName(st.Version), hush.CipherSuiteName(st.CipherSuite), st.CurveID)
					}
					if mutual && len(server.ConnectionState().PeerCertificates) == 0 {
						t.Fatal("crypto/tls server got no client certificate")
					}
					exchange(t, client, server, 1<<20)
				})
				t.Run("hush-server/"+name, func(t *testing.T) {
					// The certificate's curve (P-256) must be among the
					// client's groups (RFC 8422, Section 5.1); the hush
					// server's own preference picks the ECDHE group.
					cc := &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: tls.VersionTLS12,
						CipherSuites: []uint16{s.id}, CurvePreferences: []tls.CurveID{tlsGroup(group), tls.CurveP256}}
					sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, CurvePreferences: []hush.CurveID{group}}
					if mutual {
						cc.Certificates = []tls.Certificate{tlsCert(clientChain)}
						sc.ClientAuth, sc.ClientCAs = hush.RequireAndVerifyClientCert, clientChain.RootPool
					}
					client, server, cerr, serr := pairHushServer(t, cc, sc)
					mustHandshake(t, cerr, serr)
					st := server.ConnectionState()
					if st.Version != hush.VersionTLS12 || st.CipherSuite != s.id || st.CurveID != group {
						t.Fatalf("negotiated %s %s %s", hush.VersionName(st.Version), hush.CipherSuiteName(st.CipherSuite), st.CurveID)
					}
					if mutual && len(st.VerifiedChains) == 0 {
						t.Fatal("hush server did not verify the client certificate")
					}
					exchange(t, client, server, 1<<20)
				})
			}
		}
	}
}

// TestInteropCryptoTLS12RSAKeyExchange runs the static-RSA suites against
// crypto/tls, which needs GODEBUG=tlsrsakex=1 for them: the test re-runs
// itself in a subprocess with that setting.
func TestInteropCryptoTLS12RSAKeyExchange(t *testing.T) {
	if os.Getenv("HUSH_TEST_RSAKEX") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInteropCryptoTLS12RSAKeyExchange$", "-test.v")
		cmd.Env = append(os.Environ(), "HUSH_TEST_RSAKEX=1", "GODEBUG=tlsrsakex=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestInteropCryptoTLS12RSAKeyExchange") {
			t.Fatalf("subprocess: %v\n%s", err, out)
		}
		return
	}
	chain := testutil.NewChain(t, testutil.RSA2048, "example.com")
	clientChain := testutil.NewChain(t, testutil.RSA2048, "client.example")
	for _, id := range []uint16{hush.TLS_RSA_WITH_AES_128_GCM_SHA256, hush.TLS_RSA_WITH_AES_256_GCM_SHA384} {
		for _, mutual := range []bool{false, true} {
			name := fmt.Sprintf("%s/clientcert=%v", hush.CipherSuiteName(id), mutual)
			t.Run("hush-client/"+name, func(t *testing.T) {
				cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: hush.VersionTLS12,
					CipherSuites: []uint16{id}, EnableRSAKeyExchange: true}
				sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}, CipherSuites: []uint16{id}}
				if mutual {
					cc.Certificates = []hush.Certificate{hushCert(clientChain)}
					sc.ClientAuth, sc.ClientCAs = tls.RequireAndVerifyClientCert, clientChain.RootPool
				}
				client, server, cerr, serr := pairHushClient(t, cc, sc)
				mustHandshake(t, cerr, serr)
				if st := client.ConnectionState(); st.CipherSuite != id || st.CurveID != 0 {
					t.Fatalf("negotiated %s group %v", hush.CipherSuiteName(st.CipherSuite), st.CurveID)
				}
				exchange(t, client, server, 1<<20)
			})
			t.Run("hush-server/"+name, func(t *testing.T) {
				cc := &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{id}}
				sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, EnableRSAKeyExchange: true}
				if mutual {
					cc.Certificates = []tls.Certificate{tlsCert(clientChain)}
					sc.ClientAuth, sc.ClientCAs = hush.RequireAndVerifyClientCert, clientChain.RootPool
				}
				client, server, cerr, serr := pairHushServer(t, cc, sc)
				mustHandshake(t, cerr, serr)
				if st := server.ConnectionState(); st.CipherSuite != id {
					t.Fatalf("negotiated %s", hush.CipherSuiteName(st.CipherSuite))
				}
				exchange(t, client, server, 1<<20)
			})
		}
	}
	t.Run("off-by-default", func(t *testing.T) {
		_, _, cerr, serr := pairHushServer(t,
			&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: tls.VersionTLS12,
				CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}},
			&hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
		var ae *hush.AlertError
		if !errors.As(serr, &ae) || ae.Alert != hush.AlertHandshakeFailure || cerr == nil {
			t.Fatalf("server %v, client %v: want handshake_failure without EnableRSAKeyExchange", serr, cerr)
		}
	})
}

func TestTLS12ExportKeyingMaterialAndKeyLog(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	var hushLog, tlsLog strings.Builder
	client, server, cerr, serr := pairHushClient(t,
		&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: hush.VersionTLS12, KeyLogWriter: &hushLog},
		&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}, KeyLogWriter: &tlsLog})
	mustHandshake(t, cerr, serr)
	if hushLog.String() != tlsLog.String() || !strings.HasPrefix(hushLog.String(), "CLIENT_RANDOM ") {
		t.Fatalf("key logs differ:\nhush: %s\ncrypto/tls: %s", hushLog.String(), tlsLog.String())
	}
	hs, ts := client.ConnectionState(), server.ConnectionState()
	for _, ctx := range [][]byte{nil, []byte("ctx")} {
		a, err := hs.ExportKeyingMaterial("EXPORTER-hush", ctx, 32)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ts.ExportKeyingMaterial("EXPORTER-hush", ctx, 32)
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Fatalf("TLS 1.2 exporter differs from crypto/tls (context %q)", ctx)
		}
	}
}

func TestVersionNegotiation(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cases := []struct {
		name                 string
		clientMin, clientMax uint16
		serverMin, serverMax uint16
		want                 uint16
	}{
		{"both-default", 0, 0, 0, 0, hush.VersionTLS13},
		{"client-max-12", 0, hush.VersionTLS12, 0, 0, hush.VersionTLS12},
		{"server-max-12", 0, 0, 0, hush.VersionTLS12, hush.VersionTLS12},
		{"client-min-13-server-max-12", hush.VersionTLS13, 0, 0, hush.VersionTLS12, 0},
		{"server-min-13-client-max-12", 0, hush.VersionTLS12, hush.VersionTLS13, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := testutil.TCPPipe(t)
			client := hush.Client(a, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MinVersion: tc.clientMin, MaxVersion: tc.clientMax})
			server := hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, MinVersion: tc.serverMin, MaxVersion: tc.serverMax})
			defer closeBoth(client, server)
			cerr, serr := handshakeBoth(client, server)
			if tc.want == 0 {
				var ae *hush.AlertError
				if !errors.As(serr, &ae) && !errors.As(cerr, &ae) || ae.Alert != hush.AlertProtocolVersion {
					t.Fatalf("client %v, server %v: want protocol_version", cerr, serr)
				}
				return
			}
			mustHandshake(t, cerr, serr)
			if v := client.ConnectionState().Version; v != tc.want {
				t.Fatalf("negotiated %s, want %s", hush.VersionName(v), hush.VersionName(tc.want))
			}
		})
	}
}

func TestFallbackSCSV(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	// A client retrying at TLS 1.2 after a failed TLS 1.3 attempt adds
	// TLS_FALLBACK_SCSV (RFC 7507); a 1.3-capable server must refuse.
	for _, withSCSV := range []bool{true, false} {
		suitesOffered := []uint16{hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
		if withSCSV {
			suitesOffered = append(suitesOffered, 0x5600)
		}
		ch := &wire.ClientHello{
			LegacyVersion: wire.VersionTLS12, Random: make([]byte, 32), CipherSuites: suitesOffered,
			LegacyCompressionMethods: []uint8{0}, SupportedGroups: []uint16{uint16(hush.X25519), uint16(hush.CurveP256)}, SupportedPoints: []uint8{0},
			SignatureAlgorithms: []uint16{0x0403}, ExtendedMasterSecret: true, SecureRenegotiationSupported: true,
		}
		a, b := testutil.TCPPipe(t)
		server := hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
		errc := make(chan error, 1)
		go func() { errc <- server.Handshake() }()
		msg := ch.Marshal()
		a.Write(append([]byte{22, 3, 1, byte(len(msg) >> 8), byte(len(msg))}, msg...))
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(a, hdr); err != nil {
			t.Fatal(err)
		}
		body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
		io.ReadFull(a, body)
		if withSCSV {
			if hdr[0] != 21 || body[1] != byte(hush.AlertInappropriateFallback) {
				t.Fatalf("got record type %d body %x, want an inappropriate_fallback alert", hdr[0], body)
			}
			var ae *hush.AlertError
			if err := <-errc; !errors.As(err, &ae) || ae.Alert != hush.AlertInappropriateFallback {
				t.Fatalf("server error %v", err)
			}
		} else if hdr[0] != 22 || body[0] != byte(wire.TypeServerHello) {
			t.Fatalf("without the SCSV the server must answer with a ServerHello, got record type %d", hdr[0])
		}
		a.Close()
		server.Close()
		if !withSCSV {
			<-errc
		}
	}
}
