package main

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/suites"
)

// supportedGroups are the groups hush implements, by IANA number.
var supportedGroups = []hush.CurveID{hush.X25519, hush.CurveP256, hush.CurveP384, hush.CurveP521, hush.X25519MLKEM768}

// validate refuses, as unimplemented, combinations of flags this shim
// cannot honour with hush's API; call it before connecting.
func (c *testConfig) validate() error {
	if c.maxVersion != 0 && c.maxVersion < int(hush.VersionTLS12) {
		return unimplemented("versions below TLS 1.2")
	}
	if c.noTLS12 && c.noTLS13 {
		return unimplemented("versions below TLS 1.2")
	}
	if c.rejectALPN && !c.server {
		return unimplemented("-reject-alpn on a client")
	}
	for _, g := range c.curves {
		if !slices.Contains(supportedGroups, hush.CurveID(g)) {
			return unimplemented("group %#04x", g)
		}
	}
	if c.cipher != "" {
		if _, err := parseCipherList(c.cipher); err != nil {
			return err
		}
	}
	return nil
}

// parseCipherList reads a colon-separated list of standard suite names (or
// names without the TLS_ prefix). BoringSSL's cipher rule language (ALL,
// !AES, [A|B] groups, ...) is not supported.
func parseCipherList(s string) ([]uint16, error) {
	var ids []uint16
	for _, name := range strings.Split(s, ":") {
		found := false
		for _, suite := range suites.All() {
			if suite.Name == name || suite.Name == "TLS_"+name {
				ids = append(ids, suite.ID)
				found = true
				break
			}
		}
		if !found {
			return nil, unimplemented("cipher rule %q", name)
		}
	}
	return ids, nil
}

