package hush_test

import (
	"bytes"
	"crypto/tls"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// TestTLSUnique: a TLS 1.2 connection's tls-unique (RFC 5929) equals
// crypto/tls's on the same connection, in both directions, for a full
// handshake (the client's Finished) and a resumption (the server's
// Finished); it is 12 bytes and differs between connections. TLS 1.3 has
// none.
func TestTLSUnique(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	t.Run("hush-client", func(t *testing.T) {
		cache := hush.NewLRUClientSessionCache(4)
		sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}}
		var prev []byte
		for i := range 2 {
			hc, tc, cerr, serr := pairHushClient(t, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
				MaxVersion: hush.VersionTLS12, ClientSessionCache: cache}, sc)
			mustHandshake(t, cerr, serr)
			hs, ts := hc.ConnectionState(), tc.ConnectionState()
			if hs.DidResume != (i == 1) || len(hs.TLSUnique) != 12 || !bytes.Equal(hs.TLSUnique, ts.TLSUnique) || bytes.Equal(hs.TLSUnique, prev) {
				t.Fatalf("connection %d (resumed %v): hush %x, crypto/tls %x", i, hs.DidResume, hs.TLSUnique, ts.TLSUnique)
			}
			prev = hs.TLSUnique
		}
	})
	t.Run("hush-server", func(t *testing.T) {
		cache := tls.NewLRUClientSessionCache(4)
		sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
		for i := range 2 {
			tc, hc, cerr, serr := pairHushServer(t, &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool,
				MaxVersion: tls.VersionTLS12, ClientSessionCache: cache}, sc)
			mustHandshake(t, cerr, serr)
			hs, ts := hc.ConnectionState(), tc.ConnectionState()
			if hs.DidResume != (i == 1) || len(hs.TLSUnique) != 12 || !bytes.Equal(hs.TLSUnique, ts.TLSUnique) {
				t.Fatalf("connection %d (resumed %v): hush %x, crypto/tls %x", i, hs.DidResume, hs.TLSUnique, ts.TLSUnique)
			}
		}
	})
	t.Run("TLS13", func(t *testing.T) {
		hc, _, cerr, serr := pairHushClient(t, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool},
			&tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}})
		mustHandshake(t, cerr, serr)
		if u := hc.ConnectionState().TLSUnique; u != nil {
			t.Errorf("TLS 1.3 tls-unique %x, want none", u)
		}
	})
}
