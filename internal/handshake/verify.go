package handshake

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/hushtls/hush/internal/alert"
)

// maxCertChain bounds how many certificates a peer may send.
const maxCertChain = 16

// verifyPeerChain parses the peer's chain and, unless verification is off,
// verifies it with crypto/x509. It returns the parsed chain and the
// verified chains; every failure carries the alert RFC 8446, Section 6.2
// names for it.
func (hs *shared) verifyPeerChain(raw [][]byte) ([]*x509.Certificate, [][]*x509.Certificate, error) {
	p := hs.p
	if len(raw) > maxCertChain {
		return nil, nil, alert.New(alert.BadCertificate, "peer sent %d certificates, more than %d", len(raw), maxCertChain)
	}
	certs := make([]*x509.Certificate, len(raw))
	for i, der := range raw {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, nil, alert.Wrap(alert.BadCertificate, fmt.Errorf("hush: parsing peer certificate: %w", err))
		}
		certs[i] = c
	}
	switch certs[0].PublicKey.(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey, ed25519.PublicKey:
	default:
		return nil, nil, alert.New(alert.UnsupportedCertificate, "unsupported peer public key type %T", certs[0].PublicKey)
	}

	var verify bool
	opts := x509.VerifyOptions{CurrentTime: hs.now(), Intermediates: x509.NewCertPool()}
	if p.IsClient {
		verify = !p.InsecureSkipVerify
		opts.Roots = p.RootCAs
		opts.DNSName = p.ServerName
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	} else {
		verify = p.ClientAuth >= VerifyClientCertIfGiven
		opts.Roots = p.ClientCAs
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	var chains [][]*x509.Certificate
	if verify {
		for _, c := range certs[1:] {
			opts.Intermediates.AddCert(c)
		}
		var err error
		chains, err = certs[0].Verify(opts)
		if err != nil {
			return nil, nil, alert.Wrap(certAlert(err), fmt.Errorf("hush: verifying peer certificate: %w", err))
		}
	}
	hs.result.rawPeerCertificates = raw
	if p.VerifyPeerCertificate != nil {
		if err := p.VerifyPeerCertificate(raw, chains); err != nil {
			return nil, nil, alert.Wrap(alert.BadCertificate, err)
		}
	}
	return certs, chains, nil
}

// certAlert maps a crypto/x509 verification error to its alert.
func certAlert(err error) alert.Alert {
	var ua x509.UnknownAuthorityError
	var inv x509.CertificateInvalidError
	var hn x509.HostnameError
	switch {
	case errors.As(err, &ua):
		return alert.UnknownCA
	case errors.As(err, &inv):
		if inv.Reason == x509.Expired {
			return alert.CertificateExpired
		}
		return alert.BadCertificate
	case errors.As(err, &hn):
		return alert.BadCertificate
	}
	return alert.BadCertificate
}

// runVerifyConnection calls the VerifyConnection hook, if any.
func (hs *shared) runVerifyConnection() error {
	if hs.p.VerifyConnection == nil {
		return nil
	}
	if err := hs.p.VerifyConnection(&hs.result); err != nil {
		return alert.Wrap(alert.BadCertificate, err)
	}
	return nil
}
