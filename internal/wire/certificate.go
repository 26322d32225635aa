package wire

import (
	"golang.org/x/crypto/cryptobyte"
)

// Marshal returns the TLS 1.3 Certificate message, header included. Each
// entry carries status_request when OCSPStaple is non-empty and
// signed_certificate_timestamp when SCTs is non-empty, then its
// ExtraExtensions; the parsed Extensions are not written.
func (m *Certificate13) Marshal() []byte {
	return marshalMessage(TypeCertificate, func(b *Builder) {
		hmAddOpaque8(b, m.CertificateRequestContext)
		b.AddUint24LengthPrefixed(func(b *Builder) {
			for i := range m.Entries {
				e := &m.Entries[i]
				hmAddOpaque24(b, e.Data)
				b.AddUint16LengthPrefixed(func(b *Builder) {
					if len(e.OCSPStaple) > 0 {
						addExtension(b, ExtStatusRequest, func(b *Builder) {
							hmAddCertificateStatus(b, e.OCSPStaple)
						})
					}
					if len(e.SCTs) > 0 {
						addExtension(b, ExtSCT, func(b *Builder) {
							hmAddOpaque16List(b, e.SCTs)
						})
					}
					hmAddRawExtensions(b, e.ExtraExtensions)
				})
			}
		})
	})
}

// ParseCertificate13 parses a TLS 1.3 Certificate message (RFC 8446,
// Section 4.4.2), header included. The status_request and
// signed_certificate_timestamp extensions of an entry are decoded into
// OCSPStaple and SCTs; every extension is also kept raw in Extensions, and
// whether an extension was allowed is left to the handshake. The result
// aliases msg.
func ParseCertificate13(msg []byte) (*Certificate13, error) {
	const name = "Certificate"
	s, err := body(msg, TypeCertificate, name)
	if err != nil {
		return nil, err
	}
	m := &Certificate13{Raw: msg}
	var list cryptobyte.String
	if !hmReadOpaque8(&s, &m.CertificateRequestContext, 0) ||
		!s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return nil, hmDecode(name, "certificate_request_context or certificate_list")
	}
	// Size the entries once for an honest chain (counted cheaply first;
	// the loop below does the checking); a longer one grows by append.
	n, probe := 0, list
	for n < maxPresizedChain && probe.ReadUint24LengthPrefixed(new(cryptobyte.String)) &&
		probe.ReadUint16LengthPrefixed(new(cryptobyte.String)) {
		n++
	}
	if n > 0 {
		m.Entries = make([]CertificateEntry, 0, n)
	}
	for !list.Empty() {
		var e CertificateEntry
		// RFC 8446, Section 4.4.2: opaque cert_data<1..2^24-1>.
		if !hmReadOpaque24(&list, &e.Data, 1) {
			return nil, hmDecode(name, "cert_data")
		}
		exts, err := readExtensions(&list, name)
		if err != nil {
			return nil, err
		}
		e.Extensions = exts
		for _, x := range exts {
			if err := e.parseExtension(x); err != nil {
				return nil, err
			}
		}
		m.Entries = append(m.Entries, e)
	}
	return m, nil
}

// parseExtension decodes the extensions of a CertificateEntry that wire
// knows; others stay raw in Extensions.
func (e *CertificateEntry) parseExtension(x Extension) error {
	const name = "Certificate"
	switch x.Type {
	case ExtStatusRequest:
		// RFC 8446, Section 4.4.2.1: the status_request extension of a
		// CertificateEntry holds a CertificateStatus structure.
		s := cryptobyte.String(x.Data)
		resp, err := hmReadCertificateStatus(&s, name)
		if err != nil {
			return err
		}
		if !s.Empty() {
			return hmDecode(name, "status_request extension")
		}
		e.OCSPStaple = resp
	case ExtSCT:
		// RFC 6962, Section 3.3: SerializedSCT sct_list<1..2^16-1>, each
		// opaque SerializedSCT<1..2^16-1>.
		return hmExtBody(name, "signed_certificate_timestamp", x, func(s *cryptobyte.String) bool {
			return hmReadOpaque16List(s, &e.SCTs, 1)
		})
	}
	return nil
}

// Marshal returns the TLS 1.2 Certificate message, header included.
func (m *Certificate12) Marshal() []byte {
	size := 3
	for _, c := range m.Certificates {
		size += 3 + len(c)
	}
	return marshalMessageSize(TypeCertificate, size, func(b *Builder) {
		b.AddUint24LengthPrefixed(func(b *Builder) {
			for _, c := range m.Certificates {
				hmAddOpaque24(b, c)
			}
		})
	})
}

// maxPresizedChain caps how many certificates ParseCertificate12 counts to
// size its list in one allocation.
const maxPresizedChain = 16

// ParseCertificate12 parses a TLS 1.2 Certificate message (RFC 5246,
// Section 7.4.2), header included: ASN.1Cert certificate_list<0..2^24-1>
// with each opaque ASN.1Cert<1..2^24-1>. An empty list (a client without a
// certificate) parses. The result aliases msg.
func ParseCertificate12(msg []byte) (*Certificate12, error) {
	const name = "Certificate"
	s, err := body(msg, TypeCertificate, name)
	if err != nil {
		return nil, err
	}
	var list cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return nil, hmDecode(name, "certificate_list")
	}
	m := &Certificate12{Raw: msg}
	// Size the list once for an honest chain (counted cheaply first; the
	// loop below does the checking); a longer one grows by append.
	n, probe := 0, list
	for n < maxPresizedChain && probe.ReadUint24LengthPrefixed(new(cryptobyte.String)) {
		n++
	}
	if n > 0 {
		m.Certificates = make([][]byte, 0, n)
	}
	for !list.Empty() {
		var c []byte
		if !hmReadOpaque24(&list, &c, 1) {
			return nil, hmDecode(name, "ASN.1Cert")
		}
		m.Certificates = append(m.Certificates, c)
	}
	return m, nil
}
