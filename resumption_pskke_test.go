package hush_test

import (
	"crypto/tls"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// TestPSKWithoutECDHE: TLS 1.3 resumption uses psk_ke (no fresh (EC)DHE,
// RFC 8446, Section 4.2.9) only when both sides set AllowPSKWithoutECDHE;
// otherwise it is psk_dhe_ke, whose group ConnectionState reports. With
// psk_ke there is no key exchange and CurveID is zero.
func TestPSKWithoutECDHE(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, tc := range []struct{ client, server, pskKE bool }{
		{true, true, true}, {true, false, false}, {false, true, false}, {false, false, false},
	} {
		t.Run(fmt.Sprintf("client=%v/server=%v", tc.client, tc.server), func(t *testing.T) {
			cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
				ClientSessionCache: hush.NewLRUClientSessionCache(4), AllowPSKWithoutECDHE: tc.client,
				CurvePreferences: []hush.CurveID{hush.X25519}}
			sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, AllowPSKWithoutECDHE: tc.server}
			for i := range 2 {
				a, b := testutil.TCPPipe(t)
				client, server := hush.Client(a, cc), hush.Server(b, sc)
				cerr, serr := handshakeBoth(client, server)
				mustHandshake(t, cerr, serr)
				exchange(t, client, server, 1000) // the client takes its ticket here
				cs, ss := client.ConnectionState(), server.ConnectionState()
				if cs.DidResume != (i == 1) || ss.DidResume != (i == 1) {
					t.Fatalf("connection %d: DidResume client %v server %v", i, cs.DidResume, ss.DidResume)
				}
				want := hush.X25519
				if i == 1 && tc.pskKE {
					want = 0
				}
				if cs.CurveID != want || ss.CurveID != want {
					t.Errorf("connection %d: group client %v server %v, want %v", i, cs.CurveID, ss.CurveID, want)
				}
				closeBoth(client, server)
			}
		})
	}

	// crypto/tls offers only psk_dhe_ke: a hush server that allows psk_ke
	// still resumes with a fresh X25519 exchange.
	t.Run("crypto/tls-client", func(t *testing.T) {
		cache := tls.NewLRUClientSessionCache(4)
		sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, AllowPSKWithoutECDHE: true}
		for i := range 2 {
			tc, hc, cerr, serr := pairHushServer(t, &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool,
				ClientSessionCache: cache, CurvePreferences: []tls.CurveID{tls.X25519}}, sc)
			mustHandshake(t, cerr, serr)
			exchange(t, tc, hc, 1000)
			if hs := hc.ConnectionState(); hs.DidResume != (i == 1) || hs.CurveID != hush.X25519 {
				t.Fatalf("connection %d: resumed %v, group %v; want X25519", i, hs.DidResume, hs.CurveID)
			}
		}
	})
}

// TestInteropOpenSSLPSKWithoutECDHE: `openssl s_client -allow_no_dhe_kex`
// offers psk_ke next to psk_dhe_ke. A hush server that allows it resumes
// without a key exchange (CurveID zero, and s_client reports no temporary
// key); one that does not still resumes, with X25519.
func TestInteropOpenSSLPSKWithoutECDHE(t *testing.T) {
	testutil.OpenSSLPath(t)
	for _, allow := range []bool{true, false} {
		t.Run(fmt.Sprintf("server-allows=%v", allow), func(t *testing.T) {
			dir := t.TempDir()
			chain := testutil.NewChain(t, testutil.ECDSAP256)
			cfg := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, AllowPSKWithoutECDHE: allow}
			sess := filepath.Join(dir, "session.pem")
			args := []string{"-tls1_3", "-allow_no_dhe_kex", "-servername", "localhost", "-verify_hostname", "localhost",
				"-CAfile", chain.RootFile(t, dir), "-verify_return_error"}
			first := runHushServer(t, cfg, append(args, "-sess_out", sess)...)
			if first.state.DidResume || first.state.CurveID == 0 {
				t.Fatalf("first connection: resumed %v, group %v", first.state.DidResume, first.state.CurveID)
			}
			second := runHushServer(t, cfg, append(args, "-sess_in", sess)...)
			want := hush.X25519
			if allow {
				want = 0
			}
			if !second.state.DidResume || second.state.CurveID != want {
				t.Fatalf("second connection: resumed %v, group %v; want resumed with group %v", second.state.DidResume, second.state.CurveID, want)
			}
		})
	}
}

// TestInteropOpenSSLPSKWithoutECDHEHushClient: a hush client that allows
// psk_ke offers both modes (RFC 8446, Section 4.2.9) and resumes with the
// one `openssl s_server` picks. OpenSSL 3.0 with -allow_no_dhe_kex still
// prefers psk_dhe_ke when the client offers it (its option to prefer psk_ke
// came later), so both runs resume with X25519; what this checks is that the
// offer of both modes is accepted and resumes, and that the group reported
// is the one of the server's choice.
func TestInteropOpenSSLPSKWithoutECDHEHushClient(t *testing.T) {
	testutil.OpenSSLPath(t)
	for _, allow := range []bool{true, false} {
		t.Run(fmt.Sprintf("server-allows=%v", allow), func(t *testing.T) {
			dir := t.TempDir()
			chain := testutil.NewChain(t, testutil.ECDSAP256)
			cfg := &hush.Config{ServerName: "localhost", RootCAs: chain.RootPool,
				ClientSessionCache: hush.NewLRUClientSessionCache(4), AllowPSKWithoutECDHE: true,
				CurvePreferences: []hush.CurveID{hush.X25519}}
			args := append(chain.OpenSSLArgs(t, dir), "-tls1_3", "-naccept", "2")
			if allow {
				args = append(args, "-allow_no_dhe_kex")
			}
			s := testutil.StartOpenSSLServer(t, args...)
			for i := range 2 {
				conn := dialHushClient(t, s, cfg)
				exchangeInTurn(t, conn, s.OpenSSLProcess) // the ticket arrives here
				st := conn.ConnectionState()
				conn.Close()
				if st.DidResume != (i == 1) || st.CurveID != hush.X25519 {
					t.Fatalf("connection %d: resumed %v, group %v; want resumed=%v with X25519", i, st.DidResume, st.CurveID, i == 1)
				}
			}
			if err := s.Wait(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
