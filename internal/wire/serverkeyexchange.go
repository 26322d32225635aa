package wire

import (
	"github.com/hushtls/hush/internal/alert"
)

// CurveTypeNamedCurve is ECCurveType named_curve (RFC 8422, Section 5.4),
// the only curve type left.
const CurveTypeNamedCurve uint8 = 3

// ServerECDHEParams returns the ServerECDHParams encoding (RFC 8422,
// Section 5.4) of a named group and public point: curve_type named_curve,
// the group, and the uint8-length point. The signer signs
// client_random + server_random + these bytes.
func ServerECDHEParams(group uint16, pub []byte) []byte {
	return appendServerECDHEParams(make([]byte, 0, 4+len(pub)), group, pub)
}

// appendServerECDHEParams appends ServerECDHEParams(group, pub) to dst.
func appendServerECDHEParams(dst []byte, group uint16, pub []byte) []byte {
	dst = append(dst, CurveTypeNamedCurve, byte(group>>8), byte(group))
	return appendOpaque8(dst, pub)
}

// Marshal returns the ServerKeyExchange message, header included. The
// params are rebuilt from Group and PublicKey (Params is ignored), followed
// by the TLS 1.2 digitally-signed Algorithm and Signature.
func (m *ServerKeyExchangeECDHE) Marshal() []byte {
	size := 4 + len(m.PublicKey) + 2 + 2 + len(m.Signature)
	return marshalMessageSize(TypeServerKeyExchange, size, func(b *Builder) {
		b.buf = appendServerECDHEParams(b.buf, m.Group, m.PublicKey)
		b.AddUint16(m.Algorithm)
		hmAddOpaque16(b, m.Signature)
	})
}

// ParseServerKeyExchangeECDHE parses an ECDHE ServerKeyExchange message
// (RFC 8422, Section 5.4; RFC 5246, Sections 4.7 and 7.4.3), header
// included: ServerECDHParams (curve_type, named group, point<1..2^8-1>)
// then SignatureAndHashAlgorithm and signature<0..2^16-1>. Params is set
// to the raw ServerECDHParams bytes, for signature verification.
//
// A curve_type other than named_curve is an illegal_parameter: the byte is
// well formed, but the deprecated explicit curves and the private-use
// values name parameters a client never offers (it offers named groups
// only), and their bodies have no syntax we could decode. Anything else
// malformed is a decode_error. The result aliases msg.
func ParseServerKeyExchangeECDHE(msg []byte) (*ServerKeyExchangeECDHE, error) {
	const name = "ServerKeyExchange"
	s, err := body(msg, TypeServerKeyExchange, name)
	if err != nil {
		return nil, err
	}
	start := s
	m := &ServerKeyExchangeECDHE{Raw: msg}
	var curveType uint8
	if !s.ReadUint8(&curveType) {
		return nil, hmDecode(name, "curve_type")
	}
	// RFC 8422, Section 5.4: explicit curves are deprecated, "only one
	// value remains": named_curve.
	if curveType != CurveTypeNamedCurve {
		return nil, alert.New(alert.IllegalParameter, "%s: curve_type %d is not named_curve", name, curveType)
	}
	// RFC 8422, Section 5.4: opaque point <1..2^8-1>.
	if !s.ReadUint16(&m.Group) || !hmReadOpaque8(&s, &m.PublicKey, 1) {
		return nil, hmDecode(name, "ServerECDHParams")
	}
	m.Params = start[:len(start)-len(s)]
	if !s.ReadUint16(&m.Algorithm) || !hmReadOpaque16(&s, &m.Signature, 0) || !s.Empty() {
		return nil, hmDecode(name, "signature")
	}
	return m, nil
}
