package wire

import (
	"github.com/hushtls/hush/internal/alert"
	"golang.org/x/crypto/cryptobyte"
)

// Marshal returns the ClientHello message, header included. It writes the
// typed fields as extensions, each only when its field says it is present,
// in the order NSS uses (the order of the RFC 8448 traces): server_name,
// extended_master_secret, renegotiation_info, supported_groups,
// ec_point_formats, session_ticket, application_layer_protocol_negotiation,
// status_request, signed_certificate_timestamp, key_share, early_data,
// supported_versions, signature_algorithms, signature_algorithms_cert,
// cookie, psk_key_exchange_modes, then ExtraExtensions as they are, then
// pre_shared_key last. Extensions and Raw are ignored. Empty
// LegacyCompressionMethods are written as the single null method; with no
// extension at all the extensions block is omitted.
func (m *ClientHello) Marshal() []byte {
	return marshalMessage(TypeClientHello, func(b *Builder) {
		b.AddUint16(m.LegacyVersion)
		b.AddBytes(m.Random)
		addUint8Bytes(b, m.LegacySessionID)
		addUint16List(b, m.CipherSuites)
		if len(m.LegacyCompressionMethods) == 0 {
			addUint8Bytes(b, []byte{0})
		} else {
			addUint8Bytes(b, m.LegacyCompressionMethods)
		}
		addExtensionsBlock(b, true, m.marshalExtensions)
	})
}

// MarshalTruncated returns the PartialClientHello of RFC 8446, Section
// 4.2.11.2: Marshal's output up to, and not including, the binders list of
// pre_shared_key. The length fields are those of the complete message, so
// m.PSKBinders must already hold binders of the right lengths (their
// contents do not matter). Without PSKIdentities it returns Marshal().
func (m *ClientHello) MarshalTruncated() []byte {
	full := m.Marshal()
	if len(m.PSKIdentities) == 0 {
		return full
	}
	return full[:len(full)-bindersLen(m.PSKBinders)]
}

// BindersLen returns the length of the encoded binders list (its uint16
// length prefix included), the last field of a ClientHello with
// pre_shared_key.
func BindersLen(binders [][]byte) int { return bindersLen(binders) }

// FillBinders writes binders into msg, a ClientHello that Marshal wrote
// with binders of the same lengths: the binders list is msg's last field
// (RFC 8446, Section 4.2.11: pre_shared_key is the last extension). It
// panics if msg is too short to hold them.
func FillBinders(msg []byte, binders [][]byte) {
	off := len(msg) - bindersLen(binders) + 2
	for _, b := range binders {
		if msg[off] != byte(len(b)) {
			panic("wire: FillBinders: binder length differs from the marshalled one")
		}
		off += 1 + copy(msg[off+1:], b)
	}
}

// TruncatedClientHelloLen returns the length of the PartialClientHello
// (RFC 8446, Section 4.2.11.2) of the received ClientHello raw, header
// included: raw[:n] is what the binders are computed over. It parses raw
// and fails when raw is malformed or carries no pre_shared_key extension.
func TruncatedClientHelloLen(raw []byte) (int, error) {
	m, err := ParseClientHello(raw)
	if err != nil {
		return 0, err
	}
	if len(m.PSKIdentities) == 0 {
		return 0, alert.New(alert.InternalError, "ClientHello has no pre_shared_key extension")
	}
	return len(raw) - bindersLen(m.PSKBinders), nil
}

// RawTruncated returns the PartialClientHello of a parsed ClientHello: Raw
// up to the binders list of pre_shared_key (RFC 8446, Section 4.2.11.2).
// It returns nil when m was not parsed or offers no PSK.
func (m *ClientHello) RawTruncated() []byte {
	if len(m.PSKIdentities) == 0 || len(m.Raw) < bindersLen(m.PSKBinders) {
		return nil
	}
	return m.Raw[:len(m.Raw)-bindersLen(m.PSKBinders)]
}

