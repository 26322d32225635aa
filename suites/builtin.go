package suites

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	_ "crypto/sha256" // make crypto.SHA256 available
	_ "crypto/sha512" // make crypto.SHA384 available
	"errors"

	"golang.org/x/crypto/chacha20poly1305"
)

// aesGCMLimit is RFC 8446, Section 5.5's AES-GCM confidentiality limit:
// "For AES-GCM, up to 2^24.5 full-size records (about 24 million) may be
// encrypted on a given connection while keeping a safety margin of
// approximately 2^-57 for Authenticated Encryption (AE) security", rounded
// down to a power of two.
const aesGCMLimit = 1 << 24

// newAESGCM builds AES-GCM with the standard 12-byte nonce and 16-byte tag.
func newAESGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != 16 && len(key) != 32 {
		return nil, errors.New("hush: AES-GCM key must be 16 or 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// newChaCha20Poly1305 builds the RFC 8439 AEAD.
func newChaCha20Poly1305(key []byte) (cipher.AEAD, error) {
	return chacha20poly1305.New(key)
}

func aesGCM13(id uint16, name string, keyLen int, h crypto.Hash) Suite {
	return Suite{ID: id, Name: name, Version: version13, KeyExchange: KeyExchangeTLS13, Hash: h,
		KeyLen: keyLen, IVLen: 12, Cipher: CipherAESGCM, NewAEAD: newAESGCM, ConfidentialityLimit: aesGCMLimit}
}

func aesGCM12(id uint16, name string, kx KeyExchange, keyLen int, h crypto.Hash) Suite {
	return Suite{ID: id, Name: name, Version: version12, KeyExchange: kx, Hash: h,
		KeyLen: keyLen, IVLen: 4, Cipher: CipherAESGCM, NewAEAD: newAESGCM}
}

func chacha(id uint16, name string, version uint16, kx KeyExchange) Suite {
	return Suite{ID: id, Name: name, Version: version, KeyExchange: kx, Hash: crypto.SHA256,
		KeyLen: chacha20poly1305.KeySize, IVLen: 12, Cipher: CipherChaCha20Poly1305, NewAEAD: newChaCha20Poly1305}
}

// builtins lists the suites hush implements, in no particular order (the
// order comes from orderSuites).
func builtins() []Suite {
	return []Suite{
		aesGCM13(TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", 16, crypto.SHA256),
		aesGCM13(TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384", 32, crypto.SHA384),
		chacha(TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256", version13, KeyExchangeTLS13),

		aesGCM12(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", KeyExchangeECDHE_ECDSA, 16, crypto.SHA256),
		aesGCM12(TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", KeyExchangeECDHE_ECDSA, 32, crypto.SHA384),
		chacha(TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", version12, KeyExchangeECDHE_ECDSA),
		aesGCM12(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", KeyExchangeECDHE_RSA, 16, crypto.SHA256),
		aesGCM12(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", KeyExchangeECDHE_RSA, 32, crypto.SHA384),
		chacha(TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", version12, KeyExchangeECDHE_RSA),

		aesGCM12(TLS_RSA_WITH_AES_128_GCM_SHA256, "TLS_RSA_WITH_AES_128_GCM_SHA256", KeyExchangeRSA, 16, crypto.SHA256),
		aesGCM12(TLS_RSA_WITH_AES_256_GCM_SHA384, "TLS_RSA_WITH_AES_256_GCM_SHA384", KeyExchangeRSA, 32, crypto.SHA384),
	}
}
