package hush

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// scriptConn is an in-memory net.Conn whose reads return a fixed byte
// stream and whose writes are discarded: it lets a fuzz target play a whole
// peer without sockets or goroutines.
type scriptConn struct {
	r *bytes.Reader
}

func (c *scriptConn) Read(b []byte) (int, error) {
	if c.r.Len() == 0 {
		return 0, io.EOF
	}
	return c.r.Read(b)
}
func (c *scriptConn) Write(b []byte) (int, error)        { return len(b), nil }
func (c *scriptConn) Close() error                       { return nil }
func (c *scriptConn) LocalAddr() net.Addr                { return &net.TCPAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr               { return &net.TCPAddr{} }
func (c *scriptConn) SetDeadline(t time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(t time.Time) error { return nil }

// detRand is a deterministic byte stream for fuzzing: SHA-256 in counter
// mode over a fixed seed. Not for anything but tests.
type detRand struct {
	ctr uint64
	buf []byte
}

func (d *detRand) Read(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if len(d.buf) == 0 {
			var in [8]byte
			for i := range in {
				in[i] = byte(d.ctr >> (8 * i))
			}
			d.ctr++
			sum := sha256.Sum256(in[:])
			d.buf = sum[:]
		}
		k := copy(b, d.buf)
		b, d.buf = b[k:], d.buf[k:]
	}
	return n, nil
}

var (
	fuzzCertOnce sync.Once
	fuzzCert     Certificate
)

func fuzzCertificate(tb testing.TB) Certificate {
	fuzzCertOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fuzz"}, DNSNames: []string{"fuzz.example"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			tb.Fatal(err)
		}
		leaf, _ := x509.ParseCertificate(der)
		fuzzCert = Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	})
	return fuzzCert
}

// FuzzServerStream plays an arbitrary byte stream as the client against a
// hush server: the record deframer, the handshake reassembler, every
// ClientHello path and the alert logic. It must never panic or hang.
func FuzzServerStream(f *testing.F) {
	for _, seed := range seedClientStreams(f) {
		f.Add(seed)
	}
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Add([]byte{99, 3, 3, 0, 1, 0})
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		conn := Server(&scriptConn{r: bytes.NewReader(data)}, &Config{
			Certificates: []Certificate{fuzzCertificate(t)}, Rand: &detRand{},
			Time: func() time.Time { return time.Unix(1_800_000_000, 0) },
		})
		_ = conn.Handshake()
		_, _ = conn.Read(make([]byte, 1024))
		_ = conn.Close()
	})
}

// FuzzClientStream plays an arbitrary byte stream as the server against a
// hush client.
func FuzzClientStream(f *testing.F) {
	f.Add([]byte{22, 3, 3, 0, 4, 2, 0, 0, 0})
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		conn := Client(&scriptConn{r: bytes.NewReader(data)}, &Config{
			InsecureSkipVerify: true, Rand: &detRand{},
			Time: func() time.Time { return time.Unix(1_800_000_000, 0) },
		})
		_ = conn.Handshake()
		_, _ = conn.Read(make([]byte, 1024))
		_ = conn.Close()
	})
}

// seedClientStreams records the bytes a hush client sends in its first
// flight, so the server target starts from a real ClientHello.
func seedClientStreams(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, cfg := range []*Config{
		{InsecureSkipVerify: true, Rand: &detRand{}},
		{InsecureSkipVerify: true, Rand: &detRand{}, CurvePreferences: []CurveID{CurveP256}},
		{InsecureSkipVerify: true, Rand: &detRand{}, NextProtos: []string{"h2"}, ServerName: "fuzz.example"},
	} {
		rec := &recordingConn{}
		c := Client(rec, cfg)
		_ = c.Handshake()
		seeds = append(seeds, rec.written.Bytes())
	}
	return seeds
}

// recordingConn keeps what is written and reads EOF.
type recordingConn struct {
	scriptConn
	written bytes.Buffer
}

func (c *recordingConn) Read([]byte) (int, error)    { return 0, io.EOF }
func (c *recordingConn) Write(b []byte) (int, error) { return c.written.Write(b) }
