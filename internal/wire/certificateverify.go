package wire

// Marshal returns the CertificateVerify message, header included.
func (m *CertificateVerify) Marshal() []byte {
	return marshalMessage(TypeCertificateVerify, func(b *Builder) {
		b.AddUint16(m.Algorithm)
		hmAddOpaque16(b, m.Signature)
	})
}

// ParseCertificateVerify parses a CertificateVerify message (RFC 8446,
// Section 4.4.3; RFC 5246, Sections 4.7 and 7.4.8), header included:
// SignatureScheme algorithm and opaque signature<0..2^16-1>. An empty
// signature parses (the syntax allows it) and fails verification later.
// The result aliases msg.
func ParseCertificateVerify(msg []byte) (*CertificateVerify, error) {
	const name = "CertificateVerify"
	s, err := body(msg, TypeCertificateVerify, name)
	if err != nil {
		return nil, err
	}
	m := &CertificateVerify{Raw: msg}
	if !s.ReadUint16(&m.Algorithm) || !hmReadOpaque16(&s, &m.Signature, 0) || !s.Empty() {
		return nil, hmDecode(name, "algorithm or signature")
	}
	return m, nil
}