// hushConfig builds the hush configuration for one connection.
func (c *testConfig) hushConfig() (*hush.Config, error) {
	cfg := &hush.Config{
		// BoringSSL enables static-RSA key exchange by default; so does the
		// shim, to run the same tests.
		EnableRSAKeyExchange: true,
		ServerName:           c.hostName,
		SignatureSchemes:     c.verifyPrefs,
		// BoringSSL's max_cert_list bounds every handshake message.
		MaxHandshakeMessageSize: c.maxCertList,
	}
	if c.exportTrafficSecrets {
		c.keyLog = new(keyLogCapture)
		cfg.KeyLogWriter = c.keyLog
	}

	// BoringSSL tries the credentials added with -new-x509-credential in
	// order, and the default one last.
	for _, cred := range append(append([]credential(nil), c.extra...), c.credential) {
		if cred.certFile == "" && cred.keyFile == "" {
			continue
		}
		cert, err := c.loadCredential(cred)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = append(cfg.Certificates, cert)
	}

	// Versions: hush speaks TLS 1.2 and 1.3 only.
	cfg.MinVersion, cfg.MaxVersion = hush.VersionTLS12, hush.VersionTLS13
	if c.minVersion > int(hush.VersionTLS12) {
		cfg.MinVersion = uint16(c.minVersion)
	}
	if c.maxVersion != 0 && c.maxVersion < int(hush.VersionTLS13) {
		cfg.MaxVersion = uint16(c.maxVersion)
	}
	if c.noTLS13 {
		cfg.MaxVersion = hush.VersionTLS12
	}
	if c.noTLS12 {
		cfg.MinVersion = hush.VersionTLS13
	}

	for _, g := range c.curves {
		cfg.CurvePreferences = append(cfg.CurvePreferences, hush.CurveID(g))
	}

	if c.cipher != "" {
		ids, err := parseCipherList(c.cipher)
		if err != nil {
			return nil, err
		}
		// BoringSSL's cipher list configures TLS 1.2 only; TLS 1.3 suites
		// stay at their defaults.
		for _, id := range suites.DefaultOrder() {
			if s, ok := suites.Lookup(id); ok && s.Version == hush.VersionTLS13 {
				cfg.CipherSuites = append(cfg.CipherSuites, id)
			}
		}
		cfg.CipherSuites = append(cfg.CipherSuites, ids...)
	}

	// Peer verification: BoringSSL's shim replaces chain building with a
	// callback that accepts everything unless -verify-fail is set.
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error {
		if c.verifyFail {
			return errors.New("certificate rejected by -verify-fail")
		}
		return nil
	}
	if c.server {
		switch {
		case c.requireAnyClientCert:
			cfg.ClientAuth = hush.RequireAnyClientCert
		case c.verifyPeer:
			cfg.ClientAuth = hush.RequestClientCert
		}
		pool, err := caNamePool(c.clientCANames)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return nil
			}
			return verify(raw, chains)
		}
		if c.useEarlyCallback || c.failEarlyCallback || c.failDDoSCallback {
			failEarly, failDDoS := c.failEarlyCallback, c.failDDoSCallback
			cfg.GetConfigForClient = func(*hush.ClientHelloInfo) (*hush.Config, error) {
				switch {
				case failEarly:
					return nil, &hush.AlertError{Alert: hush.AlertHandshakeFailure,
						Err: errors.New("connection rejected by -fail-early-callback")}
				case failDDoS:
					return nil, errors.New("connection rejected by -fail-ddos-callback")
				}
				return nil, nil
			}
		}
		if c.selectALPN != "" && !c.declineALPN {
			cfg.NextProtos = []string{c.selectALPN}
		}
		if c.rejectALPN {
			// A protocol no client offers: hush then answers
			// no_application_protocol (RFC 7301, Section 3.2).
			cfg.NextProtos = []string{"hush-bogo-reject-alpn"}
		}
		if len(c.expectAdvertisedALPN) > 0 || len(c.expectPeerVerifyPrefs) > 0 || c.failOCSPCallback || c.failCertCallback {
			wantALPN, wantPrefs := c.expectAdvertisedALPN, c.expectPeerVerifyPrefs
			fail := c.failOCSPCallback || c.failCertCallback
			cfg.GetCertificate = func(hi *hush.ClientHelloInfo) (*hush.Certificate, error) {
				if fail {
					return nil, errors.New("certificate or OCSP callback failed (-fail-cert-callback, -fail-ocsp-callback)")
				}
				if len(wantALPN) > 0 && !slices.Equal(hi.SupportedProtos, wantALPN) {
					return nil, fmt.Errorf("client advertised ALPN %q, want %q", hi.SupportedProtos, wantALPN)
				}
				if len(wantPrefs) > 0 && !slices.Equal(hi.SignatureSchemes, wantPrefs) {
					return nil, fmt.Errorf("client advertised signature schemes %x, want %x", hi.SignatureSchemes, wantPrefs)
				}
				return nil, nil
			}
		}
	} else {
		cfg.InsecureSkipVerify = true
		if want := c.expectClientCANames; want != nil {
			// Check the CA names, then answer as without a callback: the
			// first configured certificate (the shim's only one).
			cfg.GetClientCertificate = func(info *hush.CertificateRequestInfo) (*hush.Certificate, error) {
				if !slices.EqualFunc(info.AcceptableCAs, want, bytes.Equal) {
					return nil, fmt.Errorf("server listed %d CA names, want %d (or different names)", len(info.AcceptableCAs), len(want))
				}
				if len(cfg.Certificates) == 0 {
					return nil, nil
				}
				return &cfg.Certificates[0], nil
			}
		}
		if c.failCertCallback {
			// BoringSSL's client certificate callback failing is a
			// GetClientCertificate error: internal_error.
			cfg.GetClientCertificate = func(*hush.CertificateRequestInfo) (*hush.Certificate, error) {
				return nil, errors.New("client certificate callback failed (-fail-cert-callback)")
			}
		}
		if c.verifyPeer {
			cfg.VerifyPeerCertificate = verify
		}
		if c.reverifyOnResume || c.failOCSPCallback {
			cfg.VerifyConnection = func(cs hush.ConnectionState) error {
				// A client's OCSP callback runs whether or not a
				// response was stapled, and its failure is
				// bad_certificate_status_response (RFC 6066, Section
				// 8), which the callback chooses with an *AlertError.
				if c.failOCSPCallback {
					return &hush.AlertError{Alert: hush.AlertBadCertificateStatusResponse,
						Err: errors.New("OCSP response rejected by -fail-ocsp-callback")}
				}
				if cs.DidResume && c.verifyFail {
					return errors.New("certificate rejected on resumption by -verify-fail")
				}
				return nil
			}
		}
		cfg.NextProtos = c.advertiseALPN
	}
	if c.policy != nil {
		if err := c.policy.apply(cfg); err != nil {
			return nil, err
		}
	}
	applyResumption(c, cfg)
	return cfg, nil
}

