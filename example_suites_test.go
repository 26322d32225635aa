package hush_test

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"log"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/suites"
)

// Server cipher preference: a server's CipherSuites is its order of
// preference for TLS 1.3 and TLS 1.2 alike, applied strictly. Here the
// client prefers AES-128-GCM but the server chooses ChaCha20-Poly1305.
// (crypto/tls cannot set a TLS 1.3 server preference.)
func ExampleConfig_cipherSuites() {
	cert, roots := examplePKI()
	addr, stop := exampleServer(&hush.Config{
		Certificates: []hush.Certificate{cert},
		CipherSuites: []uint16{
			hush.TLS_CHACHA20_POLY1305_SHA256, // TLS 1.3
			hush.TLS_AES_128_GCM_SHA256,
			hush.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, // TLS 1.2
			hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		},
	}, "")
	defer stop()

	conn, err := hush.Dial("tcp", addr, &hush.Config{
		RootCAs:    roots,
		ServerName: "localhost",
		// On a client, CipherSuites is exactly what is offered, in order.
		CipherSuites: []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_CHACHA20_POLY1305_SHA256},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println(hush.CipherSuiteName(conn.ConnectionState().CipherSuite))
	// Output: TLS_CHACHA20_POLY1305_SHA256
}

// Registering a custom suite: package suites is a public registry, and a
// registered suite works end to end in the record layer and the key
// schedule. This one is AES-256-GCM with SHA-256 under a private-use code
// point, for a deployment where both ends are under one operator.
func Example_registerSuite() {
	const id = 0xFFA1 // private use (RFC 8447)
	if _, ok := suites.Lookup(id); !ok {
		err := suites.Register(suites.Suite{
			ID:          id,
			Name:        "TLS_EXAMPLE_AES_256_GCM_SHA256",
			Version:     hush.VersionTLS13,
			KeyExchange: suites.KeyExchangeTLS13,
			Hash:        crypto.SHA256,
			KeyLen:      32,
			IVLen:       12,
			Cipher:      suites.CipherAESGCM,
			NewAEAD: func(key []byte) (cipher.AEAD, error) {
				block, err := aes.NewCipher(key)
				if err != nil {
					return nil, err
				}
				return cipher.NewGCM(block)
			},
		})
		if err != nil {
			log.Fatal(err)
		}
	}

	cert, roots := examplePKI()
	addr, stop := exampleServer(&hush.Config{Certificates: []hush.Certificate{cert}, CipherSuites: []uint16{id}}, "")
	defer stop()
	conn, err := hush.Dial("tcp", addr, &hush.Config{RootCAs: roots, ServerName: "localhost", CipherSuites: []uint16{id}})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println(hush.CipherSuiteName(conn.ConnectionState().CipherSuite))
	// Output: TLS_EXAMPLE_AES_256_GCM_SHA256
}
