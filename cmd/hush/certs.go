package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/hushtls/hush"
)

// demoPKI is a throwaway certificate authority and a server certificate it
// issued, all in memory.
type demoPKI struct {
	// Roots holds the CA certificate, for the client's RootCAs.
	Roots *x509.CertPool
	// Server is the server's certificate and key, loaded through
	// hush.X509KeyPair.
	Server hush.Certificate
	// KeyType describes the server key, e.g. "ECDSA P-256".
	KeyType string
}

// newDemoPKI creates a fresh ECDSA P-256 CA and a server certificate for
// "localhost", 127.0.0.1 and ::1. The server key is ECDSA P-256, or
// RSA-2048 when rsaServer is set (static-RSA and ECDHE_RSA suites need it).
func newDemoPKI(rsaServer bool) (*demoPKI, error) {
	now := time.Now()

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "hush demo CA", Organization: []string{"hush demo"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, caKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("creating the CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}

	var (
		serverKey crypto.Signer
		keyType   string
		usage     = x509.KeyUsageDigitalSignature
	)
	if rsaServer {
		serverKey, err = rsa.GenerateKey(rand.Reader, 2048)
		keyType = "RSA-2048"
		// The static-RSA key exchange encrypts the premaster secret to
		// this key.
		usage |= x509.KeyUsageKeyEncipherment
	} else {
		serverKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		keyType = "ECDSA P-256"
	}
	if err != nil {
		return nil, err
	}
	leafTemplate := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"hush demo"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     usage,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTemplate, ca, serverKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("creating the server certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(serverKey)
	if err != nil {
		return nil, err
	}

	// Go through PEM and hush.X509KeyPair, as a program loading files
	// would.
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	cert, err := hush.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return &demoPKI{Roots: roots, Server: cert, KeyType: keyType}, nil
}

func randomSerial() *big.Int {
	// 128 random bits; rand.Int only fails if the system RNG does, and
	// crypto/rand never returns an error on supported platforms.
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	return n
}
