package hush_test

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// testSmallLimitSuite is AES-128-GCM under a private ID with a
// confidentiality limit of 16 records, so the automatic KeyUpdate happens
// after 8 records instead of 2^23.
const testSmallLimitSuite = 0x13f7

func init() {
	err := suites.Register(suites.Suite{
		ID: testSmallLimitSuite, Name: "TEST_AES_128_GCM_SMALL_LIMIT", Version: hush.VersionTLS13,
		KeyExchange: suites.KeyExchangeTLS13, Hash: crypto.SHA256, KeyLen: 16, IVLen: 12, Cipher: suites.CipherAESGCM,
		NewAEAD: func(key []byte) (cipher.AEAD, error) {
			b, err := aes.NewCipher(key)
			if err != nil {
				return nil, err
			}
			return cipher.NewGCM(b)
		},
		ConfidentialityLimit: 16,
	})
	if err != nil {
		panic(err)
	}
}

// TestAutomaticKeyUpdate: a write key is replaced with a KeyUpdate well
// before its confidentiality limit (RFC 8446, Section 5.5), and the peer
// follows.
func TestAutomaticKeyUpdate(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	a, b := testutil.TCPPipe(t)
	client := hush.Client(a, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, CipherSuites: []uint16{testSmallLimitSuite}})
	server := hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, CipherSuites: []uint16{testSmallLimitSuite}})
	defer closeBoth(client, server)
	cerr, serr := handshakeBoth(client, server)
	mustHandshake(t, cerr, serr)
	exchange(t, client, server, 40*16384) // 40 full records each way
	if n := hush.KeyUpdatesSentForTest(client); n < 4 {
		t.Fatalf("client sent %d KeyUpdates for 40 records under a 16-record limit", n)
	}
	if n := hush.KeyUpdatesSentForTest(server); n < 4 {
		t.Fatalf("server sent %d KeyUpdates", n)
	}
}

// TestRenegotiationRefused: a HelloRequest to a TLS 1.2 client and a
// ClientHello to a TLS 1.2 server after the handshake each get the
// no_renegotiation warning, never a second handshake, and the connection
// goes on under its keys.
func TestRenegotiationRefused(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	a, b := testutil.TCPPipe(t)
	client := hush.Client(a, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MaxVersion: hush.VersionTLS12})
	server := hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}})
	defer closeBoth(client, server)
	cerr, serr := handshakeBoth(client, server)
	mustHandshake(t, cerr, serr)
	before := client.ConnectionState()

	// Server → client: HelloRequest.
	if err := hush.SendHandshakeForTest(server, wire.MarshalHelloRequest()); err != nil {
		t.Fatal(err)
	}
	exchange(t, client, server, 64<<10)
	// Client → server: a new ClientHello.
	ch := &wire.ClientHello{LegacyVersion: wire.VersionTLS12, Random: make([]byte, 32),
		CipherSuites: []uint16{hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, LegacyCompressionMethods: []uint8{0}}
	if err := hush.SendHandshakeForTest(client, ch.Marshal()); err != nil {
		t.Fatal(err)
	}
	exchange(t, client, server, 64<<10)
	after := client.ConnectionState()
	if after.CipherSuite != before.CipherSuite || after.Version != hush.VersionTLS12 {
		t.Fatal("connection parameters changed")
	}
	// A peer that keeps asking is cut off.
	var err error
	for i := 0; i < 40 && err == nil; i++ {
		err = hush.SendHandshakeForTest(server, wire.MarshalHelloRequest())
		if err == nil {
			_, err = server.Write([]byte("x"))
		}
		if err == nil {
			_, err = client.Read(make([]byte, 1))
		}
	}
	var ae *hush.AlertError
	if !errors.As(err, &ae) {
		t.Fatalf("after 40 renegotiation requests: %v, want an alert", err)
	}
}
