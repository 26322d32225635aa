package wire

import (
	"github.com/hushtls/hush/internal/alert"
	"golang.org/x/crypto/cryptobyte"
)

// Marshal returns the TLS 1.3 CertificateRequest message, header included.
// It writes signature_algorithms (always), then certificate_authorities and
// signature_algorithms_cert when non-empty, status_request and
// signed_certificate_timestamp (empty) when requested, then
// ExtraExtensions; the parsed Extensions are not written.
func (m *CertificateRequest13) Marshal() []byte {
	return marshalMessage(TypeCertificateRequest, func(b *Builder) {
		hmAddOpaque8(b, m.CertificateRequestContext)
		b.AddUint16LengthPrefixed(func(b *Builder) {
			addExtension(b, ExtSignatureAlgorithms, func(b *Builder) {
				addUint16List(b, m.SignatureAlgorithms)
			})
			if len(m.CertificateAuthorities) > 0 {
				addExtension(b, ExtCertificateAuthorities, func(b *Builder) {
					hmAddOpaque16List(b, m.CertificateAuthorities)
				})
			}
			if len(m.SignatureAlgorithmsCert) > 0 {
				addExtension(b, ExtSignatureAlgorithmsCert, func(b *Builder) {
					addUint16List(b, m.SignatureAlgorithmsCert)
				})
			}
			if m.OCSPStapling {
				addExtension(b, ExtStatusRequest, emptyBody)
			}
			if m.SCTs {
				addExtension(b, ExtSCT, emptyBody)
			}
			hmAddRawExtensions(b, m.ExtraExtensions)
		})
	})
}

// ParseCertificateRequest13 parses a TLS 1.3 CertificateRequest message
// (RFC 8446, Section 4.3.2), header included. Unknown extensions are kept
// raw in Extensions and otherwise ignored, as clients must. A missing
// signature_algorithms extension is a missing_extension alert. The result
// aliases msg.
func ParseCertificateRequest13(msg []byte) (*CertificateRequest13, error) {
	const name = "CertificateRequest"
	s, err := body(msg, TypeCertificateRequest, name)
	if err != nil {
		return nil, err
	}
	m := &CertificateRequest13{Raw: msg}
	if !hmReadOpaque8(&s, &m.CertificateRequestContext, 0) {
		return nil, hmDecode(name, "certificate_request_context")
	}
	exts, err := parseExtensionsToEnd(&s, name, m.parseExtension)
	if err != nil {
		return nil, err
	}
	m.Extensions = exts
	// RFC 8446, Section 4.3.2: "The "signature_algorithms" extension MUST
	// be specified".
	if m.SignatureAlgorithms == nil {
		return nil, alert.New(alert.MissingExtension, "%s: no signature_algorithms extension", name)
	}
	return m, nil
}

// parseExtension decodes one extension of a CertificateRequest that wire
// knows.
func (m *CertificateRequest13) parseExtension(e Extension) error {
	const name = "CertificateRequest"
	switch e.Type {
	case ExtSignatureAlgorithms:
		// RFC 8446, Section 4.2.3: supported_signature_algorithms<2..2^16-2>.
		return hmExtBody(name, "signature_algorithms", e, func(s *cryptobyte.String) bool {
			var ok bool
			m.SignatureAlgorithms, ok = readUint16List(s, 1)
			return ok
		})
	case ExtSignatureAlgorithmsCert:
		return hmExtBody(name, "signature_algorithms_cert", e, func(s *cryptobyte.String) bool {
			var ok bool
			m.SignatureAlgorithmsCert, ok = readUint16List(s, 1)
			return ok
		})
	case ExtCertificateAuthorities:
		// RFC 8446, Section 4.2.4: DistinguishedName authorities<3..2^16-1>,
		// each opaque DistinguishedName<1..2^16-1>.
		return hmExtBody(name, "certificate_authorities", e, func(s *cryptobyte.String) bool {
			return hmReadOpaque16List(s, &m.CertificateAuthorities, 1)
		})
	case ExtStatusRequest:
		// RFC 8446, Section 4.4.2.1: the server requests a stapled OCSP
		// response "by sending an empty "status_request" extension".
		if len(e.Data) != 0 {
			return hmDecode(name, "status_request extension")
		}
		m.OCSPStapling = true
	case ExtSCT:
		if len(e.Data) != 0 {
			return hmDecode(name, "signed_certificate_timestamp extension")
		}
		m.SCTs = true
	}
	return nil
}

// Marshal returns the TLS 1.2 CertificateRequest message, header included.
func (m *CertificateRequest12) Marshal() []byte {
	return marshalMessage(TypeCertificateRequest, func(b *Builder) {
		hmAddOpaque8(b, m.CertificateTypes)
		addUint16List(b, m.SignatureAlgorithms)
		hmAddOpaque16List(b, m.CertificateAuthorities)
	})
}

// ParseCertificateRequest12 parses a TLS 1.2 CertificateRequest message
// (RFC 5246, Section 7.4.4), header included:
// certificate_types<1..2^8-1>, supported_signature_algorithms<2..2^16-2>
// and certificate_authorities<0..2^16-1> of DistinguishedName<1..2^16-1>.
// The result aliases msg.
func ParseCertificateRequest12(msg []byte) (*CertificateRequest12, error) {
	const name = "CertificateRequest"
	s, err := body(msg, TypeCertificateRequest, name)
	if err != nil {
		return nil, err
	}
	m := &CertificateRequest12{Raw: msg}
	if !hmReadOpaque8(&s, &m.CertificateTypes, 1) {
		return nil, hmDecode(name, "certificate_types")
	}
	var ok bool
	if m.SignatureAlgorithms, ok = readUint16List(&s, 1); !ok {
		return nil, hmDecode(name, "supported_signature_algorithms")
	}
	if !hmReadOpaque16List(&s, &m.CertificateAuthorities, 0) {
		return nil, hmDecode(name, "certificate_authorities")
	}
	if !s.Empty() {
		return nil, hmDecode(name, "trailing data")
	}
	return m, nil
}
