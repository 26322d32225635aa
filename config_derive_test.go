package hush

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// deriveTestCert is a self-signed ECDSA certificate for host, without Leaf.
func deriveTestCert(t *testing.T, host string) Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestParamsDerivedOnce checks that the per-Config part of the handshake
// parameters is computed once and shared: a leaf left nil is parsed once,
// not at every handshake.
func TestParamsDerivedOnce(t *testing.T) {
	cfg := &Config{
		Certificates:     []Certificate{deriveTestCert(t, "a.example")},
		CurvePreferences: []CurveID{CurveP256, X25519},
		SignatureSchemes: []SignatureScheme{ECDSAWithP256AndSHA256},
	}
	p1, err := cfg.params(false)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := cfg.params(false)
	if err != nil {
		t.Fatal(err)
	}
	if p1 == p2 {
		t.Fatal("params shared between connections")
	}
	if p1.Certificates[0] != p2.Certificates[0] || p1.Certificates[0].Leaf == nil {
		t.Errorf("certificate converted twice or leaf not parsed")
	}
	if got := p1.CurvePreferences; len(got) != 2 || got[0] != uint16(CurveP256) || got[1] != uint16(X25519) {
		t.Errorf("CurvePreferences = %v", got)
	}
	if got := p1.SignatureSchemes; len(got) != 1 || got[0] != uint16(ECDSAWithP256AndSHA256) {
		t.Errorf("SignatureSchemes = %v", got)
	}
	if p1.SealTicket == nil || p1.OpenTicket == nil {
		t.Errorf("ticket callbacks missing")
	}
	if n := testing.AllocsPerRun(10, func() { _, _ = cfg.params(false) }); n > 1 {
		t.Errorf("params allocates %v times per call, want 1 (the Params)", n)
	}
}

// TestParamsCertificateErrorEveryTime checks that a certificate that cannot
// be converted fails every handshake, not only the first.
func TestParamsCertificateErrorEveryTime(t *testing.T) {
	bad := deriveTestCert(t, "a.example")
	bad.Certificate = [][]byte{[]byte("not DER")}
	cfg := &Config{Certificates: []Certificate{bad}}
	for i := range 3 {
		if _, err := cfg.params(false); err == nil {
			t.Fatalf("call %d: no error for an unparsable leaf", i)
		}
	}
	cfg = &Config{Certificates: []Certificate{{Certificate: bad.Certificate}}}
	for i := range 2 {
		if _, err := cfg.params(false); err == nil {
			t.Fatalf("call %d: no error for a certificate without a key", i)
		}
	}
}

// TestParamsFollowReplacedFields checks that a Clone, and a copy by value,
// whose fields are changed before use get parameters from their own
// fields, and the original keeps its own.
func TestParamsFollowReplacedFields(t *testing.T) {
	a, b := deriveTestCert(t, "a.example"), deriveTestCert(t, "b.example")
	orig := &Config{Certificates: []Certificate{a}, CurvePreferences: []CurveID{X25519}}
	leafOf := func(c *Config) string {
		t.Helper()
		p, err := c.params(false)
		if err != nil {
			t.Fatal(err)
		}
		return p.Certificates[0].Leaf.Subject.CommonName
	}
	if got := leafOf(orig); got != "a.example" {
		t.Fatalf("original: %s", got)
	}
	clone := orig.Clone()
	clone.Certificates = []Certificate{b}
	if got := leafOf(clone); got != "b.example" {
		t.Errorf("clone: %s, want b.example", got)
	}
	byValue := new(Config)
	*byValue = *orig //nolint:govet // deliberately a copy by value
	byValue.Certificates = []Certificate{b}
	byValue.CurvePreferences = []CurveID{CurveP384}
	if got := leafOf(byValue); got != "b.example" {
		t.Errorf("copy by value: %s, want b.example", got)
	}
	if p, _ := byValue.params(false); len(p.CurvePreferences) != 1 || p.CurvePreferences[0] != uint16(CurveP384) {
		t.Errorf("copy by value: CurvePreferences %v", p.CurvePreferences)
	}
	if got := leafOf(orig); got != "a.example" {
		t.Errorf("original after the copies: %s", got)
	}
	// The ticket callbacks belong to their own Config: the copy's seal
	// with its own keys.
	p, _ := byValue.params(false)
	byValue.SetSessionTicketKeys([][32]byte{{1}})
	ticket, err := p.SealTicket([]byte("state"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.OpenTicket(ticket); !ok {
		t.Error("copy's ticket does not open with its own callbacks")
	}
}

// TestConfigSharedByConcurrentHandshakes runs handshakes on one fresh
// Config from many goroutines at once (run with -race): the first use
// derives the shared parameters concurrently.
func TestConfigSharedByConcurrentHandshakes(t *testing.T) {
	cert := deriveTestCert(t, "a.example")
	for range 3 {
		srv := &Config{Certificates: []Certificate{cert}, MaxVersion: VersionTLS12}
		cli := &Config{InsecureSkipVerify: true, ServerName: "a.example"}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rc, rs := net.Pipe()
				defer rc.Close()
				defer rs.Close()
				_ = srv.Clone() // a Clone during the first handshakes
				c, s := Client(rc, cli), Server(rs, srv)
				errc := make(chan error, 1)
				go func() { errc <- s.Handshake() }()
				if err := c.Handshake(); err != nil {
					t.Error(err)
				}
				if err := <-errc; err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
}
