package hush_test

import (
	"crypto/tls"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

func TestSignatureSchemePreferences(t *testing.T) {
	rsaChain := testutil.NewChain(t, testutil.RSA2048)
	ecChain := testutil.NewChain(t, testutil.ECDSAP256, "client.example")
	for _, ver := range versions {
		t.Run(ver.name+"/certificate-restricts-signing", func(t *testing.T) {
			cert := hushCert(rsaChain)
			cert.SupportedSignatureAlgorithms = []hush.SignatureScheme{hush.PSSWithSHA384}
			client, server, cerr, serr := pairHushServer(t,
				&tls.Config{ServerName: "example.com", RootCAs: rsaChain.RootPool, MaxVersion: ver.v},
				&hush.Config{Certificates: []hush.Certificate{cert}})
			mustHandshake(t, cerr, serr)
			if s := server.ConnectionState().SignatureScheme; s != uint16(hush.PSSWithSHA384) {
				t.Fatalf("server signed with %v", hush.SignatureScheme(s))
			}
			exchange(t, client, server, 10)
		})
		t.Run(ver.name+"/client-accepts-only", func(t *testing.T) {
			_, _, cerr, serr := pairHushClient(t,
				&hush.Config{ServerName: "example.com", RootCAs: rsaChain.RootPool, MaxVersion: ver.v,
					SignatureSchemes: []hush.SignatureScheme{hush.ECDSAWithP256AndSHA256}},
				&tls.Config{Certificates: []tls.Certificate{tlsCert(rsaChain)}})
			if cerr == nil || serr == nil {
				t.Fatalf("an RSA server was accepted by a client that takes only ECDSA: client %v server %v", cerr, serr)
			}
		})
		t.Run(ver.name+"/client-signature-reported", func(t *testing.T) {
			client, server, cerr, serr := pairHushServer(t,
				&tls.Config{ServerName: "example.com", RootCAs: rsaChain.RootPool, MaxVersion: ver.v, Certificates: []tls.Certificate{tlsCert(ecChain)}},
				&hush.Config{Certificates: []hush.Certificate{hushCert(rsaChain)}, ClientAuth: hush.RequireAndVerifyClientCert, ClientCAs: ecChain.RootPool})
			mustHandshake(t, cerr, serr)
			if s := server.ConnectionState().ClientSignatureScheme; s != uint16(hush.ECDSAWithP256AndSHA256) {
				t.Fatalf("client signature scheme %v", hush.SignatureScheme(s))
			}
			exchange(t, client, server, 10)
		})
	}
}