// loadCredential reads one credential's chain, key and stapled data.
func (c *testConfig) loadCredential(cred credential) (hush.Certificate, error) {
	cert, err := hush.LoadX509KeyPair(cred.certFile, cred.keyFile)
	if err != nil {
		return cert, err
	}
	if !c.declineOCSPCallback {
		cert.OCSPStaple = cred.ocspResponse
	}
	cert.SupportedSignatureAlgorithms = cred.signingPrefs
	if c.useOldClientCertCallback && !c.server {
		cert.Certificate = cert.Certificate[:1]
	}
	if len(cred.scts) > 0 {
		if cert.SignedCertificateTimestamps, err = parseSCTList(cred.scts); err != nil {
			return cert, err
		}
	}
	return cert, nil
}

// parseSCTList splits a SignedCertificateTimestampList (RFC 6962, Section
// 3.3): a 2-byte length, then SCTs each with a 2-byte length.
func parseSCTList(b []byte) ([][]byte, error) {
	// RFC 6962, Section 3.3: sct_list<1..2^16-1>, each SerializedSCT
	// <1..2^16-1>.
	if len(b) < 3 || int(b[0])<<8|int(b[1]) != len(b)-2 {
		return nil, errors.New("malformed SCT list")
	}
	b = b[2:]
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("malformed SCT list")
		}
		n := int(b[0])<<8 | int(b[1])
		if n == 0 || n > len(b)-2 {
			return nil, errors.New("malformed SCT list")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

// marshalSCTList is parseSCTList's inverse.
func marshalSCTList(scts [][]byte) []byte {
	var body []byte
	for _, s := range scts {
		body = append(body, byte(len(s)>>8), byte(len(s)))
		body = append(body, s...)
	}
	return append([]byte{byte(len(body) >> 8), byte(len(body))}, body...)
}

// readCertChain reads the DER certificates of a PEM file, in order.
func readCertChain(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var chain [][]byte
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			chain = append(chain, block.Bytes)
		}
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("no certificate in %s", path)
	}
	return chain, nil
}

// previous holds what the last connection negotiated, for resumptions.
var previous struct {
	group  hush.CurveID
	scheme uint16
}

