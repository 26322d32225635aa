package hush_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// TestCallbackChoosesAlert: a callback that fails the handshake with an
// *AlertError (or an error wrapping one) chooses the alert hush sends; any
// other error gets the default, and so do the alerts that are not errors.
// crypto/tls, the peer, names the alert it received.
func TestCallbackChoosesAlert(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cause := errors.New("the callback's reason")
	for _, tc := range []struct {
		name     string
		err      error
		want     hush.Alert
		peerSees string // crypto/tls's text for the alert
	}{
		{"plain error", cause, hush.AlertBadCertificate, "bad certificate"},
		{"AlertError", &hush.AlertError{Alert: hush.AlertBadCertificateStatusResponse, Err: cause}, hush.AlertBadCertificateStatusResponse, "bad certificate status response"},
		{"wrapped AlertError", fmt.Errorf("wrapped: %w", &hush.AlertError{Alert: hush.AlertCertificateRevoked, Err: cause}), hush.AlertCertificateRevoked, "revoked certificate"},
		{"close_notify is not an error", &hush.AlertError{Alert: hush.AlertCloseNotify, Err: cause}, hush.AlertBadCertificate, "bad certificate"},
		{"a received alert is not a choice", &hush.AlertError{Alert: hush.AlertAccessDenied, Received: true}, hush.AlertBadCertificate, "bad certificate"},
		// A callback's own network failure (an OCSP fetch that timed out)
		// is not the TLS connection's: the alert still goes out.
		{"network error", &net.DNSError{Err: "i/o timeout", Name: "ocsp.example", IsTimeout: true}, hush.AlertBadCertificate, "bad certificate"},
	} {
		for _, hook := range []string{"VerifyConnection", "VerifyPeerCertificate"} {
			t.Run(tc.name+"/"+hook, func(t *testing.T) {
				cc := &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool}
				if hook == "VerifyConnection" {
					cc.VerifyConnection = func(hush.ConnectionState) error { return tc.err }
				} else {
					cc.VerifyPeerCertificate = func([][]byte, [][]*x509.Certificate) error { return tc.err }
				}
				_, _, cerr, serr := pairHushClient(t, cc, &tls.Config{Certificates: []tls.Certificate{tlsCert(chain)}})
				checkChosenAlert(t, cerr, serr, tc.want, tc.peerSees)
				if !errors.Is(cerr, tc.err) {
					t.Errorf("client error %v does not wrap the callback's error", cerr)
				}
			})
		}
	}

	t.Run("GetCertificate", func(t *testing.T) {
		for _, tc := range []struct {
			err      error
			want     hush.Alert
			peerSees string
		}{
			{cause, hush.AlertInternalError, "internal error"},
			{&hush.AlertError{Alert: hush.AlertUnrecognizedName, Err: cause}, hush.AlertUnrecognizedName, "unrecognized name"},
		} {
			sc := &hush.Config{GetCertificate: func(*hush.ClientHelloInfo) (*hush.Certificate, error) { return nil, tc.err }}
			_, _, cerr, serr := pairHushServer(t, &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool}, sc)
			checkChosenAlert(t, serr, cerr, tc.want, tc.peerSees)
		}
	})
}

// checkChosenAlert checks that hush failed with *AlertError{want} and that
// crypto/tls received that alert.
func checkChosenAlert(t *testing.T, hushErr, peerErr error, want hush.Alert, peerSees string) {
	t.Helper()
	var ae *hush.AlertError
	if !errors.As(hushErr, &ae) || ae.Received || ae.Alert != want {
		t.Errorf("hush error %v, want a sent %v", hushErr, want)
	}
	if peerErr == nil || !strings.Contains(peerErr.Error(), "remote error: tls: "+peerSees) {
		t.Errorf("crypto/tls error %v, want remote error %q", peerErr, peerSees)
	}
}
