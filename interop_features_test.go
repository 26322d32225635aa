package hush_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// pairHushClient connects a hush client to a crypto/tls server over TCP.
func pairHushClient(t *testing.T, cc *hush.Config, sc *tls.Config) (*hush.Conn, *tls.Conn, error, error) {
	t.Helper()
	a, b := testutil.TCPPipe(t)
	client, server := hush.Client(a, cc), tls.Server(b, sc)
	t.Cleanup(func() { closeBoth(client, server) })
	cerr, serr := handshakeBoth(client, server)
	return client, server, cerr, serr
}

// pairHushServer connects a crypto/tls client to a hush server over TCP.
func pairHushServer(t *testing.T, cc *tls.Config, sc *hush.Config) (*tls.Conn, *hush.Conn, error, error) {
	t.Helper()
	a, b := testutil.TCPPipe(t)
	client, server := tls.Client(a, cc), hush.Server(b, sc)
	t.Cleanup(func() { closeBoth(client, server) })
	cerr, serr := handshakeBoth(client, server)
	return client, server, cerr, serr
}

func mustHandshake(t *testing.T, cerr, serr error) {
	t.Helper()
	if cerr != nil || serr != nil {
		t.Fatalf("handshake: client %v, server %v", cerr, serr)
	}
}

func TestHelloRetryRequest(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	t.Run("hush-client", func(t *testing.T) {
		client, server, cerr, serr := pairHushClient(t,
			&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, CurvePreferences: []hush.CurveID{hush.X25519, hush.CurveP256}},
			&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}, CurvePreferences: []tls.CurveID{tls.CurveP256}})
		mustHandshake(t, cerr, serr)
		st := client.ConnectionState()
		if !st.HelloRetryRequest || st.CurveID != hush.CurveP256 {
			t.Fatalf("HelloRetryRequest=%v group=%v, want a retry to P-256", st.HelloRetryRequest, st.CurveID)
		}
		if !server.ConnectionState().HelloRetryRequest {
			t.Fatal("crypto/tls did not record a HelloRetryRequest")
		}
		exchange(t, client, server, 4096)
	})
	t.Run("hush-server", func(t *testing.T) {
		client, server, cerr, serr := pairHushServer(t,
			&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP384}},
			&hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, CurvePreferences: []hush.CurveID{hush.CurveP384}})
		mustHandshake(t, cerr, serr)
		if st := server.ConnectionState(); !st.HelloRetryRequest || st.CurveID != hush.CurveP384 {
			t.Fatalf("HelloRetryRequest=%v group=%v", st.HelloRetryRequest, st.CurveID)
		}
		if !client.ConnectionState().HelloRetryRequest {
			t.Fatal("crypto/tls client saw no HelloRetryRequest")
		}
		exchange(t, client, server, 4096)
	})
}

func TestClientCertificates(t *testing.T) {
	serverChain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, kind := range certKinds {
		clientChain := testutil.NewChain(t, kind, "client.example")
		t.Run("hush-client/"+kind.String(), func(t *testing.T) {
			var seen []*x509.Certificate
			client, server, cerr, serr := pairHushClient(t,
				&hush.Config{ServerName: "example.com", RootCAs: serverChain.RootPool, Certificates: []hush.Certificate{hushCert(clientChain)}},
				&tls.Config{Certificates: []tls.Certificate{tlsCert(serverChain)}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientChain.RootPool,
					VerifyConnection: func(cs tls.ConnectionState) error { seen = cs.PeerCertificates; return nil }})
			mustHandshake(t, cerr, serr)
			if len(seen) == 0 || !bytes.Equal(seen[0].Raw, clientChain.Leaf.Raw) {
				t.Fatal("crypto/tls server did not see the hush client certificate")
			}
			exchange(t, client, server, 4096)
		})
		t.Run("hush-server/"+kind.String(), func(t *testing.T) {
			client, server, cerr, serr := pairHushServer(t,
				&tls.Config{ServerName: "example.com", RootCAs: serverChain.RootPool, Certificates: []tls.Certificate{tlsCert(clientChain)}},
				&hush.Config{Certificates: []hush.Certificate{hushCert(serverChain)}, ClientAuth: hush.RequireAndVerifyClientCert, ClientCAs: clientChain.RootPool})
			mustHandshake(t, cerr, serr)
			st := server.ConnectionState()
			if len(st.PeerCertificates) == 0 || !bytes.Equal(st.PeerCertificates[0].Raw, clientChain.Leaf.Raw) || len(st.VerifiedChains) == 0 {
				t.Fatal("hush server did not verify the client certificate")
			}
			exchange(t, client, server, 4096)
		})
	}
	t.Run("hush-server/required-but-missing", func(t *testing.T) {
		client, _, _, serr := pairHushServer(t,
			&tls.Config{ServerName: "example.com", RootCAs: serverChain.RootPool},
			&hush.Config{Certificates: []hush.Certificate{hushCert(serverChain)}, ClientAuth: hush.RequireAnyClientCert})
		var ae *hush.AlertError
		if !errors.As(serr, &ae) || ae.Alert != hush.AlertCertificateRequired {
			t.Fatalf("server error %v, want certificate_required", serr)
		}
		// In TLS 1.3 the client learns of the failure on its next read.
		_, err := client.Read(make([]byte, 1))
		if err == nil || !strings.Contains(err.Error(), "certificate required") {
			t.Fatalf("client read error %v, want the certificate_required alert", err)
		}
	})
	t.Run("hush-server/optional-absent", func(t *testing.T) {
		client, server, cerr, serr := pairHushServer(t,
			&tls.Config{ServerName: "example.com", RootCAs: serverChain.RootPool},
			&hush.Config{Certificates: []hush.Certificate{hushCert(serverChain)}, ClientAuth: hush.VerifyClientCertIfGiven})
		mustHandshake(t, cerr, serr)
		exchange(t, client, server, 100)
	})
}

