package hush_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// TestGetClientCertificate: a client's GetClientCertificate sees the
// server's CertificateRequest (the CA names it lists, the schemes it
// accepts, the version) and its certificate is the one sent, in place of
// Config.Certificates; nil sends none; an error aborts with the alert it
// chose. The server is crypto/tls.
func TestGetClientCertificate(t *testing.T) {
	serverChain := testutil.NewChain(t, testutil.ECDSAP256)
	clientChain := testutil.NewChain(t, testutil.ECDSAP256, "client.example")
	otherChain := testutil.NewChain(t, testutil.Ed25519, "other.example")
	for _, ver := range versions {
		t.Run(ver.name, func(t *testing.T) {
			sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(serverChain)},
				ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientChain.RootPool}
			cc := func(get func(*hush.CertificateRequestInfo) (*hush.Certificate, error)) *hush.Config {
				return &hush.Config{ServerName: "example.com", RootCAs: serverChain.RootPool, MaxVersion: ver.v,
					Certificates: []hush.Certificate{hushCert(otherChain)}, GetClientCertificate: get}
			}

			var seen *hush.CertificateRequestInfo
			_, tc, cerr, serr := pairHushClient(t, cc(func(info *hush.CertificateRequestInfo) (*hush.Certificate, error) {
				seen = info
				c := hushCert(clientChain)
				return &c, nil
			}), sc)
			mustHandshake(t, cerr, serr)
			if seen == nil || seen.Version != ver.v || !slices.Contains(seen.SignatureSchemes, hush.ECDSAWithP256AndSHA256) {
				t.Fatalf("callback saw %+v", seen)
			}
			if !slices.ContainsFunc(seen.AcceptableCAs, func(dn []byte) bool { return bytes.Equal(dn, clientChain.Root.RawSubject) }) {
				t.Errorf("AcceptableCAs %d names, want the client root's subject", len(seen.AcceptableCAs))
			}
			if pc := tc.ConnectionState().PeerCertificates; len(pc) == 0 || !bytes.Equal(pc[0].Raw, clientChain.Leaf.Raw) {
				t.Error("server did not receive the callback's certificate")
			}

			// No certificate: the server requires one and aborts. A TLS 1.3
			// client has finished its handshake by then and reads the alert.
			hc, _, cerr, serr := pairHushClient(t, cc(func(*hush.CertificateRequestInfo) (*hush.Certificate, error) { return nil, nil }), sc)
			if cerr == nil {
				_, cerr = hc.Read(make([]byte, 1))
			}
			var ae *hush.AlertError
			if serr == nil || !errors.As(cerr, &ae) || !ae.Received {
				t.Errorf("no client certificate: client %v, server %v; want the server to abort with an alert", cerr, serr)
			}

			// An error chooses its alert.
			_, _, cerr, serr = pairHushClient(t, cc(func(*hush.CertificateRequestInfo) (*hush.Certificate, error) {
				return nil, &hush.AlertError{Alert: hush.AlertAccessDenied, Err: errors.New("no certificate for this server")}
			}), sc)
			if !errors.As(cerr, &ae) || ae.Received || ae.Alert != hush.AlertAccessDenied {
				t.Errorf("client error %v, want a sent access_denied", cerr)
			}
			if serr == nil || !strings.Contains(serr.Error(), "access denied") {
				t.Errorf("crypto/tls error %v, want the access_denied alert", serr)
			}
		})
	}
}
