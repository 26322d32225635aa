package bench

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/hushtls/hush"
)

var resumeCases = []hsCase{
	{name: "TLS13_X25519_ECDSAP256", group: hush.X25519, key: ecdsaP256, version: hush.VersionTLS13},
	{name: "TLS12_ECDHE_ECDSAP256_AES_128_GCM", group: hush.X25519, key: ecdsaP256, version: hush.VersionTLS12,
		suite: hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
}

// resumeMaker is newMaker with session resumption on: a client session
// cache, and tickets on the crypto/tls server (hush servers issue them by
// default). One full handshake primes the cache.
func resumeMaker(b *testing.B, lib string, h hsCase) maker {
	var mk maker
	if lib == "hush" {
		cc, sc := hushConfigs(h)
		cc.ClientSessionCache = hush.NewLRUClientSessionCache(4)
		mk = func(rc, rs net.Conn) (conn, conn) { return hush.Client(rc, cc), hush.Server(rs, sc) }
	} else {
		cc, sc := tlsConfigs(h)
		sc.SessionTicketsDisabled = false
		cc.ClientSessionCache = tls.NewLRUClientSessionCache(4)
		mk = func(rc, rs net.Conn) (conn, conn) { return tls.Client(rc, cc), tls.Server(rs, sc) }
	}
	// Prime: a full handshake, then read so a TLS 1.3 client takes the
	// ticket the server sent after the handshake.
	rc, rs := net.Pipe()
	c, s := mk(rc, rs)
	checkedHandshake(b, lib, h, c, s)
	go func() { _, _ = s.Write([]byte{1}) }()
	if _, err := c.Read(make([]byte, 1)); err != nil {
		b.Fatal(err)
	}
	_, _ = rc.Close(), rs.Close()
	return mk
}

func didResume(c conn) bool {
	switch c := c.(type) {
	case *hush.Conn:
		return c.ConnectionState().DidResume
	case *tls.Conn:
		return c.ConnectionState().DidResume
	}
	return false
}

// BenchmarkResumedHandshake measures resumed handshakes (TLS 1.3 PSK with
// ECDHE; TLS 1.2 ticket), client and server in one process over net.Pipe;
// every op must resume.
func BenchmarkResumedHandshake(b *testing.B) {
	for _, h := range resumeCases {
		for _, lib := range libs {
			b.Run("kind="+h.name+"/lib="+lib, func(b *testing.B) {
				mk := resumeMaker(b, lib, h)
				b.ReportAllocs()
				for b.Loop() {
					rc, rs := net.Pipe()
					c, s := mk(rc, rs)
					if err := handshakeBoth(c, s); err != nil {
						b.Fatal(err)
					}
					if !didResume(c) || !didResume(s) {
						b.Fatalf("%s: handshake did not resume", lib)
					}
					_, _ = rc.Close(), rs.Close()
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "handshakes/s")
			})
		}
	}
}
