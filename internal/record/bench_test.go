package record

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"16KiB", 16 << 10}}

// BenchmarkSeal seals one record per op into a reused buffer.
func BenchmarkSeal(b *testing.B) {
	for _, tc := range allCases() {
		for _, sz := range benchSizes {
			b.Run(tc.name+"/"+sz.name, func(b *testing.B) {
				w, _ := tc.pair(b)
				payload := seqBytes(sz.n, 1)
				buf := make([]byte, 0, w.SealedLen(sz.n, 0))
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				for b.Loop() {
					buf = w.Seal(buf[:0], TypeApplicationData, payload, 0)
				}
			})
		}
	}
}

// BenchmarkOpen opens one record per op in place. Each op first copies the
// pristine record back into the buffer (as a read from the network would)
// and rewinds the sequence number.
func BenchmarkOpen(b *testing.B) {
	for _, tc := range allCases() {
		for _, sz := range benchSizes {
			b.Run(tc.name+"/"+sz.name, func(b *testing.B) {
				w, r := tc.pair(b)
				rec := w.Seal(nil, TypeApplicationData, seqBytes(sz.n, 1), 0)
				buf := make([]byte, len(rec))
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				for b.Loop() {
					copy(buf, rec)
					r.seq = 0
					if _, _, err := r.Open(buf); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkOpenTo decrypts one record per op straight into a separate
// buffer (a reader's own buffer); the record is left intact, so no copy is
// needed between ops.
func BenchmarkOpenTo(b *testing.B) {
	for _, tc := range allCases() {
		for _, sz := range benchSizes {
			b.Run(tc.name+"/"+sz.name, func(b *testing.B) {
				w, r := tc.pair(b)
				rec := w.Seal(nil, TypeApplicationData, seqBytes(sz.n, 1), 0)
				dst := make([]byte, len(rec))
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				for b.Loop() {
					r.seq = 0
					if _, _, err := r.OpenTo(dst, rec); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// The crypto/tls reference benchmarks measure the same work through
// crypto/tls's Conn: a Write of one record to a connection that discards
// it, and a Read of one record from memory, so that `go test -bench .`
// shows hush's record layer side by side with crypto/tls's.

// captureConn is a net.Conn that passes traffic through until switched to
// capture mode, then appends writes to buf and serves reads from in.
type captureConn struct {
	net.Conn
	mu      sync.Mutex
	capture bool
	discard bool
	buf     bytes.Buffer
	in      *bytes.Reader
}

func (c *captureConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.discard:
		return len(p), nil
	case c.capture:
		return c.buf.Write(p)
	}
	return c.Conn.Write(p)
}

func (c *captureConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	in := c.in
	c.mu.Unlock()
	if in != nil {
		return in.Read(p)
	}
	return c.Conn.Read(p)
}

func benchCert(b *testing.B) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "bench"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(1<<32, 0),
		DNSNames:     []string{"bench"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		b.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// cryptoTLSPair handshakes a crypto/tls client and server over a pipe.
func cryptoTLSPair(b *testing.B, version uint16, suite uint16) (client *tls.Conn, cc *captureConn, server *tls.Conn, sc *captureConn) {
	c1, c2 := net.Pipe()
	cc, sc = &captureConn{Conn: c1}, &captureConn{Conn: c2}
	cfg := &tls.Config{
		Certificates:                []tls.Certificate{benchCert(b)},
		InsecureSkipVerify:          true,
		MinVersion:                  version,
		MaxVersion:                  version,
		DynamicRecordSizingDisabled: true,
	}
	if suite != 0 {
		cfg.CipherSuites = []uint16{suite}
	}
	client, server = tls.Client(cc, cfg), tls.Server(sc, cfg)
	errc := make(chan error, 1)
	go func() { errc <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		b.Fatal(err)
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	return client, cc, server, sc
}

var cryptoTLSCases = []struct {
	name    string
	version uint16
	suite   uint16
}{
	{"TLS13", tls.VersionTLS13, 0},
	{"TLS12_AES128GCM", tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
	{"TLS12_CHACHA20", tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256},
}

// BenchmarkCryptoTLSWrite is crypto/tls's counterpart of BenchmarkSeal.
func BenchmarkCryptoTLSWrite(b *testing.B) {
	for _, c := range cryptoTLSCases {
		for _, sz := range benchSizes {
			b.Run(c.name+"/"+sz.name, func(b *testing.B) {
				client, cc, _, _ := cryptoTLSPair(b, c.version, c.suite)
				b.Logf("crypto/tls suite %s", tls.CipherSuiteName(client.ConnectionState().CipherSuite))
				cc.mu.Lock()
				cc.discard = true
				cc.mu.Unlock()
				payload := seqBytes(sz.n, 1)
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := client.Write(payload); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCryptoTLSRead is crypto/tls's counterpart of BenchmarkOpen:
// records are produced in batches outside the timer and read from memory.
func BenchmarkCryptoTLSRead(b *testing.B) {
	const batch = 64
	for _, c := range cryptoTLSCases {
		for _, sz := range benchSizes {
			b.Run(c.name+"/"+sz.name, func(b *testing.B) {
				client, cc, server, sc := cryptoTLSPair(b, c.version, c.suite)
				cc.mu.Lock()
				cc.capture = true
				cc.mu.Unlock()
				payload := seqBytes(sz.n, 1)
				out := make([]byte, sz.n)
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				b.ResetTimer()
				for done := 0; done < b.N; done += batch {
					b.StopTimer()
					cc.mu.Lock()
					cc.buf.Reset()
					cc.mu.Unlock()
					for range batch {
						if _, err := client.Write(payload); err != nil {
							b.Fatal(err)
						}
					}
					cc.mu.Lock()
					data := bytes.Clone(cc.buf.Bytes())
					cc.mu.Unlock()
					sc.mu.Lock()
					sc.in = bytes.NewReader(data)
					sc.mu.Unlock()
					b.StartTimer()
					for range min(batch, b.N-done) {
						if _, err := readFull(server, out); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

func readFull(c *tls.Conn, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := c.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
