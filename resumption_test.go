package hush_test

import (
	"crypto/tls"
	"fmt"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

var versions = []struct {
	name string
	v    uint16
}{{"TLS13", hush.VersionTLS13}, {"TLS12", hush.VersionTLS12}}

// TestResumptionCryptoTLS resumes sessions with crypto/tls in both
// directions, TLS 1.3 and TLS 1.2 tickets: the second connection must
// report DidResume on both ends, and data must flow.
func TestResumptionCryptoTLS(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, ver := range versions {
		t.Run("hush-client/"+ver.name, func(t *testing.T) {
			cache := hush.NewLRUClientSessionCache(8)
			sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}}
			for i := 0; i < 3; i++ {
				client, server, cerr, serr := pairHushClient(t,
					&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: ver.v, ClientSessionCache: cache}, sc)
				mustHandshake(t, cerr, serr)
				exchange(t, client, server, 1000)
				hs, ts := client.ConnectionState(), server.ConnectionState()
				if want := i > 0; hs.DidResume != want || ts.DidResume != want {
					t.Fatalf("connection %d: DidResume hush=%v crypto/tls=%v, want %v", i, hs.DidResume, ts.DidResume, want)
				}
				if hs.Version != ver.v || len(hs.PeerCertificates) == 0 {
					t.Fatalf("connection %d: version %x, %d peer certificates", i, hs.Version, len(hs.PeerCertificates))
				}
			}
		})
		t.Run("hush-server/"+ver.name, func(t *testing.T) {
			cache := tls.NewLRUClientSessionCache(8)
			sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
			for i := 0; i < 3; i++ {
				client, server, cerr, serr := pairHushServer(t,
					&tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: ver.v, ClientSessionCache: cache}, sc)
				mustHandshake(t, cerr, serr)
				exchange(t, client, server, 1000)
				hs, ts := server.ConnectionState(), client.ConnectionState()
				if want := i > 0; hs.DidResume != want || ts.DidResume != want {
					t.Fatalf("connection %d: DidResume hush=%v crypto/tls=%v, want %v", i, hs.DidResume, ts.DidResume, want)
				}
			}
		})
	}
}

// TestResumptionHush resumes hush against hush, with client certificates
// carried into the resumed ConnectionState.
func TestResumptionHush(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	clientChain := testutil.NewChain(t, testutil.Ed25519, "client.example")
	for _, ver := range versions {
		for _, mutual := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/clientcert=%v", ver.name, mutual), func(t *testing.T) {
				cache := hush.NewLRUClientSessionCache(8)
				sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
				cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: ver.v, ClientSessionCache: cache}
				if mutual {
					sc.ClientAuth, sc.ClientCAs = hush.RequireAndVerifyClientCert, clientChain.RootPool
					cc.Certificates = []hush.Certificate{hushCert(clientChain)}
				}
				for i := 0; i < 3; i++ {
					a, b := testutil.TCPPipe(t)
					client, server := hush.Client(a, cc), hush.Server(b, sc)
					cerr, serr := handshakeBoth(client, server)
					mustHandshake(t, cerr, serr)
					exchange(t, client, server, 1000)
					cs, ss := client.ConnectionState(), server.ConnectionState()
					if want := i > 0; cs.DidResume != want || ss.DidResume != want {
						t.Fatalf("connection %d: DidResume client=%v server=%v", i, cs.DidResume, ss.DidResume)
					}
					if len(cs.PeerCertificates) == 0 || mutual && len(ss.PeerCertificates) == 0 {
						t.Fatalf("connection %d: peer certificates missing after resumption", i)
					}
					closeBoth(client, server)
				}
			})
		}
	}
}
