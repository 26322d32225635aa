package wire

import "golang.org/x/crypto/cryptobyte"

// Marshal returns the TLS 1.3 NewSessionTicket message, header included.
// It writes early_data when HasMaxEarlyData is set, then ExtraExtensions;
// the parsed Extensions are not written.
func (m *NewSessionTicket13) Marshal() []byte {
	return marshalMessage(TypeNewSessionTicket, func(b *Builder) {
		b.AddUint32(m.Lifetime)
		b.AddUint32(m.AgeAdd)
		hmAddOpaque8(b, m.Nonce)
		hmAddOpaque16(b, m.Ticket)
		b.AddUint16LengthPrefixed(func(b *Builder) {
			if m.HasMaxEarlyData {
				addExtension(b, ExtEarlyData, func(b *Builder) {
					b.AddUint32(m.MaxEarlyData)
				})
			}
			hmAddRawExtensions(b, m.ExtraExtensions)
		})
	})
}

// ParseNewSessionTicket13 parses a TLS 1.3 NewSessionTicket message
// (RFC 8446, Section 4.6.1), header included: ticket_lifetime,
// ticket_age_add, ticket_nonce<0..255>, ticket<1..2^16-1> and extensions,
// of which early_data (a uint32 max_early_data_size) is decoded and the
// rest kept raw. Lifetime limits are the handshake's business. The result
// aliases msg.
func ParseNewSessionTicket13(msg []byte) (*NewSessionTicket13, error) {
	const name = "NewSessionTicket"
	s, err := body(msg, TypeNewSessionTicket, name)
	if err != nil {
		return nil, err
	}
	m := &NewSessionTicket13{Raw: msg}
	if !s.ReadUint32(&m.Lifetime) || !s.ReadUint32(&m.AgeAdd) ||
		!hmReadOpaque8(&s, &m.Nonce, 0) || !hmReadOpaque16(&s, &m.Ticket, 1) {
		return nil, hmDecode(name, "fields")
	}
	exts, err := readExtensionsToEnd(&s, name)
	if err != nil {
		return nil, err
	}
	m.Extensions = exts
	for _, e := range exts {
		if e.Type != ExtEarlyData {
			continue
		}
		// RFC 8446, Section 4.2.10: in NewSessionTicket the extension holds
		// uint32 max_early_data_size.
		if err := hmExtBody(name, "early_data", e, func(s *cryptobyte.String) bool {
			return s.ReadUint32(&m.MaxEarlyData)
		}); err != nil {
			return nil, err
		}
		m.HasMaxEarlyData = true
	}
	return m, nil
}

// Marshal returns the TLS 1.2 NewSessionTicket message, header included.
func (m *NewSessionTicket12) Marshal() []byte {
	return marshalMessage(TypeNewSessionTicket, func(b *Builder) {
		b.AddUint32(m.Lifetime)
		hmAddOpaque16(b, m.Ticket)
	})
}

// ParseNewSessionTicket12 parses a TLS 1.2 NewSessionTicket message
// (RFC 5077, Section 3.3), header included: ticket_lifetime_hint and
// opaque ticket<0..2^16-1>. An empty ticket is how a server that announced
// a ticket declines to issue one (RFC 5077, Section 3.3), so it parses.
// The result aliases msg.
func ParseNewSessionTicket12(msg []byte) (*NewSessionTicket12, error) {
	const name = "NewSessionTicket"
	s, err := body(msg, TypeNewSessionTicket, name)
	if err != nil {
		return nil, err
	}
	m := &NewSessionTicket12{Raw: msg}
	if !s.ReadUint32(&m.Lifetime) || !hmReadOpaque16(&s, &m.Ticket, 0) || !s.Empty() {
		return nil, hmDecode(name, "ticket_lifetime_hint or ticket")
	}
	return m, nil
}
