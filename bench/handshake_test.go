package bench

import (
	"net"
	"testing"

	"github.com/hushtls/hush"
)

var hsCases = []hsCase{
	{name: "TLS13_X25519_ECDSAP256", group: hush.X25519, key: ecdsaP256, version: hush.VersionTLS13},
	{name: "TLS13_X25519MLKEM768_ECDSAP256", group: hush.X25519MLKEM768, key: ecdsaP256, version: hush.VersionTLS13},
	{name: "TLS13_X25519_RSA2048", group: hush.X25519, key: rsa2048, version: hush.VersionTLS13},
	{name: "TLS12_ECDHE_ECDSAP256_AES_128_GCM", group: hush.X25519, key: ecdsaP256, version: hush.VersionTLS12,
		suite: hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
}

// BenchmarkHandshake measures full handshakes, client and server in one
// process over net.Pipe; one op is both sides done. The client verifies
// the server's chain (leaf, intermediate) up to a root and its name.
// Configurations are built once per benchmark, as an application would.
func BenchmarkHandshake(b *testing.B) {
	for _, h := range hsCases {
		for _, lib := range libs {
			b.Run("kind="+h.name+"/lib="+lib, func(b *testing.B) {
				mk := newMaker(lib, h)
				// One checked handshake first: negotiated version and suite.
				rc, rs := net.Pipe()
				c, s := mk(rc, rs)
				checkedHandshake(b, lib, h, c, s)
				_, _ = rc.Close(), rs.Close()

				b.ReportAllocs()
				for b.Loop() {
					rc, rs := net.Pipe()
					c, s := mk(rc, rs)
					if err := handshakeBoth(c, s); err != nil {
						b.Fatal(err)
					}
					_, _ = rc.Close(), rs.Close()
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "handshakes/s")
			})
		}
	}
}