func (m *ClientHello) marshalExtensions(b *Builder) {
	if m.ServerName != "" {
		addExtension(b, ExtServerName, func(b *Builder) {
			b.AddUint16LengthPrefixed(func(b *Builder) {
				b.AddUint8(nameTypeHostName)
				addUint16Bytes(b, []byte(m.ServerName))
			})
		})
	}
	if m.ExtendedMasterSecret {
		addExtension(b, ExtExtendedMasterSecret, emptyBody)
	}
	if m.SecureRenegotiationSupported {
		addExtension(b, ExtRenegotiationInfo, func(b *Builder) {
			addUint8Bytes(b, m.SecureRenegotiation)
		})
	}
	if m.SupportedGroups != nil {
		addExtension(b, ExtSupportedGroups, func(b *Builder) {
			addUint16List(b, m.SupportedGroups)
		})
	}
	if m.SupportedPoints != nil {
		addExtension(b, ExtECPointFormats, func(b *Builder) {
			addUint8Bytes(b, m.SupportedPoints)
		})
	}
	if m.TicketSupported {
		addExtension(b, ExtSessionTicket, func(b *Builder) {
			b.AddBytes(m.SessionTicket)
		})
	}
	if m.ALPNProtocols != nil {
		addExtension(b, ExtALPN, func(b *Builder) {
			addALPN(b, m.ALPNProtocols)
		})
	}
	if m.OCSPStapling {
		addExtension(b, ExtStatusRequest, func(b *Builder) {
			b.AddUint8(statusTypeOCSP)
			b.AddUint16(0) // responder_id_list
			b.AddUint16(0) // request_extensions
		})
	}
	if m.SCTs {
		addExtension(b, ExtSCT, emptyBody)
	}
	if m.HasKeyShare || len(m.KeyShares) > 0 {
		addExtension(b, ExtKeyShare, func(b *Builder) {
			b.AddUint16LengthPrefixed(func(b *Builder) {
				for _, ks := range m.KeyShares {
					addKeyShareEntry(b, ks)
				}
			})
		})
	}
	if m.EarlyData {
		addExtension(b, ExtEarlyData, emptyBody)
	}
	if m.SupportedVersions != nil {
		addExtension(b, ExtSupportedVersions, func(b *Builder) {
			b.AddUint8LengthPrefixed(func(b *Builder) {
				for _, v := range m.SupportedVersions {
					b.AddUint16(v)
				}
			})
		})
	}
	if m.SignatureAlgorithms != nil {
		addExtension(b, ExtSignatureAlgorithms, func(b *Builder) {
			addUint16List(b, m.SignatureAlgorithms)
		})
	}
	if m.SignatureAlgorithmsCert != nil {
		addExtension(b, ExtSignatureAlgorithmsCert, func(b *Builder) {
			addUint16List(b, m.SignatureAlgorithmsCert)
		})
	}
	if m.Cookie != nil {
		addExtension(b, ExtCookie, func(b *Builder) {
			addUint16Bytes(b, m.Cookie)
		})
	}
	if m.HasPSKModes || len(m.PSKModes) > 0 {
		addExtension(b, ExtPSKKeyExchangeModes, func(b *Builder) {
			addUint8Bytes(b, m.PSKModes)
		})
	}
	addRawExtensions(b, m.ExtraExtensions)
	if len(m.PSKIdentities) > 0 {
		addExtension(b, ExtPreSharedKey, func(b *Builder) {
			b.AddUint16LengthPrefixed(func(b *Builder) {
				for _, id := range m.PSKIdentities {
					addUint16Bytes(b, id.Identity)
					b.AddUint32(id.ObfuscatedTicketAge)
				}
			})
			b.AddUint16LengthPrefixed(func(b *Builder) {
				for _, binder := range m.PSKBinders {
					addUint8Bytes(b, binder)
				}
			})
		})
	}
}

