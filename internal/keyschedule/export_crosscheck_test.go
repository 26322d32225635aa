package keyschedule

// Cross-checks against crypto/tls, a free reference peer: run a crypto/tls
// client and server over net.Pipe, recover the secrets the key log does not
// give, and compare exporter output with ExportKeyingMaterial.

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/cryptotest"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// testCertificate returns a throwaway self-signed ECDSA certificate.
func testCertificate(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		DNSNames:     []string{"example.test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// recordingConn keeps a copy of everything read from and written to the
// underlying conn.
type recordingConn struct {
	net.Conn
	mu          sync.Mutex
	read, wrote bytes.Buffer
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.read.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.wrote.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// session is what a crypto/tls handshake left for the checks.
type session struct {
	conn        *tls.Conn
	keylog      string
	sent, recvd []byte // by the client
}

// handshake runs a crypto/tls client and server over net.Pipe. The client
// offers only X25519.
func handshake(t *testing.T, version uint16, suites []uint16, cert tls.Certificate) session {
	t.Helper()
	c, s := net.Pipe()
	t.Cleanup(func() { c.Close(); s.Close() })
	var keylog bytes.Buffer
	rec := &recordingConn{Conn: c}
	client := tls.Client(rec, &tls.Config{
		InsecureSkipVerify: true,
		MinVersion:         version,
		MaxVersion:         version,
		CipherSuites:       suites,
		CurvePreferences:   []tls.CurveID{tls.X25519},
		KeyLogWriter:       &keylog,
	})
	server := tls.Server(s, &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   version,
		MaxVersion:   version,
		CipherSuites: suites,
	})
	errc := make(chan error, 1)
	go func() { errc <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return session{client, keylog.String(), bytes.Clone(rec.wrote.Bytes()), bytes.Clone(rec.read.Bytes())}
}

// keylogSecret returns the secret of the first key log line with label.
func keylogSecret(t *testing.T, log, label string) (clientRandom, secret []byte) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == label {
			cr, err1 := hex.DecodeString(f[1])
			s, err2 := hex.DecodeString(f[2])
			if err1 != nil || err2 != nil {
				t.Fatal("bad key log line")
			}
			return cr, s
		}
	}
	t.Fatalf("no %s in key log", label)
	return nil, nil
}

// record is one TLS record.
type record struct {
	typ    byte
	header []byte
	body   []byte
}

// splitRecords cuts a byte stream into records.
func splitRecords(t *testing.T, b []byte) []record {
	t.Helper()
	var out []record
	for len(b) > 0 {
		if len(b) < 5 {
			t.Fatal("truncated record header")
		}
		n := int(b[3])<<8 | int(b[4])
		if len(b) < 5+n {
			t.Fatal("truncated record")
		}
		out = append(out, record{b[0], b[:5], b[5 : 5+n]})
		b = b[5+n:]
	}
	return out
}

// splitMessages cuts concatenated handshake messages.
func splitMessages(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			t.Fatal("truncated handshake header")
		}
		n := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if len(b) < 4+n {
			t.Fatal("truncated handshake message")
		}
		out = append(out, b[:4+n])
		b = b[4+n:]
	}
	return out
}

func suiteParams(t *testing.T, suite uint16) (h crypto.Hash, keyLen int, aead func([]byte) (cipher.AEAD, error)) {
	gcm := func(key []byte) (cipher.AEAD, error) {
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(b)
	}
	switch suite {
	case tls.TLS_AES_128_GCM_SHA256:
		return crypto.SHA256, 16, gcm
	case tls.TLS_AES_256_GCM_SHA384:
		return crypto.SHA384, 32, gcm
	case tls.TLS_CHACHA20_POLY1305_SHA256:
		return crypto.SHA256, 32, chacha20poly1305.New
	case tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
		return crypto.SHA256, 16, gcm
	case tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
		return crypto.SHA384, 32, gcm
	}
	t.Fatalf("unexpected suite %x", suite)
	return 0, 0, nil
}

// x25519Share returns the key_exchange of the first x25519 KeyShareEntry
// in a ClientHello or ServerHello key_share extension, found by pattern:
// group 0x001d, length 0x0020.
func x25519Share(t *testing.T, msg []byte) []byte {
	t.Helper()
	i := bytes.Index(msg, []byte{0x00, 0x1d, 0x00, 0x20})
	if i < 0 || len(msg) < i+4+32 {
		t.Fatal("no x25519 key share")
	}
	return msg[i+4 : i+4+32]
}

