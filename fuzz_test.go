package hush

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"testing/cryptotest"
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

// The fuzz targets run hush deterministically: Config.Rand is a detRand and
// every iteration resets the process's cryptographic randomness with
// cryptotest.SetGlobalRandom (ML-KEM, the NIST curves, RSA and ECDSA read
// that, not Config.Rand), the clock is fixed, the certificates are fixed
// and the ticket keys are fixed. The same inputs thus produce the same
// ServerHello, key shares and signatures every time, so a byte stream
// recorded from a real peer against these configurations (the seed files
// in testdata/fuzz, see fuzz_seeds_test.go) replays through the whole
// handshake and into application data, and the fuzzer mutates from there.

// fuzzRandSeed seeds the process's cryptographic randomness for one
// iteration.
const fuzzRandSeed = 0x6875736801

// fuzzTime is the fixed clock of the fuzzed connections.
var fuzzTime = time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)

func fuzzNow() time.Time { return fuzzTime }

// fuzzRequest and fuzzReply are the application data of every recorded
// session: the client sends fuzzRequest, the server answers fuzzReply.
var (
	fuzzRequest = []byte("GET / HTTP/1.1\r\nHost: fuzz.example\r\n\r\n")
	fuzzReply   = []byte("HTTP/1.1 204 No Content\r\n\r\n")
)

var (
	fuzzCertOnce sync.Once
	fuzzCerts    []Certificate
)

// fuzzCertificates returns three fixed certificates: Ed25519 for
// fuzz.example (the default), ECDSA P-256 for ecdsa.fuzz.example and RSA
// 2048 for rsa.fuzz.example (which static-RSA key exchange needs). The keys
// and signatures come from a fixed random stream, so every process builds
// the same bytes.
func fuzzCertificates(t *testing.T) []Certificate {
	fuzzCertOnce.Do(func() {
		cryptotest.SetGlobalRandom(t, 0xce27)
		edKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x68}, ed25519.SeedSize))
		ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range []struct {
			host string
			key  crypto.Signer
		}{{"fuzz.example", edKey}, {"ecdsa.fuzz.example", ecKey}, {"rsa.fuzz.example", rsaKey}} {
			tmpl := &x509.Certificate{
				SerialNumber: big.NewInt(int64(i + 1)), Subject: pkix.Name{CommonName: k.host}, DNSNames: []string{k.host},
				NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
				KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
				ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.key.Public(), k.key)
			if err != nil {
				t.Fatal(err)
			}
			leaf, err := x509.ParseCertificate(der)
			if err != nil {
				t.Fatal(err)
			}
			fuzzCerts = append(fuzzCerts, Certificate{Certificate: [][]byte{der}, PrivateKey: k.key, Leaf: leaf})
		}
	})
	if len(fuzzCerts) == 0 {
		t.Fatal("fuzz certificates failed to build")
	}
	return fuzzCerts
}

// fuzzServerConfig is the hush server of FuzzServerStream and of the
// recorded client streams: every certificate, a client certificate
// requested (not required), static RSA allowed, ALPN, fixed ticket keys.
func fuzzServerConfig(t *testing.T) *Config {
	cfg := &Config{
		Certificates: fuzzCertificates(t), Rand: &detRand{}, Time: fuzzNow,
		ClientAuth: RequestClientCert, EnableRSAKeyExchange: true, NextProtos: []string{"h2", "http/1.1"},
	}
	cfg.SetSessionTicketKeys([][32]byte{{'h', 'u', 's', 'h', ' ', 'f', 'u', 'z', 'z'}})
	return cfg
}

// fuzzClientConfig is the hush client of FuzzClientStream and of the
// recorded server streams: no verification, an Ed25519 client
// certificate, static RSA allowed, ALPN, a session cache.
func fuzzClientConfig(t *testing.T) *Config {
	return &Config{
		ServerName: "fuzz.example", InsecureSkipVerify: true, Rand: &detRand{}, Time: fuzzNow,
		Certificates: fuzzCertificates(t)[:1], EnableRSAKeyExchange: true, NextProtos: []string{"h2", "http/1.1"},
		ClientSessionCache: NewLRUClientSessionCache(4),
	}
}

// playResult is what playHush saw.
type playResult struct {
	handshakeErr error
	state        ConnectionState
	read         int
}

// playHush runs one session on c the way every recording did: the
// handshake; the client writes fuzzRequest; both read until an error (the
// server answers its first data with fuzzReply); then Close. It ends
// because the stream does.
func playHush(c *Conn, isClient bool) playResult {
	var res playResult
	if res.handshakeErr = c.Handshake(); res.handshakeErr != nil {
		_ = c.Close()
		return res
	}
	res.state = c.ConnectionState()
	if isClient {
		_, _ = c.Write(fuzzRequest)
	}
	buf := make([]byte, 1024)
	replied := isClient
	for {
		n, err := c.Read(buf)
		res.read += n
		if n > 0 && !replied {
			replied = true
			_, _ = c.Write(fuzzReply)
		}
		if err != nil {
			break
		}
	}
	_ = c.Close()
	return res
}

// playServer plays data as the client against a deterministic hush server.
func playServer(t *testing.T, conn net.Conn) playResult {
	cfg := fuzzServerConfig(t)
	cryptotest.SetGlobalRandom(t, fuzzRandSeed)
	return playHush(Server(conn, cfg), false)
}

// playClient plays data as the server against a deterministic hush client.
func playClient(t *testing.T, conn net.Conn) playResult {
	cfg := fuzzClientConfig(t)
	cryptotest.SetGlobalRandom(t, fuzzRandSeed)
	return playHush(Client(conn, cfg), true)
}

// FuzzServerStream plays an arbitrary byte stream as the client against a
// hush server: the record deframer, the handshake reassembler, every
// ClientHello path, client certificates, static RSA, resumption, the
// post-handshake reader and the alert logic. It must never panic or hang.
// Seeds: testdata/fuzz/FuzzServerStream (streams recorded from crypto/tls
// and openssl clients) and hush's own first flights.
func FuzzServerStream(f *testing.F) {
	for _, seed := range seedClientStreams(f) {
		f.Add(seed)
	}
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Add([]byte{99, 3, 3, 0, 1, 0})
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		playServer(t, &scriptConn{r: bytes.NewReader(data)})
	})
}

// FuzzClientStream plays an arbitrary byte stream as the server against a
// hush client. Seeds: testdata/fuzz/FuzzClientStream (streams recorded
// from crypto/tls and openssl servers).
func FuzzClientStream(f *testing.F) {
	f.Add([]byte{22, 3, 3, 0, 4, 2, 0, 0, 0})
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		playClient(t, &scriptConn{r: bytes.NewReader(data)})
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