// ParseClientHello parses a ClientHello message, header included. It
// fills the typed fields from the extensions it knows and Extensions with
// every extension in order; ExtraExtensions stays nil. Malformed input,
// including a malformed body of a known extension, is a decode_error; a
// repeated extension or a pre_shared_key that is not last is an
// illegal_parameter.
func ParseClientHello(msg []byte) (*ClientHello, error) {
	const name = "ClientHello"
	s, err := body(msg, TypeClientHello, name)
	if err != nil {
		return nil, err
	}
	m := &ClientHello{Raw: msg}
	var sessionID, suites, compression cryptobyte.String
	// RFC 8446, Section 4.1.2: Random random (32 bytes), opaque
	// legacy_session_id<0..32>, CipherSuite cipher_suites<2..2^16-2>,
	// opaque legacy_compression_methods<1..2^8-1>.
	if !s.ReadUint16(&m.LegacyVersion) || !s.ReadBytes(&m.Random, 32) ||
		!s.ReadUint8LengthPrefixed(&sessionID) || len(sessionID) > 32 ||
		!s.ReadUint16LengthPrefixed(&suites) || len(suites) < 2 || len(suites)%2 != 0 ||
		!s.ReadUint8LengthPrefixed(&compression) || compression.Empty() {
		return nil, alert.New(alert.DecodeError, "malformed ClientHello")
	}
	m.LegacySessionID = sessionID
	m.CipherSuites = make([]uint16, 0, len(suites)/2)
	for !suites.Empty() {
		var v uint16
		suites.ReadUint16(&v)
		m.CipherSuites = append(m.CipherSuites, v)
	}
	m.LegacyCompressionMethods = compression
	// RFC 5246, Section 7.4.1.2: the extensions block may be absent.
	if s.Empty() {
		return m, nil
	}
	exts, err := readExtensionsToEnd(&s, name)
	if err != nil {
		return nil, err
	}
	m.Extensions = exts
	for i, e := range exts {
		if err := m.parseExtension(e); err != nil {
			return nil, err
		}
		// RFC 8446, Section 4.2.11: "The "pre_shared_key" extension MUST
		// be the last extension in the ClientHello (this facilitates
		// implementation as described below). Servers MUST check that it
		// is the last extension and otherwise fail the handshake with an
		// "illegal_parameter" alert."
		if e.Type == ExtPreSharedKey && i != len(exts)-1 {
			return nil, alert.New(alert.IllegalParameter, "ClientHello: pre_shared_key is not the last extension")
		}
	}
	return m, nil
}

// parseExtension fills the typed field of one known extension.
func (m *ClientHello) parseExtension(e Extension) error {
	const name = "ClientHello"
	switch e.Type {
	case ExtServerName:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readServerName(&s, &m.ServerName, &m.HasServerName), &s)
	case ExtStatusRequest:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readStatusRequest(&s, &m.OCSPStapling), &s)
	case ExtSupportedGroups:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint16Values(&s, &m.SupportedGroups), &s)
	case ExtECPointFormats:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint8Bytes(&s, &m.SupportedPoints, 1), &s)
	case ExtSignatureAlgorithms:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint16Values(&s, &m.SignatureAlgorithms), &s)
	case ExtSignatureAlgorithmsCert:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint16Values(&s, &m.SignatureAlgorithmsCert), &s)
	case ExtALPN:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readALPN(&s, &m.ALPNProtocols), &s)
	case ExtSCT:
		// RFC 6962, Section 3.3.1: the client's extension_data is empty.
		m.SCTs = true
		return bodyEmpty(name, e)
	case ExtExtendedMasterSecret:
		// RFC 7627, Section 5.1: the extension_data field is empty.
		m.ExtendedMasterSecret = true
		return bodyEmpty(name, e)
	case ExtRenegotiationInfo:
		m.SecureRenegotiationSupported = true
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint8Bytes(&s, &m.SecureRenegotiation, 0), &s)
	case ExtSessionTicket:
		m.TicketSupported = true
		m.SessionTicket = e.Data
	case ExtEarlyData:
		m.EarlyData = true
		return bodyEmpty(name, e)
	case ExtSupportedVersions:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readVersions(&s, &m.SupportedVersions), &s)
	case ExtCookie:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint16Bytes(&s, &m.Cookie, 1), &s)
	case ExtPSKKeyExchangeModes:
		m.HasPSKModes = true
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readUint8Bytes(&s, &m.PSKModes, 1), &s)
	case ExtKeyShare:
		m.HasKeyShare = true
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readClientShares(&s, &m.KeyShares), &s)
	case ExtPreSharedKey:
		s := cryptobyte.String(e.Data)
		return bodyRead(name, e, readOfferedPSKs(&s, &m.PSKIdentities, &m.PSKBinders), &s)
	}
	return nil
}
