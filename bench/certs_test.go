package bench

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"time"

	"github.com/hushtls/hush"
)

// serverName is the DNS name in every leaf certificate.
const serverName = "bench.hush.test"

// chain is a server certificate chain (leaf, intermediate) under its own
// root, so that clients really build and verify a chain.
type chain struct {
	der  [][]byte // leaf first, then the intermediate
	key  crypto.Signer
	leaf *x509.Certificate
	root *x509.Certificate
	pool *x509.CertPool // holds only root
}

func (c *chain) hush() hush.Certificate {
	return hush.Certificate{Certificate: c.der, PrivateKey: c.key, Leaf: c.leaf}
}

func (c *chain) tls() tls.Certificate {
	return tls.Certificate{Certificate: c.der, PrivateKey: c.key, Leaf: c.leaf}
}

// keyKind selects the key type of a whole chain.
type keyKind int

const (
	ecdsaP256 keyKind = iota
	rsa2048
)

var (
	chainOnce [2]sync.Once
	chains    [2]*chain
)

// getChain returns the chain of kind k, generated once per process.
func getChain(k keyKind) *chain {
	chainOnce[k].Do(func() { chains[k] = newChain(k) })
	return chains[k]
}

func newKey(k keyKind) crypto.Signer {
	var (
		key crypto.Signer
		err error
	)
	switch k {
	case ecdsaP256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case rsa2048:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		panic(err)
	}
	return key
}

// newChain builds root → intermediate → leaf, all of key kind k.
func newChain(k keyKind) *chain {
	now := time.Now()
	serial := int64(1)
	issue := func(tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, signer crypto.Signer) *x509.Certificate {
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore = now.Add(-time.Hour)
		tmpl.NotAfter = now.Add(7 * 24 * time.Hour)
		if parent == nil {
			parent = tmpl
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
		if err != nil {
			panic(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		return cert
	}
	ca := func(name string) *x509.Certificate {
		return &x509.Certificate{
			Subject:               pkix.Name{CommonName: name},
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
	}
	rootKey, interKey, leafKey := newKey(k), newKey(k), newKey(k)
	root := issue(ca("hush bench root"), rootKey.Public(), nil, rootKey)
	inter := issue(ca("hush bench intermediate"), interKey.Public(), root, rootKey)
	leaf := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: serverName},
		DNSNames:    []string{serverName},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, leafKey.Public(), inter, interKey)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return &chain{der: [][]byte{leaf.Raw, inter.Raw}, key: leafKey, leaf: leaf, root: root, pool: pool}
}
