package wire

import (
	"golang.org/x/crypto/cryptobyte"
)

// Marshal returns the EncryptedExtensions message, header included, with
// the typed fields as extensions in the order of the RFC 8448 traces:
// supported_groups, ExtraExtensions as they are, server_name (empty, when
// ServerNameAck), application_layer_protocol_negotiation (when HasALPN or
// ALPNProtocol is set), early_data. Extensions and Raw are ignored.
func (m *EncryptedExtensions) Marshal() []byte {
	return marshalMessage(TypeEncryptedExtensions, func(b *Builder) {
		addExtensionsBlock(b, false, m.marshalExtensions)
	})
}

func (m *EncryptedExtensions) marshalExtensions(b *Builder) {
	if m.SupportedGroups != nil {
		addExtension(b, ExtSupportedGroups, func(b *Builder) {
			addUint16List(b, m.SupportedGroups)
		})
	}
	addRawExtensions(b, m.ExtraExtensions)
	if m.ServerNameAck {
		addExtension(b, ExtServerName, emptyBody)
	}
	if m.HasALPN || m.ALPNProtocol != "" {
		addExtension(b, ExtALPN, func(b *Builder) {
			addALPN(b, []string{m.ALPNProtocol})
		})
	}
	if m.EarlyData {
		addExtension(b, ExtEarlyData, emptyBody)
	}
}

// ParseEncryptedExtensions parses an EncryptedExtensions message, header
// included. It fills the typed fields from the extensions it knows and
// Extensions with every extension in order; ExtraExtensions stays nil.
func ParseEncryptedExtensions(msg []byte) (*EncryptedExtensions, error) {
	const name = "EncryptedExtensions"
	s, err := body(msg, TypeEncryptedExtensions, name)
	if err != nil {
		return nil, err
	}
	m := &EncryptedExtensions{Raw: msg}
	// RFC 8446, Section 4.3.1: Extension extensions<0..2^16-1>.
	exts, err := parseExtensionsToEnd(&s, name, m.parseExtension)
	if err != nil {
		return nil, err
	}
	m.Extensions = exts
	return m, nil
}

// parseExtension fills the typed field of one known extension.
func (m *EncryptedExtensions) parseExtension(e Extension) error {
	const name = "EncryptedExtensions"
	switch e.Type {
	case ExtSupportedGroups:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint16Values(&s, &m.SupportedGroups), &s)
	case ExtServerName:
		// RFC 6066, Section 3: the server's "extension_data" field of
		// this extension SHALL be empty.
		m.ServerNameAck = true
		return bodyEmpty(name, e)
	case ExtALPN:
		m.HasALPN = true
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readOneALPN(&s, &m.ALPNProtocol), &s)
	case ExtEarlyData:
		// RFC 8446, Section 4.2.10: in EncryptedExtensions the
		// extension_data is empty.
		m.EarlyData = true
		return bodyEmpty(name, e)
	}
	return nil
}
