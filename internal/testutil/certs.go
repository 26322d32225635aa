package testutil

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// KeyKind selects the leaf key type of a generated chain.
type KeyKind int

// The leaf key types NewChain can generate.
const (
	ECDSAP256 KeyKind = iota
	ECDSAP384
	RSA2048
	Ed25519
)

// String returns a short name usable in subtest names, e.g. "ECDSA-P256".
func (k KeyKind) String() string {
	switch k {
	case ECDSAP256:
		return "ECDSA-P256"
	case ECDSAP384:
		return "ECDSA-P384"
	case RSA2048:
		return "RSA-2048"
	case Ed25519:
		return "Ed25519"
	}
	return fmt.Sprintf("KeyKind(%d)", int(k))
}

// DefaultHosts are the subject alternative names NewChain uses when none are
// given.
var DefaultHosts = []string{"localhost", "127.0.0.1", "example.com"}

// Chain is a three-level certificate chain, root -> intermediate -> leaf, so
// that chain building is exercised by every handshake that uses it.
//
// Chains are cached and shared between tests of a process: treat every field
// as read-only.
type Chain struct {
	// Root is the self-signed trust anchor (ECDSA P-256).
	Root *x509.Certificate
	// RootDER is Root in DER form.
	RootDER []byte
	// RootPool holds only Root.
	RootPool *x509.CertPool

	// Intermediate is the CA certificate that signed Leaf (ECDSA P-256).
	Intermediate *x509.Certificate
	// Leaf is the end-entity certificate.
	Leaf *x509.Certificate
	// Certificates is the chain as sent on the wire: leaf DER first, then
	// the intermediate DER.
	Certificates [][]byte
	// Key is the leaf's private key (*ecdsa.PrivateKey, *rsa.PrivateKey or
	// ed25519.PrivateKey).
	Key crypto.Signer

	// CertPEM holds the leaf then the intermediate certificate, PEM encoded.
	CertPEM []byte
	// KeyPEM is Key as a PKCS#8 "PRIVATE KEY" PEM block.
	KeyPEM []byte
	// IntermediatePEM is Intermediate, PEM encoded.
	IntermediatePEM []byte
	// RootPEM is Root, PEM encoded.
	RootPEM []byte

	interKey crypto.Signer
}

type chainKey struct {
	root  *Chain // nil for NewChain
	kind  KeyKind
	hosts string
}

var (
	cacheMu   sync.Mutex
	chains    = map[chainKey]*Chain{}
	leafKeys  = map[KeyKind]crypto.Signer{}
	chainTime = time.Now()
)

// NewChain returns a chain with a fresh root and intermediate (ECDSA P-256)
// and a leaf of the given kind whose subject alternative names are hosts:
// each host is a DNS name or an IP address. With no hosts, DefaultHosts is
// used. The leaf is valid from one hour ago to 24 hours from now and may be
// used for both server and client authentication.
//
// Chains are cached per (kind, hosts) for the life of the process, so two
// calls with the same arguments return the same *Chain; chains with different
// arguments have different roots. Leaf keys are generated once per KeyKind.
func NewChain(t testing.TB, kind KeyKind, hosts ...string) *Chain {
	t.Helper()
	return chainFor(t, nil, kind, hosts)
}

// NewChainWithRoot returns a chain whose leaf, of the given kind and for the
// given hosts, is issued by root's intermediate, so both chains verify
// against the same RootPool (useful for SNI tests that serve two certificates
// under one trust anchor). Results are cached like NewChain's.
func NewChainWithRoot(t testing.TB, root *Chain, kind KeyKind, hosts ...string) *Chain {
	t.Helper()
	if root == nil {
		t.Fatal("testutil: NewChainWithRoot with a nil root chain")
	}
	return chainFor(t, root, kind, hosts)
}

func chainFor(t testing.TB, root *Chain, kind KeyKind, hosts []string) *Chain {
	t.Helper()
	if len(hosts) == 0 {
		hosts = DefaultHosts
	}
	key := chainKey{root: root, kind: kind, hosts: strings.Join(hosts, "\x00")}

	cacheMu.Lock()
	defer cacheMu.Unlock()
	if c, ok := chains[key]; ok {
		return c
	}
	c, err := buildChain(root, kind, hosts)
	if err != nil {
		t.Fatalf("testutil: generating %v chain for %q: %v", kind, hosts, err)
	}
	chains[key] = c
	return c
}

