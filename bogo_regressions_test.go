package hush_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"slices"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// Regression tests of hush's own for library bugs BoGo found (the shim
// runs are not part of CI; these are). The flight-boundary one is
// flightboundary_test.go.

// TestECDSASuiteNeedsOfferedCurve: a TLS 1.2 server must not pick an
// ECDHE_ECDSA suite for a certificate whose curve the client did not list
// (RFC 8422, Section 5.1: the client's supported curves apply to the
// certificate's key too). With another certificate that fits, the server
// uses it; with none, the handshake fails with handshake_failure.
// (BoGo: CertificateSelection-Server-Curve-MatchNone-TLS-TLS12.)
func TestECDSASuiteNeedsOfferedCurve(t *testing.T) {
	p384 := testutil.NewChain(t, testutil.ECDSAP384)
	rsa := testutil.NewChainWithRoot(t, p384, testutil.RSA2048)
	client := func() *tls.Config {
		return &tls.Config{
			ServerName: "example.com", RootCAs: p384.RootPool,
			MaxVersion:       tls.VersionTLS12,
			CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256}, // not P-384
		}
	}

	// Only the P-384 certificate: no suite can be chosen.
	_, _, cerr, serr := pairHushServer(t, client(), &hush.Config{Certificates: []hush.Certificate{hushCert(p384)}})
	if cerr == nil || serr == nil {
		t.Fatalf("handshake with a P-384 certificate and no P-384 offered: client %v, server %v; want failure", cerr, serr)
	}
	var ae *hush.AlertError
	if !errors.As(serr, &ae) || ae.Alert != hush.AlertHandshakeFailure {
		t.Errorf("server error %v, want handshake_failure", serr)
	}

	// With an RSA certificate as well, the server signs with it.
	tc, _, cerr, serr := pairHushServer(t, client(), &hush.Config{Certificates: []hush.Certificate{hushCert(p384), hushCert(rsa)}})
	mustHandshake(t, cerr, serr)
	cs := tc.ConnectionState()
	if !bytes.Equal(cs.PeerCertificates[0].Raw, rsa.Leaf.Raw) {
		t.Error("server did not fall back to its RSA certificate")
	}
	if !slices.Contains([]uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256}, cs.CipherSuite) {
		t.Errorf("suite %#04x, want an ECDHE_RSA suite", cs.CipherSuite)
	}
}

// TestResumedClientReportsSessionStaples: a resumed hush client reports the
// OCSP response and SCTs the original handshake received; they belong to
// the session (RFC 6962, Section 3.3), and the resumed handshake carries no
// Certificate message to bring them again. (BoGo:
// SendSCTListOnResume-TLS-TLS12, and its OCSP counterpart.)
func TestResumedClientReportsSessionStaples(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cert := tlsCert(chain)
	cert.OCSPStaple = []byte("an OCSP response")
	cert.SignedCertificateTimestamps = [][]byte{[]byte("sct one"), []byte("sct two")}
	for _, ver := range versions {
		t.Run(ver.name, func(t *testing.T) {
			cache := hush.NewLRUClientSessionCache(4)
			sc := &tls.Config{Certificates: []tls.Certificate{cert}}
			for i := range 2 {
				hc, tc, cerr, serr := pairHushClient(t,
					&hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: ver.v, ClientSessionCache: cache}, sc)
				mustHandshake(t, cerr, serr)
				exchange(t, hc, tc, 100) // a TLS 1.3 client takes its ticket here
				cs := hc.ConnectionState()
				if cs.DidResume != (i == 1) {
					t.Fatalf("connection %d: DidResume %v", i, cs.DidResume)
				}
				if !bytes.Equal(cs.OCSPResponse, cert.OCSPStaple) {
					t.Errorf("connection %d: OCSP response %q, want %q", i, cs.OCSPResponse, cert.OCSPStaple)
				}
				if !slices.EqualFunc(cs.SignedCertificateTimestamps, cert.SignedCertificateTimestamps, bytes.Equal) {
					t.Errorf("connection %d: SCTs %q, want %q", i, cs.SignedCertificateTimestamps, cert.SignedCertificateTimestamps)
				}
			}
		})
	}
}

// TestResumed12ReportsSessionGroup: an abbreviated TLS 1.2 handshake has
// no key exchange; like crypto/tls (and BoringSSL), hush reports the group
// of the full handshake the session came from, on both sides, so an
// application that checks ConnectionState.CurveID sees the same value
// on every connection of a session.
func TestResumed12ReportsSessionGroup(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	t.Run("hush-client", func(t *testing.T) {
		cache := hush.NewLRUClientSessionCache(4)
		sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}, CurvePreferences: []tls.CurveID{tls.CurveP384}}
		for i := range 2 {
			hc, tc, cerr, serr := pairHushClient(t, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool,
				MaxVersion: hush.VersionTLS12, ClientSessionCache: cache}, sc)
			mustHandshake(t, cerr, serr)
			hs, ts := hc.ConnectionState(), tc.ConnectionState()
			if hs.DidResume != (i == 1) || hs.CurveID != hush.CurveP384 || uint16(ts.CurveID) != uint16(hs.CurveID) {
				t.Fatalf("connection %d: resumed %v, hush group %v, crypto/tls group %v; want P-384 on both", i, hs.DidResume, hs.CurveID, ts.CurveID)
			}
		}
	})
	t.Run("hush-server", func(t *testing.T) {
		cache := tls.NewLRUClientSessionCache(4)
		sc := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, CurvePreferences: []hush.CurveID{hush.CurveP384, hush.X25519}}
		for i := range 2 {
			tc, hc, cerr, serr := pairHushServer(t, &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool,
				MaxVersion: tls.VersionTLS12, ClientSessionCache: cache}, sc)
			mustHandshake(t, cerr, serr)
			hs, ts := hc.ConnectionState(), tc.ConnectionState()
			if hs.DidResume != (i == 1) || hs.CurveID != hush.CurveP384 || uint16(ts.CurveID) != uint16(hs.CurveID) {
				t.Fatalf("connection %d: resumed %v, hush group %v, crypto/tls group %v; want P-384 on both", i, hs.DidResume, hs.CurveID, ts.CurveID)
			}
		}
	})
}
