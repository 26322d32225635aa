package wire

import (
	"bytes"

	"github.com/hushtls/hush/internal/alert"
	"golang.org/x/crypto/cryptobyte"
)

// IsHelloRetryRequest reports whether m is a HelloRetryRequest: RFC 8446,
// Section 4.1.3, a ServerHello whose Random is HelloRetryRequestRandom.
func (m *ServerHello) IsHelloRetryRequest() bool {
	return bytes.Equal(m.Random, HelloRetryRequestRandom)
}

// Marshal returns the ServerHello (or HelloRetryRequest) message, header
// included. It writes the typed fields as extensions, each only when its
// field says it is present, in the order of the RFC 8448 traces:
// pre_shared_key, key_share, cookie, supported_versions; then the TLS 1.2
// ones: renegotiation_info, extended_master_secret, ec_point_formats,
// session_ticket, application_layer_protocol_negotiation, status_request,
// signed_certificate_timestamp; then ExtraExtensions as they are. key_share
// carries SelectedGroup (if HasSelectedGroup) in a HelloRetryRequest and
// ServerShare (if HasServerShare) otherwise. With no extension at all the
// extensions block is omitted. Extensions and Raw are ignored.
func (m *ServerHello) Marshal() []byte {
	return marshalMessage(TypeServerHello, func(b *Builder) {
		b.AddUint16(m.LegacyVersion)
		b.AddBytes(m.Random)
		addUint8Bytes(b, m.LegacySessionIDEcho)
		b.AddUint16(m.CipherSuite)
		b.AddUint8(m.LegacyCompressionMethod)
		addExtensionsBlock(b, true, m.marshalExtensions)
	})
}

func (m *ServerHello) marshalExtensions(b *Builder) {
	if m.HasSelectedIdentity {
		addExtension(b, ExtPreSharedKey, func(b *Builder) {
			b.AddUint16(m.SelectedIdentity)
		})
	}
	if m.IsHelloRetryRequest() {
		if m.HasSelectedGroup {
			addExtension(b, ExtKeyShare, func(b *Builder) {
				b.AddUint16(m.SelectedGroup)
			})
		}
	} else if m.HasServerShare {
		addExtension(b, ExtKeyShare, func(b *Builder) {
			addKeyShareEntry(b, m.ServerShare)
		})
	}
	if m.Cookie != nil {
		addExtension(b, ExtCookie, func(b *Builder) {
			addUint16Bytes(b, m.Cookie)
		})
	}
	if m.SupportedVersion != 0 {
		addExtension(b, ExtSupportedVersions, func(b *Builder) {
			b.AddUint16(m.SupportedVersion)
		})
	}
	if m.ServerNameAck {
		addExtension(b, ExtServerName, emptyBody)
	}
	if m.SecureRenegotiationSupported {
		addExtension(b, ExtRenegotiationInfo, func(b *Builder) {
			addUint8Bytes(b, m.SecureRenegotiation)
		})
	}
	if m.ExtendedMasterSecret {
		addExtension(b, ExtExtendedMasterSecret, emptyBody)
	}
	if m.SupportedPoints != nil {
		addExtension(b, ExtECPointFormats, func(b *Builder) {
			addUint8Bytes(b, m.SupportedPoints)
		})
	}
	if m.TicketSupported {
		addExtension(b, ExtSessionTicket, emptyBody)
	}
	if m.ALPNProtocol != "" {
		addExtension(b, ExtALPN, func(b *Builder) {
			addALPN(b, []string{m.ALPNProtocol})
		})
	}
	if m.OCSPStapling {
		addExtension(b, ExtStatusRequest, emptyBody)
	}
	if len(m.SCTs) > 0 {
		addExtension(b, ExtSCT, func(b *Builder) {
			b.AddUint16LengthPrefixed(func(b *Builder) {
				for _, sct := range m.SCTs {
					addUint16Bytes(b, sct)
				}
			})
		})
	}
	addRawExtensions(b, m.ExtraExtensions)
}

// ParseServerHello parses a ServerHello or HelloRetryRequest message,
// header included. It fills the typed fields from the extensions it knows
// (key_share is read as selected_group when IsHelloRetryRequest, as a
// KeyShareEntry otherwise) and Extensions with every extension in order;
// ExtraExtensions stays nil.
func ParseServerHello(msg []byte) (*ServerHello, error) {
	const name = "ServerHello"
	s, err := body(msg, TypeServerHello, name)
	if err != nil {
		return nil, err
	}
	m := &ServerHello{Raw: msg}
	var sessionID cryptobyte.String
	// RFC 8446, Section 4.1.3: Random random (32 bytes), opaque
	// legacy_session_id_echo<0..32>, CipherSuite cipher_suite, uint8
	// legacy_compression_method.
	if !s.ReadUint16(&m.LegacyVersion) || !s.ReadBytes(&m.Random, 32) ||
		!s.ReadUint8LengthPrefixed(&sessionID) || len(sessionID) > 32 ||
		!s.ReadUint16(&m.CipherSuite) || !s.ReadUint8(&m.LegacyCompressionMethod) {
		return nil, alert.New(alert.DecodeError, "malformed ServerHello")
	}
	m.LegacySessionIDEcho = sessionID
	// RFC 5246, Section 7.4.1.3: the extensions block may be absent.
	if s.Empty() {
		return m, nil
	}
	exts, err := parseExtensionsToEnd(&s, name, m.parseExtension)
	if err != nil {
		return nil, err
	}
	m.Extensions = exts
	return m, nil
}

// parseExtension fills the typed field of one known extension.
func (m *ServerHello) parseExtension(e Extension) error {
	const name = "ServerHello"
	switch e.Type {
	case ExtSupportedVersions:
		// RFC 8446, Section 4.2.1: the server sends one ProtocolVersion.
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, s.ReadUint16(&m.SupportedVersion), &s)
	case ExtKeyShare:
		if m.IsHelloRetryRequest() {
			// RFC 8446, Section 4.2.8: KeyShareHelloRetryRequest holds
			// only selected_group.
			m.HasSelectedGroup = true
			s := cryptobyte.String(e.Data)
			return bodyRead(name, e, s.ReadUint16(&m.SelectedGroup), &s)
		}
		m.HasServerShare = true
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readKeyShareEntry(&s, &m.ServerShare), &s)
	case ExtCookie:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint16Bytes(&s, &m.Cookie, 1), &s)
	case ExtPreSharedKey:
		m.HasSelectedIdentity = true
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, s.ReadUint16(&m.SelectedIdentity), &s)
	case ExtALPN:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readOneALPN(&s, &m.ALPNProtocol), &s)
	case ExtStatusRequest:
		// RFC 6066, Section 8: the server's extension_data is empty.
		m.OCSPStapling = true
		return bodyEmpty(name, e)
	case ExtSCT:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readSCTList(&s, &m.SCTs), &s)
	case ExtECPointFormats:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint8Bytes(&s, &m.SupportedPoints, 1), &s)
	case ExtServerName:
		// RFC 6066, Section 3: the server's extension_data is empty.
		m.ServerNameAck = true
		return bodyEmpty(name, e)
	case ExtExtendedMasterSecret:
		m.ExtendedMasterSecret = true
		return bodyEmpty(name, e)
	case ExtRenegotiationInfo:
		m.SecureRenegotiationSupported = true
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint8Bytes(&s, &m.SecureRenegotiation, 0), &s)
	case ExtSessionTicket:
		// RFC 5077, Section 3.2: the server sends an empty SessionTicket
		// extension.
		m.TicketSupported = true
		return bodyEmpty(name, e)
	}
	return nil
}