// leafKey returns the cached leaf key for kind. cacheMu must be held.
func leafKey(kind KeyKind) (crypto.Signer, error) {
	if k, ok := leafKeys[kind]; ok {
		return k, nil
	}
	var (
		k   crypto.Signer
		err error
	)
	switch kind {
	case ECDSAP256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ECDSAP384:
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case RSA2048:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case Ed25519:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("unknown key kind %v", kind)
	}
	if err != nil {
		return nil, err
	}
	leafKeys[kind] = k
	return k, nil
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func buildChain(root *Chain, kind KeyKind, hosts []string) (*Chain, error) {
	notBefore := chainTime.Add(-time.Hour)
	notAfter := chainTime.Add(24 * time.Hour)

	c := &Chain{}
	if root != nil {
		c.Root, c.RootDER, c.RootPool, c.RootPEM = root.Root, root.RootDER, root.RootPool, root.RootPEM
		c.Intermediate, c.interKey = root.Intermediate, root.interKey
	} else {
		rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		sn, err := serial()
		if err != nil {
			return nil, err
		}
		rootTmpl := &x509.Certificate{
			SerialNumber:          sn,
			Subject:               pkix.Name{Organization: []string{"hush test"}, CommonName: "hush test root " + sn.Text(16)[:8]},
			NotBefore:             notBefore,
			NotAfter:              notAfter,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
		c.RootDER, err = x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
		if err != nil {
			return nil, err
		}
		if c.Root, err = x509.ParseCertificate(c.RootDER); err != nil {
			return nil, err
		}
		c.RootPool = x509.NewCertPool()
		c.RootPool.AddCert(c.Root)
		c.RootPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.RootDER})

		interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		if sn, err = serial(); err != nil {
			return nil, err
		}
		interTmpl := &x509.Certificate{
			SerialNumber:          sn,
			Subject:               pkix.Name{Organization: []string{"hush test"}, CommonName: "hush test intermediate " + sn.Text(16)[:8]},
			NotBefore:             notBefore,
			NotAfter:              notAfter,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
			MaxPathLenZero:        true,
		}
		interDER, err := x509.CreateCertificate(rand.Reader, interTmpl, c.Root, interKey.Public(), rootKey)
		if err != nil {
			return nil, err
		}
		if c.Intermediate, err = x509.ParseCertificate(interDER); err != nil {
			return nil, err
		}
		c.interKey = interKey
	}

	key, err := leafKey(kind)
	if err != nil {
		return nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{Organization: []string{"hush test"}, CommonName: hosts[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if kind == RSA2048 {
		// Static-RSA key exchange encrypts to this key; OpenSSL refers to
		// the key usage extension before it offers such suites.
		leafTmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			leafTmpl.IPAddresses = append(leafTmpl.IPAddresses, ip)
		} else {
			leafTmpl.DNSNames = append(leafTmpl.DNSNames, h)
		}
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, c.Intermediate, key.Public(), c.interKey)
	if err != nil {
		return nil, err
	}
	if c.Leaf, err = x509.ParseCertificate(leafDER); err != nil {
		return nil, err
	}
	c.Key = key
	c.Certificates = [][]byte{leafDER, c.Intermediate.Raw}
	c.IntermediatePEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Intermediate.Raw})
	c.CertPEM = append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}), c.IntermediatePEM...)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	c.KeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	return c, nil
}

// WriteFiles writes CertPEM, KeyPEM and RootPEM to new files in dir (usually
// t.TempDir()) and returns their paths. File names are unique, so several
// chains can share a dir.
//
// Note for openssl: -cert reads only the first certificate of its file, so
// s_server and s_client would send the leaf alone. Use OpenSSLArgs, which
// adds the intermediate with -cert_chain.
func (c *Chain) WriteFiles(t testing.TB, dir string) (certFile, keyFile, rootFile string) {
	t.Helper()
	return writeTemp(t, dir, "cert-*.pem", c.CertPEM),
		writeTemp(t, dir, "key-*.pem", c.KeyPEM),
		writeTemp(t, dir, "root-*.pem", c.RootPEM)
}

// OpenSSLArgs writes the chain to files in dir and returns the s_server or
// s_client flags that make openssl present it: -cert (the leaf), -key and
// -cert_chain (the intermediate).
func (c *Chain) OpenSSLArgs(t testing.TB, dir string) []string {
	t.Helper()
	certFile, keyFile, _ := c.WriteFiles(t, dir)
	return []string{"-cert", certFile, "-key", keyFile,
		"-cert_chain", writeTemp(t, dir, "chain-*.pem", c.IntermediatePEM)}
}

// RootFile writes RootPEM to a file in dir and returns its path, for
// openssl's -CAfile (with -verify_return_error, so that a failed
// verification fails the handshake).
func (c *Chain) RootFile(t testing.TB, dir string) string {
	t.Helper()
	return writeTemp(t, dir, "root-*.pem", c.RootPEM)
}

func writeTemp(t testing.TB, dir, pattern string, data []byte) string {
	t.Helper()
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		t.Fatalf("testutil: %v", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		t.Fatalf("testutil: writing %s: %v", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("testutil: closing %s: %v", f.Name(), err)
	}
	return f.Name()
}
