package hush

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// Certificate is a certificate chain (leaf first, DER) and its private key.
type Certificate struct {
	Certificate [][]byte
	// PrivateKey must implement crypto.Signer: *ecdsa.PrivateKey,
	// *rsa.PrivateKey, ed25519.PrivateKey, or a hardware-backed signer.
	PrivateKey crypto.PrivateKey
	// Leaf is the parsed leaf; X509KeyPair sets it. When nil it is parsed
	// once per Config for Config.Certificates (the Config must not change
	// once in use), and at each handshake for a Certificate that
	// GetCertificate returns.
	Leaf *x509.Certificate
	// OCSPStaple is sent to clients that ask for it.
	OCSPStaple []byte
	// SignedCertificateTimestamps are sent to clients that ask for them.
	SignedCertificateTimestamps [][]byte
	// SupportedSignatureAlgorithms, when set, restricts the schemes the
	// private key signs with, in preference order (crypto/tls's meaning).
	SupportedSignatureAlgorithms []SignatureScheme
}

// LoadX509KeyPair reads a PEM certificate chain and a PEM private key from
// files.
func LoadX509KeyPair(certFile, keyFile string) (Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return Certificate{}, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return Certificate{}, err
	}
	return X509KeyPair(certPEM, keyPEM)
}

// X509KeyPair parses a PEM certificate chain and a PEM private key (PKCS#8,
// PKCS#1 or SEC 1) and checks that they match.
func X509KeyPair(certPEMBlock, keyPEMBlock []byte) (Certificate, error) {
	var cert Certificate
	for rest := certPEMBlock; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			cert.Certificate = append(cert.Certificate, block.Bytes)
		}
	}
	if len(cert.Certificate) == 0 {
		return Certificate{}, errors.New("hush: no CERTIFICATE block in the certificate PEM")
	}
	var keyDER *pem.Block
	for rest := keyPEMBlock; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "PRIVATE KEY" || block.Type == "RSA PRIVATE KEY" || block.Type == "EC PRIVATE KEY" {
			keyDER = block
			break
		}
	}
	if keyDER == nil {
		return Certificate{}, errors.New("hush: no private key block in the key PEM")
	}
	key, err := parsePrivateKey(keyDER.Bytes)
	if err != nil {
		return Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return Certificate{}, fmt.Errorf("hush: parsing leaf certificate: %w", err)
	}
	if !publicKeysEqual(leaf.PublicKey, key.Public()) {
		return Certificate{}, errors.New("hush: private key does not match the leaf certificate's public key")
	}
	cert.PrivateKey = key
	cert.Leaf = leaf
	return cert, nil
}

func parsePrivateKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		switch k := k.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
			return k.(crypto.Signer), nil
		}
		return nil, fmt.Errorf("hush: unsupported private key type %T", k)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("hush: cannot parse the private key")
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}