func TestALPN(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	t.Run("hush-client", func(t *testing.T) {
		client, server, cerr, serr := pairHushClient(t,
			&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, NextProtos: []string{"h2", "http/1.1"}},
			&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}, NextProtos: []string{"http/1.1"}})
		mustHandshake(t, cerr, serr)
		if p := client.ConnectionState().NegotiatedProtocol; p != "http/1.1" {
			t.Fatalf("ALPN %q", p)
		}
		exchange(t, client, server, 100)
	})
	t.Run("hush-server", func(t *testing.T) {
		client, server, cerr, serr := pairHushServer(t,
			&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, NextProtos: []string{"http/1.1", "h2"}},
			&hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, NextProtos: []string{"h2", "http/1.1"}})
		mustHandshake(t, cerr, serr)
		if p, q := server.ConnectionState().NegotiatedProtocol, client.ConnectionState().NegotiatedProtocol; p != "h2" || q != "h2" {
			t.Fatalf("ALPN server %q client %q, want the server's preference h2", p, q)
		}
		exchange(t, client, server, 100)
	})
	t.Run("hush-server/no-overlap", func(t *testing.T) {
		_, _, cerr, serr := pairHushServer(t,
			&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, NextProtos: []string{"spdy/3"}},
			&hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, NextProtos: []string{"h2"}})
		var ae *hush.AlertError
		if !errors.As(serr, &ae) || ae.Alert != hush.AlertNoApplicationProtocol || ae.Received {
			t.Fatalf("server error %v, want sent no_application_protocol", serr)
		}
		if cerr == nil || !strings.Contains(cerr.Error(), "no application protocol") {
			t.Fatalf("crypto/tls client error %v, want the no_application_protocol alert", cerr)
		}
	})
}

func TestSNIChoosesCertificate(t *testing.T) {
	a := testutil.NewChain(t, testutil.ECDSAP256, "a.example")
	b := testutil.NewChainWithRoot(t, a, testutil.RSA2048, "b.example")
	cfg := &hush.Config{Certificates: []hush.Certificate{hushCert(a), hushCert(b)}}
	for _, name := range []string{"a.example", "b.example"} {
		client, server, cerr, serr := pairHushServer(t, &tls.Config{ServerName: name, RootCAs: a.RootPool}, cfg)
		mustHandshake(t, cerr, serr)
		if got := client.ConnectionState().PeerCertificates[0].DNSNames[0]; got != name {
			t.Fatalf("asked for %s, got a certificate for %s", name, got)
		}
		if server.ConnectionState().ServerName != name {
			t.Fatalf("server saw SNI %q", server.ConnectionState().ServerName)
		}
	}
	// GetCertificate sees the name and decides.
	var asked string
	cfg = &hush.Config{GetCertificate: func(hi *hush.ClientHelloInfo) (*hush.Certificate, error) {
		asked = hi.ServerName
		c := hushCert(b)
		return &c, nil
	}}
	client, _, cerr, serr := pairHushServer(t, &tls.Config{ServerName: "b.example", RootCAs: a.RootPool}, cfg)
	mustHandshake(t, cerr, serr)
	if asked != "b.example" || client.ConnectionState().PeerCertificates[0].DNSNames[0] != "b.example" {
		t.Fatalf("GetCertificate saw %q", asked)
	}
}

