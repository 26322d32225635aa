// Package sig implements the TLS signature schemes (RFC 8446,
// Section 4.2.3; RFC 5246, Section 7.4.1.4.1 as updated by RFC 8446):
// signing and verifying handshake signatures with crypto/ecdsa, crypto/rsa
// and crypto/ed25519, and choosing a scheme for a key.
package sig

import (
	"crypto"
	"crypto/elliptic"
	"fmt"

	// The hashes the schemes use must be linked in for crypto.Hash.New.
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// SignatureScheme values (RFC 8446, Section 4.2.3).
const (
	PKCS1WithSHA256 uint16 = 0x0401
	PKCS1WithSHA384 uint16 = 0x0501
	PKCS1WithSHA512 uint16 = 0x0601

	ECDSAWithP256AndSHA256 uint16 = 0x0403
	ECDSAWithP384AndSHA384 uint16 = 0x0503
	ECDSAWithP521AndSHA512 uint16 = 0x0603

	PSSWithSHA256 uint16 = 0x0804
	PSSWithSHA384 uint16 = 0x0805
	PSSWithSHA512 uint16 = 0x0806

	Ed25519 uint16 = 0x0807

	// Legacy schemes: recognised and verifiable, never offered.
	PKCS1WithSHA1 uint16 = 0x0201
	ECDSAWithSHA1 uint16 = 0x0203
)

// Version numbers as they appear on the wire.
const (
	versionTLS12 = 0x0303
	versionTLS13 = 0x0304
)

// kind is the signature algorithm family of a scheme.
type kind int

const (
	kindECDSA kind = iota + 1
	kindPKCS1
	kindPSS
	kindEd25519
)

// scheme describes one SignatureScheme.
type scheme struct {
	name  string
	kind  kind
	hash  crypto.Hash    // 0 for Ed25519, which signs the message itself
	curve elliptic.Curve // the TLS 1.3 curve of an ECDSA scheme; nil for SHA-1
}

var schemes = map[uint16]scheme{
	PKCS1WithSHA256:        {"rsa_pkcs1_sha256", kindPKCS1, crypto.SHA256, nil},
	PKCS1WithSHA384:        {"rsa_pkcs1_sha384", kindPKCS1, crypto.SHA384, nil},
	PKCS1WithSHA512:        {"rsa_pkcs1_sha512", kindPKCS1, crypto.SHA512, nil},
	ECDSAWithP256AndSHA256: {"ecdsa_secp256r1_sha256", kindECDSA, crypto.SHA256, elliptic.P256()},
	ECDSAWithP384AndSHA384: {"ecdsa_secp384r1_sha384", kindECDSA, crypto.SHA384, elliptic.P384()},
	ECDSAWithP521AndSHA512: {"ecdsa_secp521r1_sha512", kindECDSA, crypto.SHA512, elliptic.P521()},
	PSSWithSHA256:          {"rsa_pss_rsae_sha256", kindPSS, crypto.SHA256, nil},
	PSSWithSHA384:          {"rsa_pss_rsae_sha384", kindPSS, crypto.SHA384, nil},
	PSSWithSHA512:          {"rsa_pss_rsae_sha512", kindPSS, crypto.SHA512, nil},
	Ed25519:                {"ed25519", kindEd25519, 0, nil},
	PKCS1WithSHA1:          {"rsa_pkcs1_sha1", kindPKCS1, crypto.SHA1, nil},
	ECDSAWithSHA1:          {"ecdsa_sha1", kindECDSA, crypto.SHA1, nil},
}

// Name returns the RFC 8446 name of scheme, or "0x...." if unknown.
func Name(scheme uint16) string {
	if s, ok := schemes[scheme]; ok {
		return s.name
	}
	return fmt.Sprintf("0x%04x", scheme)
}

// Hash returns the hash a scheme signs with (0 for Ed25519) and whether
// the scheme is known. TLS 1.2 client CertificateVerify needs it to hash
// the handshake messages.
func Hash(scheme uint16) (crypto.Hash, bool) {
	s, ok := schemes[scheme]
	return s.hash, ok
}
