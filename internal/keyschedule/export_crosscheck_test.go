package keyschedule

import (
	"bufio"
	"bytes"
	"crypto"
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
	"time"
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

// recordingConn keeps a copy of everything read from the underlying conn.
type recordingConn struct {
	net.Conn
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.buf.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

// handshake runs a crypto/tls client and server over net.Pipe and returns
// the client connection, the key log, and the bytes the client read.
func handshake(t *testing.T, version uint16, suites []uint16) (*tls.Conn, string, []byte) {
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
		KeyLogWriter:       &keylog,
	})
	server := tls.Server(s, &tls.Config{
		Certificates: []tls.Certificate{testCertificate(t)},
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
	return client, keylog.String(), bytes.Clone(rec.buf.Bytes())
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

func suiteHash(suite uint16) crypto.Hash {
	switch suite {
	case tls.TLS_AES_256_GCM_SHA384, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
		return crypto.SHA384
	}
	return crypto.SHA256
}

func TestExport12AgainstCryptoTLS(t *testing.T) {
	for _, suite := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384} {
		conn, log, wire := handshake(t, tls.VersionTLS12, []uint16{suite})
		cr, master := keylogSecret(t, log, "CLIENT_RANDOM")
		// The server random is in the plaintext ServerHello, the first
		// record the client reads: record header (5), handshake header
		// (4), server_version (2), random (32).
		if len(wire) < 43 || wire[0] != 22 || wire[5] != 2 {
			t.Fatalf("first record is not a ServerHello: % x", wire[:min(len(wire), 16)])
		}
		sr := wire[11:43]
		st := conn.ConnectionState()
		if st.CipherSuite != suite {
			t.Fatalf("negotiated %x", st.CipherSuite)
		}
		h := suiteHash(suite)
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
