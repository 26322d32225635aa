package hush_test

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

var allSuites13 = []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_AES_256_GCM_SHA384, hush.TLS_CHACHA20_POLY1305_SHA256}

var allGroups = []hush.CurveID{hush.X25519, hush.CurveP256, hush.CurveP384, hush.X25519MLKEM768}

var certKinds = []testutil.KeyKind{testutil.ECDSAP256, testutil.RSA2048, testutil.Ed25519}

// hushCert turns a test chain into a hush.Certificate.
func hushCert(c *testutil.Chain) hush.Certificate {
	return hush.Certificate{Certificate: c.Certificates, PrivateKey: c.Key, Leaf: c.Leaf}
}

// tlsCert turns a test chain into a crypto/tls certificate.
func tlsCert(c *testutil.Chain) tls.Certificate {
	return tls.Certificate{Certificate: c.Certificates, PrivateKey: c.Key, Leaf: c.Leaf}
}

// transports gives a connected pair over net.Pipe and over loopback TCP.
var transports = []struct {
	name string
	pair func(t *testing.T) (net.Conn, net.Conn)
}{
	{"pipe", func(t *testing.T) (net.Conn, net.Conn) { return net.Pipe() }},
	{"tcp", func(t *testing.T) (net.Conn, net.Conn) { return testutil.TCPPipe(t) }},
}

// exchange sends n random bytes each way between a and b at the same time
// and checks that both arrive intact.
func exchange(t *testing.T, a, b net.Conn, n int) {
	t.Helper()
	aData, bData := make([]byte, n), make([]byte, n)
	rand.Read(aData)
	rand.Read(bData)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	gotA, gotB := make([]byte, n), make([]byte, n)
	wg.Add(4)
	go func() { defer wg.Done(); _, errs[0] = a.Write(aData) }()
	go func() { defer wg.Done(); _, errs[1] = b.Write(bData) }()
	go func() { defer wg.Done(); _, errs[2] = io.ReadFull(b, gotA) }()
	go func() { defer wg.Done(); _, errs[3] = io.ReadFull(a, gotB) }()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if !bytes.Equal(gotA, aData) || !bytes.Equal(gotB, bData) {
		t.Fatal("exchange: data corrupted in transit")
	}
}

// closeBoth closes both ends. Over net.Pipe a close_notify write blocks
// until the other side reads it, so b drains a's close_notify while a
// closes; then b's own close_notify fails fast on the closed pipe.
func closeBoth(a, b io.ReadWriteCloser) {
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, b); close(done) }()
	a.Close()
	<-done
	b.Close()
}

// handshakeBoth runs both handshakes concurrently and returns their errors.
func handshakeBoth(client, server interface{ Handshake() error }) (clientErr, serverErr error) {
	done := make(chan error, 1)
	go func() { done <- server.Handshake() }()
	clientErr = client.Handshake()
	serverErr = <-done
	return
}

func tlsGroup(g hush.CurveID) tls.CurveID { return tls.CurveID(g) }

// TestInteropCryptoTLS13Matrix runs every suite × group × certificate type
// against crypto/tls in both directions, over net.Pipe and loopback TCP,
// with 1 MiB each way.
func TestInteropCryptoTLS13Matrix(t *testing.T) {
	for _, kind := range certKinds {
		chain := testutil.NewChain(t, kind, "example.com")
		for _, suite := range allSuites13 {
			for _, group := range allGroups {
				for _, tr := range transports {
					name := fmt.Sprintf("%s/%s/%s/%s", kind, hush.CipherSuiteName(suite), group, tr.name)
					t.Run("hush-client/"+name, func(t *testing.T) {
						cc, sc := tr.pair(t)
						client := hush.Client(cc, &hush.Config{
							ServerName: "example.com", RootCAs: chain.RootPool,
							CipherSuites: []uint16{suite}, CurvePreferences: []hush.CurveID{group},
						})
						server := tls.Server(sc, &tls.Config{
							Certificates: []tls.Certificate{tlsCert(chain)}, CurvePreferences: []tls.CurveID{tlsGroup(group)},
						})
						defer closeBoth(client, server)
						if cerr, serr := handshakeBoth(client, server); cerr != nil || serr != nil {
							t.Fatalf("handshake: client %v, server %v", cerr, serr)
						}
						st := client.ConnectionState()
						if st.Version != hush.VersionTLS13 || st.CipherSuite != suite || st.CurveID != group {
							t.Fatalf("negotiated %s %s %s", hush.VersionName(st.Version), hush.CipherSuiteName(st.CipherSuite), st.CurveID)
						}
						if ts := server.ConnectionState(); ts.CipherSuite != suite || ts.CurveID != tlsGroup(group) {
							t.Fatalf("crypto/tls negotiated %#x %v", ts.CipherSuite, ts.CurveID)
						}
						exchange(t, client, server, 1<<20)
					})
					t.Run("hush-server/"+name, func(t *testing.T) {
						cc, sc := tr.pair(t)
						client := tls.Client(cc, &tls.Config{
							ServerName: "example.com", RootCAs: chain.RootPool, CurvePreferences: []tls.CurveID{tlsGroup(group)},
						})
						server := hush.Server(sc, &hush.Config{
							Certificates: []hush.Certificate{hushCert(chain)},
							CipherSuites: []uint16{suite}, CurvePreferences: []hush.CurveID{group},
						})
						defer closeBoth(client, server)
						if cerr, serr := handshakeBoth(client, server); cerr != nil || serr != nil {
							t.Fatalf("handshake: client %v, server %v", cerr, serr)
						}
						st := server.ConnectionState()
						if st.Version != hush.VersionTLS13 || st.CipherSuite != suite || st.CurveID != group {
							t.Fatalf("negotiated %s %s %s", hush.VersionName(st.Version), hush.CipherSuiteName(st.CipherSuite), st.CurveID)
						}
						if ts := client.ConnectionState(); ts.CipherSuite != suite || ts.CurveID != tlsGroup(group) {
							t.Fatalf("crypto/tls negotiated %#x %v", ts.CipherSuite, ts.CurveID)
						}
						exchange(t, client, server, 1<<20)
					})
				}
			}
		}
	}
}
