package hush_test

import (
	"bytes"
	"crypto/tls"
	"sync"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// TestReviewTLS12ExportAndTicketResumption: a hush TLS 1.2 server and a
// crypto/tls client agree on exporters on the full handshake and on each
// ticket resumption after it (Master12 keys one HMAC per master secret and
// wipes the key block; the exporter and the sealed ticket must not see a
// wiped secret).
func TestReviewTLS12ExportAndTicketResumption(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, MaxVersion: hush.VersionTLS12}
	cc := &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	for i := range 3 {
		client, server, cerr, serr := pairHushServer(t, cc, sc)
		mustHandshake(t, cerr, serr)
		if want := i > 0; client.ConnectionState().DidResume != want || server.ConnectionState().DidResume != want {
			t.Fatalf("connection %d: DidResume client=%v server=%v", i,
				client.ConnectionState().DidResume, server.ConnectionState().DidResume)
		}
		exchange(t, client, server, 1000)
		ts, hs := client.ConnectionState(), server.ConnectionState()
		for _, ctx := range [][]byte{nil, {}, []byte("ctx")} {
			a, err := hs.ExportKeyingMaterial("EXPORTER-review", ctx, 48)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ts.ExportKeyingMaterial("EXPORTER-review", ctx, 48)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("connection %d: exporter differs from crypto/tls (context %q)", i, ctx)
			}
		}
	}
}

// snapshotCache is a ServerSessionCache that remembers a copy of every
// state it is given, to detect a state wiped after Put.
type snapshotCache struct {
	mu    sync.Mutex
	m     map[string][]byte
	saved map[string][]byte
}

func (c *snapshotCache) Get(k string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *snapshotCache) Put(k string, v []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k], c.saved[k] = v, bytes.Clone(v)
}

// TestReviewTLS12SessionIDResumptionKeepsCache: session-ID resumption
// works repeatedly from one cache entry, the entry's bytes are never
// wiped in place, and both ends export the same keying material.
func TestReviewTLS12SessionIDResumptionKeepsCache(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cache := &snapshotCache{m: map[string][]byte{}, saved: map[string][]byte{}}
	sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, MaxVersion: hush.VersionTLS12,
		SessionTicketsDisabled: true, ServerSessionCache: cache}
	cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: hush.VersionTLS12,
		ClientSessionCache: hush.NewLRUClientSessionCache(4)}
	for i := range 4 {
		a, b := testutil.TCPPipe(t)
		client, server := hush.Client(a, cc), hush.Server(b, sc)
		cerr, serr := handshakeBoth(client, server)
		mustHandshake(t, cerr, serr)
		exchange(t, client, server, 100)
		cs, ss := client.ConnectionState(), server.ConnectionState()
		if want := i > 0; cs.DidResume != want || ss.DidResume != want {
			t.Fatalf("connection %d: DidResume client=%v server=%v", i, cs.DidResume, ss.DidResume)
		}
		x, err := cs.ExportKeyingMaterial("EXPORTER-review", nil, 32)
		if err != nil {
			t.Fatal(err)
		}
		y, err := ss.ExportKeyingMaterial("EXPORTER-review", nil, 32)
		if err != nil || !bytes.Equal(x, y) {
			t.Fatalf("connection %d: exporters differ (%v)", i, err)
		}
		closeBoth(client, server)
		cache.mu.Lock()
		for k, v := range cache.m {
			if !bytes.Equal(v, cache.saved[k]) {
				t.Fatalf("connection %d: a cached session state was modified after Put", i)
			}
		}
		cache.mu.Unlock()
	}
}
