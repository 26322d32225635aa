package handshake

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
	"weak"

	"github.com/hushtls/hush/internal/alert"
)

// maxCertChain bounds how many certificates a peer may send.
const maxCertChain = 16

// verifyPeerChain parses the peer's chain and, unless verification is off,
// verifies it with crypto/x509. It returns the parsed chain and the
// verified chains; every failure carries the alert RFC 8446, Section 6.2
// names for it. A chain seen before with the same verification inputs, and
// still within the validity period of the certificates it was verified
// through, comes from the verified-chain cache (chaincache.go) without
// being parsed or verified again.
func (hs *shared) verifyPeerChain(raw [][]byte) ([]*x509.Certificate, [][]*x509.Certificate, error) {
	p := hs.p
	if len(raw) > maxCertChain {
		return nil, nil, alert.New(alert.BadCertificate, "peer sent %d certificates, more than %d", len(raw), maxCertChain)
	}
	key := chainKey{sum: hashChain(raw), client: p.IsClient}
	var roots *x509.CertPool
	if p.IsClient {
		key.verify = !p.InsecureSkipVerify
		roots, key.name = p.RootCAs, p.ServerName
	} else {
		key.verify = p.ClientAuth >= VerifyClientCertIfGiven
		roots = p.ClientCAs
	}
	if !key.verify {
		roots, key.name = nil, ""
	}
	key.roots = weak.Make(roots)
	now := hs.now()
	e := peerChains.get(key, raw, now)
	if e == nil {
		own := copyChain(raw)
		certs, chains, err := parseAndVerify(key, roots, own, now)
		if err != nil {
			return nil, nil, err
		}
		e = newChainEntry(key, own, certs, chains)
		peerChains.put(e)
	}
	// The cached entry is shared between connections: each gets its own
	// slices, so nothing done to one connection's results reaches another.
	certs := append([]*x509.Certificate(nil), e.certs...)
	var chains [][]*x509.Certificate
	if e.chains != nil {
		chains = make([][]*x509.Certificate, len(e.chains))
		for i, ch := range e.chains {
			chains[i] = append([]*x509.Certificate(nil), ch...)
		}
	}
	hs.result.rawPeerCertificates = e.raw
	if p.VerifyPeerCertificate != nil {
		if err := p.VerifyPeerCertificate(raw, chains); err != nil {
			return nil, nil, alert.Default(alert.BadCertificate, err)
		}
	}
	return certs, chains, nil
}

// parseAndVerify parses raw and, when key.verify, verifies it at now with
// roots and the name and key usage of key.
func parseAndVerify(key chainKey, roots *x509.CertPool, raw [][]byte, now time.Time) ([]*x509.Certificate, [][]*x509.Certificate, error) {
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
	if !key.verify {
		return certs, nil, nil
	}
	opts := x509.VerifyOptions{CurrentTime: now, Intermediates: x509.NewCertPool(), Roots: roots}
	if key.client {
		opts.DNSName = key.name
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	} else {
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, err := certs[0].Verify(opts)
	if err != nil {
		a := certAlert(err)
		// A chain whose own signatures do not verify is corrupt, not
		// merely untrusted (RFC 8446, Section 6.2: bad_certificate).
		for i := 0; a == alert.UnknownCA && i+1 < len(certs); i++ {
			if certs[i].CheckSignatureFrom(certs[i+1]) != nil && bytes.Equal(certs[i].RawIssuer, certs[i+1].RawSubject) {
				a = alert.BadCertificate
			}
		}
		return nil, nil, alert.Wrap(a, fmt.Errorf("hush: verifying peer certificate: %w", err))
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
		return alert.Default(alert.BadCertificate, err)
	}
	return nil
}

// checkKeyUsage applies the certificate's keyUsage extension, when it has
// one: RFC 8446, Section 4.4.2.2: "the digitalSignature bit MUST be set if
// the Key Usage extension is present" for a key that signs the handshake;
// RFC 5246, Section 7.4.2: a static-RSA key must allow keyEncipherment.
func checkKeyUsage(leaf *x509.Certificate, encipher bool) error {
	if leaf.KeyUsage == 0 {
		return nil // no keyUsage extension
	}
	want, what := x509.KeyUsageDigitalSignature, "digitalSignature"
	if encipher {
		want, what = x509.KeyUsageKeyEncipherment, "keyEncipherment"
	}
	if leaf.KeyUsage&want == 0 {
		return alert.New(alert.UnsupportedCertificate, "peer certificate's keyUsage does not allow %s", what)
	}
	return nil
}

// reverifyClient checks a resumed session's client certificate against the
// server's current ClientCAs and time, when the policy verifies client
// certificates, and records the verified chains for ConnectionState. A
// session whose client certificate no longer verifies is not resumed.
func (hs *shared) reverifyClient(sess *SessionState) bool {
	p := hs.p
	if len(sess.PeerCertificates) == 0 || p.ClientAuth < VerifyClientCertIfGiven {
		return true
	}
	certs, err := sess.peerChain()
	if err != nil {
		return false
	}
	opts := x509.VerifyOptions{
		Roots: p.ClientCAs, CurrentTime: hs.now(), Intermediates: x509.NewCertPool(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, err := certs[0].Verify(opts)
	if err != nil {
		return false
	}
	sess.verified = chains
	return true
}

// acceptPeerChain verifies the peer's chain, applies its leaf's keyUsage
// (keyEncipherment for static RSA, digitalSignature otherwise) and records
// the chain in the result: every Certificate message goes through it.
func (hs *shared) acceptPeerChain(raw [][]byte, encipher bool) ([]*x509.Certificate, error) {
	certs, chains, err := hs.verifyPeerChain(raw)
	if err != nil {
		return nil, err
	}
	if err := checkKeyUsage(certs[0], encipher); err != nil {
		return nil, err
	}
	hs.result.PeerCertificates = certs
	hs.result.VerifiedChains = chains
	return certs, nil
}
