package hush_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// TestGetConfigForClient: a server's GetConfigForClient sees the first
// ClientHello and the Config it returns serves the rest of the
// connection: its certificate, ALPN, version limits, client
// authentication and key log. nil keeps the original Config; an error
// aborts with the alert it chose. The client is crypto/tls.
func TestGetConfigForClient(t *testing.T) {
	aChain := testutil.NewChain(t, testutil.ECDSAP256, "a.example")
	bChain := testutil.NewChainWithRoot(t, aChain, testutil.RSA2048, "b.example")
	defaultChain := testutil.NewChainWithRoot(t, aChain, testutil.Ed25519, "default.example")
	var keyLogA, keyLogDefault bytes.Buffer
	calls := 0
	aConfig := &hush.Config{Certificates: []hush.Certificate{hushCert(aChain)}, NextProtos: []string{"a-proto"},
		KeyLogWriter: &keyLogA, CurvePreferences: []hush.CurveID{hush.CurveP384}}
	bConfig := &hush.Config{Certificates: []hush.Certificate{hushCert(bChain)}, MaxVersion: hush.VersionTLS12}
	sc := &hush.Config{
		Certificates: []hush.Certificate{hushCert(defaultChain)},
		KeyLogWriter: &keyLogDefault,
		GetConfigForClient: func(hi *hush.ClientHelloInfo) (*hush.Config, error) {
			calls++
			switch hi.ServerName {
			case "a.example":
				return aConfig, nil
			case "b.example":
				return bConfig, nil
			case "denied.example":
				return nil, &hush.AlertError{Alert: hush.AlertUnrecognizedName, Err: errors.New("unknown host")}
			}
			return nil, nil
		},
	}
	client := func(name string) *tls.Config {
		return &tls.Config{ServerName: name, RootCAs: aChain.RootPool, NextProtos: []string{"a-proto", "other"},
			// A share for P-256 only: a.example's Config allows only P-384 and
			// asks for it with a HelloRetryRequest.
			CurvePreferences: []tls.CurveID{tls.CurveP256, tls.CurveP384}}
	}

	tc, hc, cerr, serr := pairHushServer(t, client("a.example"), sc)
	mustHandshake(t, cerr, serr)
	if hs := hc.ConnectionState(); !hs.HelloRetryRequest || hs.CurveID != hush.CurveP384 {
		t.Errorf("a.example: HelloRetryRequest %v, group %v; want the chosen Config's P-384 after a retry", hs.HelloRetryRequest, hs.CurveID)
	}
	cs := tc.ConnectionState()
	if !bytes.Equal(cs.PeerCertificates[0].Raw, aChain.Leaf.Raw) || cs.NegotiatedProtocol != "a-proto" || cs.Version != tls.VersionTLS13 {
		t.Errorf("a.example: certificate of the wrong Config, ALPN %q, version %#x", cs.NegotiatedProtocol, cs.Version)
	}
	if calls != 1 {
		t.Errorf("GetConfigForClient called %d times for one handshake (with a HelloRetryRequest), want 1", calls)
	}
	if keyLogA.Len() == 0 || keyLogDefault.Len() != 0 {
		t.Errorf("key log: chosen Config %d bytes, original %d bytes; want the chosen Config's only", keyLogA.Len(), keyLogDefault.Len())
	}

	tc, _, cerr, serr = pairHushServer(t, client("b.example"), sc)
	mustHandshake(t, cerr, serr)
	if cs := tc.ConnectionState(); !bytes.Equal(cs.PeerCertificates[0].Raw, bChain.Leaf.Raw) || cs.Version != tls.VersionTLS12 {
		t.Errorf("b.example: wrong certificate or version %#x (its Config allows TLS 1.2 at most)", cs.Version)
	}

	tc, _, cerr, serr = pairHushServer(t, client("default.example"), sc)
	mustHandshake(t, cerr, serr)
	if cs := tc.ConnectionState(); !bytes.Equal(cs.PeerCertificates[0].Raw, defaultChain.Leaf.Raw) {
		t.Error("nil from GetConfigForClient did not keep the original Config")
	}
	if keyLogDefault.Len() == 0 {
		t.Error("the original Config's key log was not used when the callback returned nil")
	}

	_, _, cerr, serr = pairHushServer(t, client("denied.example"), sc)
	var ae *hush.AlertError
	if !errors.As(serr, &ae) || ae.Received || ae.Alert != hush.AlertUnrecognizedName {
		t.Errorf("server error %v, want a sent unrecognized_name", serr)
	}
	if cerr == nil || !strings.Contains(cerr.Error(), "unrecognized name") {
		t.Errorf("crypto/tls error %v, want the unrecognized_name alert", cerr)
	}

	// A server Config with only GetConfigForClient is valid.
	only := &hush.Config{GetConfigForClient: func(*hush.ClientHelloInfo) (*hush.Config, error) { return aConfig, nil }}
	_, _, cerr, serr = pairHushServer(t, client("a.example"), only)
	mustHandshake(t, cerr, serr)
}

// TestGetConfigForClientTickets: a server that returns a new Config for
// every connection still resumes sessions, because such a Config uses the
// listener Config's automatic ticket keys (as crypto/tls does). A returned
// Config with keys of its own uses those: with a different key on every
// connection, nothing resumes.
func TestGetConfigForClientTickets(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, ownKeys := range []bool{false, true} {
		name := "fresh-config"
		if ownKeys {
			name = "fresh-config-with-its-own-new-key"
		}
		t.Run(name, func(t *testing.T) {
			n := byte(0)
			sc := &hush.Config{GetConfigForClient: func(*hush.ClientHelloInfo) (*hush.Config, error) {
				c := &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}}
				if ownKeys {
					n++
					c.SetSessionTicketKeys([][32]byte{{n}})
				}
				return c, nil
			}}
			for _, ver := range versions {
				cache := tls.NewLRUClientSessionCache(4)
				for i := range 2 {
					tc, hc, cerr, serr := pairHushServer(t, &tls.Config{ServerName: "example.com", RootCAs: chain.RootPool,
						MaxVersion: ver.v, ClientSessionCache: cache}, sc)
					mustHandshake(t, cerr, serr)
					exchange(t, tc, hc, 100) // a TLS 1.3 client takes its ticket here
					want := i == 1 && !ownKeys
					if got := hc.ConnectionState().DidResume; got != want {
						t.Fatalf("%s connection %d: DidResume %v, want %v", ver.name, i, got, want)
					}
				}
			}
		})
	}
}