func TestVerificationFailures(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	other := testutil.NewChain(t, testutil.ECDSAP384, "other.example")
	cases := []struct {
		name  string
		cfg   *hush.Config
		alert hush.Alert
	}{
		{"unknown-ca", &hush.Config{ServerName: "example.com", RootCAs: other.RootPool}, hush.AlertUnknownCA},
		{"wrong-name", &hush.Config{ServerName: "wrong.example", RootCAs: chain.RootPool}, hush.AlertBadCertificate},
		{"verify-peer-hook", &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
			VerifyPeerCertificate: func([][]byte, [][]*x509.Certificate) error { return errors.New("rejected by hook") }}, hush.AlertBadCertificate},
		{"verify-connection-hook", &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
			VerifyConnection: func(hush.ConnectionState) error { return errors.New("rejected by hook") }}, hush.AlertBadCertificate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, cerr, serr := pairHushClient(t, tc.cfg, &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}})
			var ae *hush.AlertError
			if !errors.As(cerr, &ae) || ae.Alert != tc.alert || ae.Received {
				t.Fatalf("client error %v, want sent %v", cerr, tc.alert)
			}
			if serr == nil {
				t.Fatal("crypto/tls server finished a handshake the client rejected")
			}
		})
	}
	t.Run("insecure-skip-verify", func(t *testing.T) {
		_, _, cerr, serr := pairHushClient(t, &hush.Config{InsecureSkipVerify: true}, &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}})
		mustHandshake(t, cerr, serr)
	})
}

func TestExportKeyingMaterialMatchesCryptoTLS(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	client, server, cerr, serr := pairHushClient(t,
		&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool},
		&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}})
	mustHandshake(t, cerr, serr)
	hs, ts := client.ConnectionState(), server.ConnectionState()
	for _, ctx := range [][]byte{nil, {}, []byte("context")} {
		a, err := hs.ExportKeyingMaterial("EXPORTER-test", ctx, 42)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ts.ExportKeyingMaterial("EXPORTER-test", ctx, 42)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("exporter output differs for context %q", ctx)
		}
	}
}

func TestKeyLogWriter(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	var hushLog, tlsLog bytes.Buffer
	_, _, cerr, serr := pairHushClient(t,
		&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, KeyLogWriter: &hushLog},
		&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}, KeyLogWriter: &tlsLog})
	mustHandshake(t, cerr, serr)
	want := strings.Split(strings.TrimSpace(tlsLog.String()), "\n")
	got := strings.Split(strings.TrimSpace(hushLog.String()), "\n")
	if len(got) != 5 {
		t.Fatalf("hush wrote %d key log lines:\n%s", len(got), hushLog.String())
	}
	for _, line := range want {
		if !strings.Contains(hushLog.String(), line) {
			t.Errorf("crypto/tls logged %q, hush did not", line)
		}
	}
}

func TestCloseNotifyAndEOF(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	client, server, cerr, serr := pairHushClient(t,
		&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool},
		&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}})
	mustHandshake(t, cerr, serr)
	go func() {
		server.Write([]byte("bye"))
		server.Close()
	}()
	got, err := io.ReadAll(client)
	if err != nil || string(got) != "bye" {
		t.Fatalf("ReadAll = %q, %v; want bye and a clean EOF", got, err)
	}
	if _, err := client.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("second read after close_notify: %v", err)
	}
	// And hush's Close sends close_notify that crypto/tls reads as EOF.
	client2, server2, cerr, serr := pairHushServer(t,
		&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool},
		&hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
	mustHandshake(t, cerr, serr)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); server2.Write([]byte("done")); server2.Close() }()
	got, err = io.ReadAll(client2)
	wg.Wait()
	if err != nil || string(got) != "done" {
		t.Fatalf("crypto/tls ReadAll = %q, %v", got, err)
	}
}

func TestTruncationIsNotEOF(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	client, server, cerr, serr := pairHushClient(t,
		&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool},
		&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}})
	mustHandshake(t, cerr, serr)
	server.Write([]byte("partial"))
	server.NetConn().Close() // no close_notify
	got, err := io.ReadAll(client)
	if string(got) != "partial" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ReadAll = %q, %v; want io.ErrUnexpectedEOF", got, err)
	}
}

func TestKeyUpdate(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	client, server, cerr, serr := pairHushServer(t,
		&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool},
		&hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
	mustHandshake(t, cerr, serr)
	for i := 0; i < 3; i++ {
		if err := hush.SendKeyUpdateForTest(server, true); err != nil {
			t.Fatal(err)
		}
		// crypto/tls answers update_requested with its own KeyUpdate,
		// which hush must apply to keep reading.
		exchange(t, client, server, 64<<10)
	}
}