// TestSchedule13AgainstCryptoTLS runs a real crypto/tls TLS 1.3 handshake
// and follows it with this package: it recovers the client's X25519 key
// from the deterministic test randomness, recomputes every secret from the
// wire, checks them against crypto/tls's key log, decrypts the server's
// flight with TrafficKey, checks the server Finished, and compares Export13
// with ExportKeyingMaterial.
func TestSchedule13AgainstCryptoTLS(t *testing.T) {
	cert := testCertificate(t)
	cryptotest.SetGlobalRandom(t, 8448)
	ss := handshake(t, tls.VersionTLS13, nil, cert)

	// The client's scalar is 32 consecutive bytes of the random stream.
	clientHello := splitRecords(t, ss.sent)[0]
	if clientHello.typ != 22 {
		t.Fatal("first client record is not a handshake")
	}
	clientPub := x25519Share(t, clientHello.body)
	cryptotest.SetGlobalRandom(t, 8448)
	stream := make([]byte, 4096)
	if _, err := rand.Read(stream); err != nil {
		t.Fatal(err)
	}
	var clientKey *ecdh.PrivateKey
	for i := 0; i+32 <= len(stream) && clientKey == nil; i++ {
		k, err := ecdh.X25519().NewPrivateKey(stream[i : i+32])
		if err == nil && bytes.Equal(k.PublicKey().Bytes(), clientPub) {
			clientKey = k
		}
	}
	if clientKey == nil {
		t.Skip("client key not found in the test random stream; crypto/tls changed how it draws randomness")
	}

	records := splitRecords(t, ss.recvd)
	serverHello := records[0].body
	peer, err := ecdh.X25519().NewPublicKey(x25519Share(t, serverHello))
	if err != nil {
		t.Fatal(err)
	}
	shared, err := clientKey.ECDH(peer)
	if err != nil {
		t.Fatal(err)
	}

	st := ss.conn.ConnectionState()
	h, keyLen, newAEAD := suiteParams(t, st.CipherSuite)
	tr := NewTranscript()
	tr.Write(clientHello.body)
	tr.Write(serverHello)
	tr.SetHash(h)
	hs := NewEarlySecret(h, nil).HandshakeSecret(shared)
	chs := hs.ClientHandshakeTrafficSecret(tr.Sum())
	shs := hs.ServerHandshakeTrafficSecret(tr.Sum())
	_, want := keylogSecret(t, ss.keylog, "CLIENT_HANDSHAKE_TRAFFIC_SECRET")
	check(t, "client handshake traffic secret", chs, want)
	_, want = keylogSecret(t, ss.keylog, "SERVER_HANDSHAKE_TRAFFIC_SECRET")
	check(t, "server handshake traffic secret", shs, want)

	// Decrypt the server's encrypted flight with the derived keys.
	key, iv := TrafficKey(h, shs, keyLen, 12)
	aead, err := newAEAD(key)
	if err != nil {
		t.Fatal(err)
	}
	var flight []byte
	var seq uint64
	for _, r := range records[1:] {
		if r.typ != 23 {
			continue // change_cipher_spec for middlebox compatibility
		}
		nonce := bytes.Clone(iv)
		for i := 0; i < 8; i++ {
			nonce[len(nonce)-1-i] ^= byte(seq >> (8 * i))
		}
		seq++
		pt, err := aead.Open(nil, nonce, r.body, r.header)
		if err != nil {
			break // past the handshake keys
		}
		pt = bytes.TrimRight(pt, "\x00")
		if len(pt) == 0 || pt[len(pt)-1] != 22 {
			break
		}
		flight = append(flight, pt[:len(pt)-1]...)
	}
	msgs := splitMessages(t, flight)
	var finished []byte
	for _, m := range msgs {
		if m[0] == 20 {
			check(t, "server verify_data", m[4:], FinishedVerifyData(h, shs, tr.Sum()))
			finished = m
			tr.Write(m)
			break
		}
		tr.Write(m)
	}
	if finished == nil {
		t.Fatal("no server Finished in the decrypted flight")
	}

	ms := hs.MasterSecret()
	_, want = keylogSecret(t, ss.keylog, "CLIENT_TRAFFIC_SECRET_0")
	check(t, "client application traffic secret", ms.ClientApplicationTrafficSecret(tr.Sum()), want)
	_, want = keylogSecret(t, ss.keylog, "SERVER_TRAFFIC_SECRET_0")
	check(t, "server application traffic secret", ms.ServerApplicationTrafficSecret(tr.Sum()), want)

	exp := ms.ExporterMasterSecret(tr.Sum())
	for _, ctx := range [][]byte{nil, {}, []byte("some context")} {
		for _, n := range []int{0, 1, 32, 100} {
			want, err := st.ExportKeyingMaterial("EXPERIMENTAL hush", ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			check(t, "Export13", Export13(h, exp, "EXPERIMENTAL hush", ctx, n), want)
		}
	}
}

func TestExport12AgainstCryptoTLS(t *testing.T) {
	cert := testCertificate(t)
	for _, suite := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384} {
		ss := handshake(t, tls.VersionTLS12, []uint16{suite}, cert)
		cr, master := keylogSecret(t, ss.keylog, "CLIENT_RANDOM")
		// The server random is in the plaintext ServerHello, the first
		// record the client reads: record header (5), handshake header
		// (4), server_version (2), random (32).
		wire := ss.recvd
		if len(wire) < 43 || wire[0] != 22 || wire[5] != 2 {
			t.Fatalf("first record is not a ServerHello: % x", wire[:min(len(wire), 16)])
		}
		sr := wire[11:43]
		st := ss.conn.ConnectionState()
		if st.CipherSuite != suite {
			t.Fatalf("negotiated %x", st.CipherSuite)
		}
		h, _, _ := suiteParams(t, suite)
		for _, ctx := range [][]byte{nil, {}, []byte("some context")} {
			want, err := st.ExportKeyingMaterial("EXPERIMENTAL hush", ctx, 40)
			if err != nil {
				t.Fatal(err)
			}
			got := Export12(h, master, cr, sr, "EXPERIMENTAL hush", ctx, ctx != nil, 40)
			check(t, "Export12", got, want)
		}
	}
}