// checkState compares the negotiated parameters with the test's
// expectations, as BoringSSL's shim does after each handshake.
func (c *testConfig) checkState(cs *hush.ConnectionState, isResume bool) error {
	if c.expectVersion != 0 && int(cs.Version) != c.expectVersion {
		return fmt.Errorf("version %#04x, want %#04x", cs.Version, c.expectVersion)
	}
	if isResume {
		if want := !c.expectSessionMiss; cs.DidResume != want {
			return fmt.Errorf("DidResume is %v, want %v", cs.DidResume, want)
		}
	} else if cs.DidResume {
		return errors.New("resumed a session on an initial connection")
	}
	if c.expectCipher != 0 && int(cs.CipherSuite) != c.expectCipher {
		return fmt.Errorf("cipher suite %#04x, want %#04x", cs.CipherSuite, c.expectCipher)
	}
	if c.expectCipherAES != 0 && suites.HardwareAES() && int(cs.CipherSuite) != c.expectCipherAES {
		return fmt.Errorf("cipher suite %#04x, want %#04x (AES hardware)", cs.CipherSuite, c.expectCipherAES)
	}
	if c.expectCipherNoAES != 0 && !suites.HardwareAES() && int(cs.CipherSuite) != c.expectCipherNoAES {
		return fmt.Errorf("cipher suite %#04x, want %#04x (no AES hardware)", cs.CipherSuite, c.expectCipherNoAES)
	}
	// BoringSSL reports the group and peer signature of the original
	// handshake on a resumption that had none of its own; hush reports
	// zero, so the shim carries them over from the connection that made
	// the session.
	group, scheme := cs.CurveID, cs.SignatureScheme
	if c.server {
		// The peer's signature on a server is the client's
		// CertificateVerify.
		scheme = cs.ClientSignatureScheme
	}
	if cs.DidResume {
		if group == 0 {
			group = previous.group
		}
		if scheme == 0 {
			scheme = previous.scheme
		}
	}
	previous.group, previous.scheme = group, scheme
	// hush itself reports the session's OCSP response and SCTs on a
	// resumed client, as BoringSSL does.
	ocsp, scts := cs.OCSPResponse, cs.SignedCertificateTimestamps
	if c.expectCurveID != 0 && int(group) != c.expectCurveID {
		return fmt.Errorf("group %#04x, want %#04x", uint16(group), c.expectCurveID)
	}
	if c.expectPeerSignatureScheme != 0 && int(scheme) != c.expectPeerSignatureScheme {
		return fmt.Errorf("peer signature scheme %#04x, want %#04x", scheme, c.expectPeerSignatureScheme)
	}
	if c.expectServerName != "" && cs.ServerName != c.expectServerName {
		return fmt.Errorf("server name %q, want %q", cs.ServerName, c.expectServerName)
	}
	if c.expectNoServerName && cs.ServerName != "" {
		return fmt.Errorf("server name %q, want none", cs.ServerName)
	}
	// On a server the negotiated protocol must be the one selected; on a
	// client, the one expected (empty when none is).
	wantALPN := c.expectALPN
	if c.server {
		wantALPN = c.selectALPN
		if c.declineALPN {
			wantALPN = ""
		}
	}
	if cs.NegotiatedProtocol != wantALPN {
		return fmt.Errorf("ALPN %q, want %q", cs.NegotiatedProtocol, wantALPN)
	}
	if c.expectHRR && !cs.HelloRetryRequest {
		return errors.New("no HelloRetryRequest, want one")
	}
	if c.expectNoHRR && cs.HelloRetryRequest {
		return errors.New("HelloRetryRequest, want none")
	}
	if len(c.expectOCSPResponse) > 0 && !bytes.Equal(ocsp, c.expectOCSPResponse) {
		return fmt.Errorf("OCSP response %x, want %x", ocsp, c.expectOCSPResponse)
	}
	if len(c.expectSCTs) > 0 && !bytes.Equal(marshalSCTList(scts), c.expectSCTs) {
		return errors.New("SCT list mismatch")
	}
	if c.expectPeerCertFile != "" {
		want, err := readCertChain(c.expectPeerCertFile)
		if err != nil {
			return err
		}
		if len(cs.PeerCertificates) != len(want) {
			return fmt.Errorf("peer sent %d certificates, want %d", len(cs.PeerCertificates), len(want))
		}
		for i, cert := range cs.PeerCertificates {
			if !bytes.Equal(cert.Raw, want[i]) {
				return fmt.Errorf("peer certificate %d differs", i)
			}
		}
	}
	if (!c.server || c.requireAnyClientCert) && len(cs.PeerCertificates) == 0 {
		return errors.New("no peer certificate, want one")
	}
	return nil
}
