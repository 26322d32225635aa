package sig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"slices"

	"github.com/hushtls/hush/internal/alert"
)

// preference is the order in which hush offers and picks schemes.
var preference = []uint16{
	ECDSAWithP256AndSHA256,
	ECDSAWithP384AndSHA384,
	ECDSAWithP521AndSHA512,
	Ed25519,
	PSSWithSHA256,
	PSSWithSHA384,
	PSSWithSHA512,
	PKCS1WithSHA256,
	PKCS1WithSHA384,
	PKCS1WithSHA512,
}

// Supported13 returns the schemes hush advertises in a TLS 1.3
// signature_algorithms extension, in preference order. The PKCS #1 v1.5
// schemes are there for certificate signatures only.
// RFC 8446, Section 4.2.3: RSASSA-PKCS1-v1_5 "values refer solely to
// signatures which appear in certificates ... and are not defined for use
// in signed TLS handshake messages".
func Supported13() []uint16 { return slices.Clone(preference) }

// Supported12 returns the schemes hush advertises in TLS 1.2, in
// preference order. SHA-1 is not offered.
func Supported12() []uint16 { return slices.Clone(preference) }

// AllowedInHandshake reports whether scheme may sign a handshake message
// (CertificateVerify, ServerKeyExchange) in version.
func AllowedInHandshake(scheme uint16, version uint16) bool {
	switch version {
	case versionTLS13:
		s, ok := schemes[scheme]
		// RFC 8446, Section 4.4.3: "RSA signatures MUST use an RSASSA-PSS
		// algorithm" and "The SHA-1 algorithm MUST NOT be used in any
		// signatures of CertificateVerify messages."
		return ok && s.kind != kindPKCS1 && s.hash != crypto.SHA1
	case versionTLS12:
		return slices.Contains(preference, scheme)
	}
	return false
}

// SchemesForKey returns the schemes that pub's private key can sign
// handshake messages with in version, in preference order: for ECDSA only
// the scheme of the key's curve in TLS 1.3 (any ECDSA scheme in TLS 1.2);
// for RSA the PSS schemes the modulus is large enough for, and in TLS 1.2
// also PKCS #1 v1.5; Ed25519. pub may also be a crypto.Signer.
func SchemesForKey(pub crypto.PublicKey, version uint16) []uint16 {
	var out []uint16
	for _, id := range preference {
		if fitsKey(pub, id, version) {
			out = append(out, id)
		}
	}
	return out
}

// fitsKey reports whether id is in SchemesForKey(pub, version), without
// building that list.
func fitsKey(pub crypto.PublicKey, id uint16, version uint16) bool {
	if s, ok := pub.(crypto.Signer); ok {
		pub = s.Public()
	}
	if version != versionTLS12 && version != versionTLS13 {
		return false
	}
	return fits(pub, id, version)
}

// fits reports whether pub can sign under id in version.
func fits(pub crypto.PublicKey, id uint16, version uint16) bool {
	s := schemes[id]
	if keyTypeOf(pub) != s.keyType() || !AllowedInHandshake(id, version) {
		return false
	}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		// RFC 8446, Section 4.2.3: in TLS 1.3 the ECDSA schemes name the
		// curve; in TLS 1.2 they name only the hash.
		return version == versionTLS12 || sameCurve(k, s)
	case *rsa.PublicKey:
		return rsaLargeEnough(k, s)
	case ed25519.PublicKey:
		return true
	}
	return false
}

// sameCurve reports whether k is on the curve of an ECDSA scheme.
func sameCurve(k *ecdsa.PublicKey, s scheme) bool {
	return s.curve != nil && k.Curve.Params().Name == s.curve.Params().Name
}

// rsaLargeEnough reports whether an RSA modulus can carry a signature
// under s: RSASSA-PSS with a salt as long as the hash needs
// emLen >= 2*hLen + 2 (RFC 8017, Section 9.1.1), PKCS #1 v1.5 needs the
// DigestInfo (19 bytes of prefix for SHA-2) plus 11 bytes.
func rsaLargeEnough(k *rsa.PublicKey, s scheme) bool {
	bits := k.N.BitLen()
	switch s.kind {
	case kindPSS:
		emLen := (bits - 1 + 7) / 8
		return emLen >= 2*s.hash.Size()+2
	case kindPKCS1:
		return (bits+7)/8 >= 19+s.hash.Size()+11
	}
	return false
}

// Choose returns the first scheme of SchemesForKey(pub, version) that the
// peer offered in peerSchemes, or a handshake_failure error if there is
// none.
func Choose(pub crypto.PublicKey, peerSchemes []uint16, version uint16) (uint16, error) {
	// The first of SchemesForKey(pub, version) that the peer offered.
	for _, id := range preference {
		if fitsKey(pub, id, version) && slices.Contains(peerSchemes, id) {
			return id, nil
		}
	}
	return 0, alert.New(alert.HandshakeFailure, "no signature scheme in common for a %T key", pub)
}

// KeyMatches reports whether pub can sign handshake messages under scheme
// in version: scheme is in SchemesForKey(pub, version).
func KeyMatches(pub crypto.PublicKey, scheme uint16, version uint16) bool {
	return slices.Contains(preference, scheme) && fitsKey(pub, scheme, version)
}
