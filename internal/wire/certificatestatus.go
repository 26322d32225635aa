package wire

import (
	"github.com/hushtls/hush/internal/alert"
	"golang.org/x/crypto/cryptobyte"
)

// Marshal returns the CertificateStatus message, header included.
func (m *CertificateStatus) Marshal() []byte {
	return marshalMessage(TypeCertificateStatus, func(b *Builder) {
		hmAddCertificateStatus(b, m.Response)
	})
}

// ParseCertificateStatus parses a CertificateStatus message (RFC 6066,
// Section 8), header included. A status_type other than ocsp(1) is an
// illegal_parameter: the byte is well formed but names a status type this
// side never asks for, and the body of any other type is not defined for
// it; everything malformed is a decode_error. Response aliases msg.
func ParseCertificateStatus(msg []byte) (*CertificateStatus, error) {
	const name = "CertificateStatus"
	s, err := body(msg, TypeCertificateStatus, name)
	if err != nil {
		return nil, err
	}
	resp, err := hmReadCertificateStatus(&s, name)
	if err != nil {
		return nil, err
	}
	if !s.Empty() {
		return nil, hmDecode(name, "trailing data")
	}
	return &CertificateStatus{Raw: msg, Response: resp}, nil
}

// hmReadCertificateStatus reads a CertificateStatus structure (RFC 6066,
// Section 8) of type ocsp and returns its OCSPResponse<1..2^24-1>. It is
// shared by the TLS 1.2 message and the TLS 1.3 status_request extension of
// a CertificateEntry (RFC 8446, Section 4.4.2.1).
func hmReadCertificateStatus(s *cryptobyte.String, name string) ([]byte, error) {
	var typ uint8
	if !s.ReadUint8(&typ) {
		return nil, hmDecode(name, "status_type")
	}
	if typ != hmStatusTypeOCSP {
		return nil, alert.New(alert.IllegalParameter, "%s: unsupported status_type %d", name, typ)
	}
	var resp []byte
	if !hmReadOpaque24(s, &resp, 1) {
		return nil, hmDecode(name, "OCSP response")
	}
	return resp, nil
}

// hmAddCertificateStatus writes an ocsp CertificateStatus structure.
func hmAddCertificateStatus(b *Builder, resp []byte) {
	b.AddUint8(hmStatusTypeOCSP)
	hmAddOpaque24(b, resp)
}
