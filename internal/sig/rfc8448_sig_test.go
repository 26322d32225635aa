package sig

// RFC 8448, Section 3: the server's CertificateVerify, checked with the
// trace's RSA public key.

import (
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

func TestRFC8448ServerCertificateVerify(t *testing.T) {
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(rfc8448.S2RSAModulus), E: 65537}

	// Transcript-Hash(ClientHello, ServerHello, EncryptedExtensions, Certificate).
	h := sha256.New()
	for _, m := range [][]byte{rfc8448.S3ClientHello, rfc8448.S3ServerHello, rfc8448.S3EncryptedExtensions, rfc8448.S3Certificate} {
		h.Write(m)
	}
	content := SignedContent13(ServerContext13, h.Sum(nil))

	// CertificateVerify: header(4) algorithm(2) signature<0..2^16-1>.
	cv := rfc8448.S3CertificateVerify
	scheme := uint16(cv[4])<<8 | uint16(cv[5])
	n := int(cv[6])<<8 | int(cv[7])
	signature := cv[8:]
	if scheme != PSSWithSHA256 || n != len(signature) {
		t.Fatalf("CertificateVerify vector: scheme %x, length %d of %d", scheme, n, len(signature))
	}
	if err := Verify(pub, scheme, content, signature); err != nil {
		t.Fatal(err)
	}
	if err := Verify13(pub, scheme, content, signature); err != nil {
		t.Fatal(err)
	}
	if !KeyMatches(pub, scheme, 0x0304) {
		t.Error("KeyMatches")
	}

	// The client context, or a flipped bit, must not verify.
	bad := SignedContent13(ClientContext13, h.Sum(nil))
	if a, _ := alert.Of(Verify(pub, scheme, bad, signature)); a != alert.DecryptError {
		t.Error("client context verified")
	}
	flipped := append([]byte(nil), signature...)
	flipped[10] ^= 0x40
	if a, _ := alert.Of(Verify(pub, scheme, content, flipped)); a != alert.DecryptError {
		t.Error("corrupted signature verified")
	}
	// The 1024-bit trace key is too small for PSS with SHA-512.
	if KeyMatches(pub, PSSWithSHA512, 0x0304) {
		t.Error("1024-bit key offered rsa_pss_rsae_sha512")
	}
}
