package hush

import "github.com/hushtls/hush/internal/sig"

// SignatureScheme is a TLS SignatureScheme (RFC 8446, Section 4.2.3), with
// crypto/tls's names and IANA numbers.
type SignatureScheme uint16

// Signature schemes.
const (
	PKCS1WithSHA256        SignatureScheme = 0x0401
	PKCS1WithSHA384        SignatureScheme = 0x0501
	PKCS1WithSHA512        SignatureScheme = 0x0601
	PSSWithSHA256          SignatureScheme = 0x0804
	PSSWithSHA384          SignatureScheme = 0x0805
	PSSWithSHA512          SignatureScheme = 0x0806
	ECDSAWithP256AndSHA256 SignatureScheme = 0x0403
	ECDSAWithP384AndSHA384 SignatureScheme = 0x0503
	ECDSAWithP521AndSHA512 SignatureScheme = 0x0603
	Ed25519                SignatureScheme = 0x0807
)

// String returns the scheme's RFC name, e.g. "ecdsa_secp256r1_sha256".
func (s SignatureScheme) String() string { return sig.Name(uint16(s)) }

func schemesToUint16(in []SignatureScheme) []uint16 {
	if len(in) == 0 {
		return nil
	}
	out := make([]uint16, len(in))
	for i, s := range in {
		out[i] = uint16(s)
	}
	return out
}
