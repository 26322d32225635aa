package handshake

import (
	"crypto/x509"
	"runtime"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil"
)

// verifyAt runs verifyPeerChain as a client of name with roots at time t.
func verifyAt(raw [][]byte, roots *x509.CertPool, name string, t time.Time) ([]*x509.Certificate, [][]*x509.Certificate, error) {
	hs := &shared{p: &Params{IsClient: true, RootCAs: roots, ServerName: name, Time: func() time.Time { return t }}}
	return hs.verifyPeerChain(raw)
}

func TestChainCacheHitSharesParsedCertificates(t *testing.T) {
	ch := testutil.NewChain(t, testutil.ECDSAP256)
	now := time.Now()
	certs1, chains1, err := verifyAt(ch.Certificates, ch.RootPool, "example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	certs2, chains2, err := verifyAt(ch.Certificates, ch.RootPool, "example.com", now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if certs1[0] != certs2[0] || chains1[0][0] != chains2[0][0] {
		t.Fatal("second verification of the same chain did not reuse the parsed certificates")
	}
	// Each connection gets its own slices.
	chains1[0][0] = nil
	certs1[0] = nil
	_, chains3, err := verifyAt(ch.Certificates, ch.RootPool, "example.com", now)
	if err != nil || chains3[0][0] == nil {
		t.Fatalf("a caller's change to its chains reached the cache: %v", err)
	}
}

func TestChainCacheKeepsEveryCheck(t *testing.T) {
	ch := testutil.NewChain(t, testutil.ECDSAP256)
	other := testutil.NewChain(t, testutil.ECDSAP256, "other.example") // another root
	now := time.Now()
	if _, _, err := verifyAt(ch.Certificates, ch.RootPool, "example.com", now); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		roots *x509.CertPool
		host  string
		at    time.Time
		want  alert.Alert
	}{
		{"other name", ch.RootPool, "wrong.example", now, alert.BadCertificate},
		{"other roots", other.RootPool, "example.com", now, alert.UnknownCA},
		{"expired", ch.RootPool, "example.com", ch.Leaf.NotAfter.Add(time.Second), alert.CertificateExpired},
		{"not yet valid", ch.RootPool, "example.com", ch.Leaf.NotBefore.Add(-time.Hour), alert.CertificateExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := verifyAt(ch.Certificates, c.roots, c.host, c.at)
			if a, _ := alert.Of(err); err == nil || a != c.want {
				t.Fatalf("got %v (alert %v), want alert %v", err, a, c.want)
			}
		})
	}
	// A chain that differs in one byte is not the cached one.
	bad := [][]byte{append([]byte(nil), ch.Certificates[0]...), ch.Certificates[1]}
	bad[0][len(bad[0])-1] ^= 1
	if _, _, err := verifyAt(bad, ch.RootPool, "example.com", now); err == nil {
		t.Fatal("a corrupted chain verified")
	}
	// And the good chain still verifies afterwards.
	if _, _, err := verifyAt(ch.Certificates, ch.RootPool, "example.com", now); err != nil {
		t.Fatal(err)
	}
}

func TestChainCacheSkipVerifyDoesNotVerify(t *testing.T) {
	ch := testutil.NewChain(t, testutil.ECDSAP256)
	hs := &shared{p: &Params{IsClient: true, InsecureSkipVerify: true, ServerName: "example.com"}}
	if _, chains, err := hs.verifyPeerChain(ch.Certificates); err != nil || chains != nil {
		t.Fatalf("InsecureSkipVerify: chains %v, err %v", chains, err)
	}
	// A parse-only entry never stands in for verification.
	if _, _, err := verifyAt(ch.Certificates, x509.NewCertPool(), "example.com", time.Now()); err == nil {
		t.Fatal("chain verified against an empty pool after an InsecureSkipVerify handshake")
	}
}

func TestChainCacheBoundedLRU(t *testing.T) {
	c := &chainCache{m: make(map[chainKey]*chainEntry), max: 3}
	raw := func(b byte) [][]byte { return [][]byte{{b}} }
	for i := range byte(5) {
		c.put(newChainEntry(chainKey{sum: hashChain(raw(i))}, raw(i), nil, nil))
		if i == 2 {
			// Touch entry 0: it becomes the most recently used.
			if c.get(chainKey{sum: hashChain(raw(0))}, raw(0), time.Now()) == nil {
				t.Fatal("entry 0 missing")
			}
		}
	}
	if c.len() != 3 {
		t.Fatalf("%d entries, want 3", c.len())
	}
	for i, want := range []bool{true, false, false, true, true} {
		got := c.get(chainKey{sum: hashChain(raw(byte(i)))}, raw(byte(i)), time.Now()) != nil
		if got != want {
			t.Errorf("entry %d present %v, want %v", i, got, want)
		}
	}
}

func TestChainCacheConcurrent(t *testing.T) {
	ch := testutil.NewChain(t, testutil.ECDSAP256)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, _, err := verifyAt(ch.Certificates, ch.RootPool, "example.com", time.Now()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestChainCacheDoesNotKeepPools(t *testing.T) {
	ch := testutil.NewChain(t, testutil.ECDSAP256)
	pool := x509.NewCertPool()
	pool.AddCert(ch.Root)
	if _, _, err := verifyAt(ch.Certificates, pool, "example.com", time.Now()); err != nil {
		t.Fatal(err)
	}
	w := weak.Make(pool)
	pool = nil
	for range 3 {
		runtime.GC()
	}
	if w.Value() != nil {
		t.Fatal("the verified-chain cache keeps a root pool alive")
	}
	// A new pool with the same root is another key, and verifies.
	fresh := x509.NewCertPool()
	fresh.AddCert(ch.Root)
	if _, _, err := verifyAt(ch.Certificates, fresh, "example.com", time.Now()); err != nil {
		t.Fatal(err)
	}
}
