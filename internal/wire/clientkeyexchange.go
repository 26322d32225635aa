package wire

import "golang.org/x/crypto/cryptobyte"

// NewClientKeyExchangeECDHE returns a ClientKeyExchange whose body is the
// ClientECDiffieHellmanPublic of RFC 8422, Section 5.7: a uint8-length
// point.
func NewClientKeyExchangeECDHE(pub []byte) *ClientKeyExchange {
	return &ClientKeyExchange{Body: appendOpaque8(make([]byte, 0, 1+len(pub)), pub)}
}

// NewClientKeyExchangeRSA returns a ClientKeyExchange whose body is the
// EncryptedPreMasterSecret of RFC 5246, Section 7.4.7.1: a uint16-length
// ciphertext.
func NewClientKeyExchangeRSA(ct []byte) *ClientKeyExchange {
	b := NewBuilder(nil)
	hmAddOpaque16(b, ct)
	return &ClientKeyExchange{Body: b.BytesOrPanic()}
}

// Marshal returns the ClientKeyExchange message, header included.
func (m *ClientKeyExchange) Marshal() []byte {
	return marshalMessageSize(TypeClientKeyExchange, len(m.Body), func(b *Builder) {
		b.AddBytes(m.Body)
	})
}

// ParseClientKeyExchange parses a ClientKeyExchange message (RFC 5246,
// Section 7.4.7), header included. The body depends on the key exchange,
// which wire does not know, so it is kept opaque: ECDHEPublic and
// RSAEncryptedPremaster decode it. The result aliases msg.
func ParseClientKeyExchange(msg []byte) (*ClientKeyExchange, error) {
	s, err := body(msg, TypeClientKeyExchange, "ClientKeyExchange")
	if err != nil {
		return nil, err
	}
	return &ClientKeyExchange{Raw: msg, Body: s}, nil
}

// ECDHEPublic decodes the body as ClientECDiffieHellmanPublic (RFC 8422,
// Section 5.7): ECPoint ecdh_Yc, opaque point<1..2^8-1>, with nothing
// after it. Anything else is a decode_error. The result aliases Body.
func (m *ClientKeyExchange) ECDHEPublic() ([]byte, error) {
	s := cryptobyte.String(m.Body)
	var pub []byte
	if !hmReadOpaque8(&s, &pub, 1) || !s.Empty() {
		return nil, hmDecode("ClientKeyExchange", "ECDHE public point")
	}
	return pub, nil
}

// RSAEncryptedPremaster decodes the body as EncryptedPreMasterSecret
// (RFC 5246, Section 7.4.7.1): a uint16-length ciphertext with nothing
// after it. Anything else is a decode_error; an empty ciphertext parses and
// is left to the constant-time decryption, which will reject it. The result
// aliases Body.
func (m *ClientKeyExchange) RSAEncryptedPremaster() ([]byte, error) {
	s := cryptobyte.String(m.Body)
	var ct []byte
	if !hmReadOpaque16(&s, &ct, 0) || !s.Empty() {
		return nil, hmDecode("ClientKeyExchange", "encrypted premaster secret")
	}
	return ct, nil
}
