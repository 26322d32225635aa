package sig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"io"

	"github.com/hushtls/hush/internal/alert"
)

// Contexts of the TLS 1.3 CertificateVerify signature (RFC 8446,
// Section 4.4.3).
const (
	ServerContext13 = "TLS 1.3, server CertificateVerify"
	ClientContext13 = "TLS 1.3, client CertificateVerify"
)

// SignedContent13 returns the content covered by a TLS 1.3
// CertificateVerify signature (RFC 8446, Section 4.4.3): 64 spaces, the
// context string, a zero byte, and the transcript hash.
func SignedContent13(context string, transcriptHash []byte) []byte {
	out := make([]byte, 0, 64+len(context)+1+len(transcriptHash))
	for range 64 {
		out = append(out, 0x20)
	}
	out = append(out, context...)
	out = append(out, 0)
	return append(out, transcriptHash...)
}

// pssOptions are the RSASSA-PSS parameters of TLS.
// RFC 8446, Section 4.2.3: "The length of the Salt MUST be equal to the
// length of the output of the digest algorithm."
func pssOptions(h crypto.Hash) *rsa.PSSOptions {
	return &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
}

// digest hashes message with h: one allocation, the result, for the
// SHA-2 hashes.
func digest(h crypto.Hash, message []byte) []byte {
	switch h {
	case crypto.SHA256:
		sum := sha256.Sum256(message)
		return sum[:]
	case crypto.SHA384:
		sum := sha512.Sum384(message)
		return sum[:]
	case crypto.SHA512:
		sum := sha512.Sum512(message)
		return sum[:]
	}
	d := h.New()
	d.Write(message)
	return d.Sum(nil)
}

// Sign signs message with signer under scheme: the message is hashed with
// the scheme's hash (Ed25519 signs it directly) and RSASSA-PSS uses a salt
// as long as the hash. The signer's key must be of the scheme's type; use
// Choose to pick the scheme. Failures are internal errors.
func Sign(signer crypto.Signer, scheme uint16, rand io.Reader, message []byte) ([]byte, error) {
	s, ok := schemes[scheme]
	if !ok {
		return nil, alert.New(alert.InternalError, "cannot sign with unknown signature scheme %s", Name(scheme))
	}
	if keyTypeOf(signer.Public()) != s.keyType() {
		return nil, alert.New(alert.InternalError, "%T key cannot sign with %s", signer.Public(), s.name)
	}
	var (
		sig []byte
		err error
	)
	switch s.kind {
	case kindEd25519:
		sig, err = signer.Sign(rand, message, crypto.Hash(0))
	case kindPSS:
		sig, err = signer.Sign(rand, digest(s.hash, message), pssOptions(s.hash))
	default:
		sig, err = signer.Sign(rand, digest(s.hash, message), s.hash)
	}
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, fmt.Errorf("hush: signing with %s: %w", s.name, err))
	}
	return sig, nil
}

// Verify checks signature over message by pub under scheme. A bad
// signature is decrypt_error; a scheme that is unknown or does not fit the
// key type is illegal_parameter.
//
// Verify does not bind an ECDSA scheme to the key's curve, because TLS 1.2
// does not (RFC 8446, Section 4.2.3: in TLS 1.2 the ECDSA schemes name
// only the hash). TLS 1.3 callers check KeyMatches(pub, scheme, 0x0304)
// first, or use Verify13.
func Verify(pub crypto.PublicKey, scheme uint16, message, signature []byte) error {
	s, ok := schemes[scheme]
	if !ok {
		return alert.New(alert.IllegalParameter, "unknown signature scheme %s", Name(scheme))
	}
	if keyTypeOf(pub) != s.keyType() {
		return alert.New(alert.IllegalParameter, "signature scheme %s does not fit a %T key", s.name, pub)
	}
	valid := false
	switch s.kind {
	case kindEd25519:
		k := pub.(ed25519.PublicKey)
		valid = ed25519.Verify(k, message, signature)
	case kindECDSA:
		k := pub.(*ecdsa.PublicKey)
		valid = ecdsa.VerifyASN1(k, digest(s.hash, message), signature)
	case kindPKCS1:
		k := pub.(*rsa.PublicKey)
		valid = rsa.VerifyPKCS1v15(k, s.hash, digest(s.hash, message), signature) == nil
	case kindPSS:
		k := pub.(*rsa.PublicKey)
		valid = rsa.VerifyPSS(k, s.hash, digest(s.hash, message), signature, pssOptions(s.hash)) == nil
	}
	if !valid {
		return alert.New(alert.DecryptError, "invalid %s signature", s.name)
	}
	return nil
}

// Verify13 is Verify with the TLS 1.3 rules on top: the scheme must be one
// that may appear in a CertificateVerify (no PKCS #1 v1.5, no SHA-1) and
// must fit the key, ECDSA curve included.
func Verify13(pub crypto.PublicKey, scheme uint16, message, signature []byte) error {
	// RFC 8446, Section 4.4.3: "the signature algorithm MUST be
	// compatible with the key in the sender's end-entity certificate.
	// RSA signatures MUST use an RSASSA-PSS algorithm" and "The SHA-1
	// algorithm MUST NOT be used in any signatures of CertificateVerify
	// messages."
	if !AllowedInHandshake(scheme, versionTLS13) {
		return alert.New(alert.IllegalParameter, "signature scheme %s not allowed in TLS 1.3 CertificateVerify", Name(scheme))
	}
	if !KeyMatches(pub, scheme, versionTLS13) {
		return alert.New(alert.IllegalParameter, "signature scheme %s does not fit the %T key", Name(scheme), pub)
	}
	return Verify(pub, scheme, message, signature)
}

// keyType is the type of key a scheme needs.
type keyType int

const (
	noKey keyType = iota
	ecdsaKey
	rsaKey
	ed25519Key
)

// keyType returns the type of key that signs under s.
func (s scheme) keyType() keyType {
	switch s.kind {
	case kindECDSA:
		return ecdsaKey
	case kindPKCS1, kindPSS:
		return rsaKey
	case kindEd25519:
		return ed25519Key
	}
	return noKey
}

// keyTypeOf returns the type of a public key, or noKey for keys that are
// malformed or of no supported type. The checks keep the verification
// functions from panicking.
func keyTypeOf(pub crypto.PublicKey) keyType {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k != nil && k.Curve != nil && k.X != nil && k.Y != nil {
			return ecdsaKey
		}
	case *rsa.PublicKey:
		if k != nil && k.N != nil && k.N.Sign() > 0 && k.E > 0 {
			return rsaKey
		}
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			return ed25519Key
		}
	}
	return noKey
}
