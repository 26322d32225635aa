package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// parseCANames reads -use-client-ca-list: comma-separated hex DER
// distinguished names, or "<NULL>" and "<EMPTY>" for none.
func parseCANames(s string) ([][]byte, error) {
	if s == "<NULL>" || s == "<EMPTY>" || s == "" {
		return nil, nil
	}
	var names [][]byte
	for _, h := range strings.Split(s, ",") {
		name, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("client CA name %q: %v", h, err)
		}
		names = append(names, name)
	}
	return names, nil
}

// caNamePool returns a pool whose Subjects are names, in order: hush's
// server sends Config.ClientCAs' subjects as the CertificateRequest's
// certificate authorities, and a pool holds certificates, not names, so
// each name gets a throwaway self-signed certificate with that subject.
// The pool is only ever advertised: the shim's server never asks hush to
// verify client chains against it.
func caNamePool(names [][]byte) (*x509.CertPool, error) {
	if len(names) == 0 {
		return nil, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for i, name := range names {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), RawSubject: name}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return nil, fmt.Errorf("client CA name %x: %v", name, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		pool.AddCert(cert)
	}
	return pool, nil
}
