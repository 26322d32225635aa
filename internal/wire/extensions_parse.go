package wire

import (
	"github.com/hushtls/hush/internal/alert"
	"golang.org/x/crypto/cryptobyte"
)

// Helpers that read and write the bodies of the hello extensions. Every
// reader takes the extension body and reports false when it is malformed;
// bodyRead also requires the body to be consumed exactly.

// statusTypeOCSP is CertificateStatusType ocsp (RFC 6066, Section 8).
const statusTypeOCSP uint8 = 1

// nameTypeHostName is NameType host_name (RFC 6066, Section 3).
const nameTypeHostName uint8 = 0

// extensionName names an extension type for error messages.
func extensionName(typ uint16) string {
	switch typ {
	case ExtServerName:
		return "server_name"
	case ExtStatusRequest:
		return "status_request"
	case ExtSupportedGroups:
		return "supported_groups"
	case ExtECPointFormats:
		return "ec_point_formats"
	case ExtSignatureAlgorithms:
		return "signature_algorithms"
	case ExtALPN:
		return "application_layer_protocol_negotiation"
	case ExtSCT:
		return "signed_certificate_timestamp"
	case ExtExtendedMasterSecret:
		return "extended_master_secret"
	case ExtSessionTicket:
		return "session_ticket"
	case ExtPreSharedKey:
		return "pre_shared_key"
	case ExtEarlyData:
		return "early_data"
	case ExtSupportedVersions:
		return "supported_versions"
	case ExtCookie:
		return "cookie"
	case ExtPSKKeyExchangeModes:
		return "psk_key_exchange_modes"
	case ExtSignatureAlgorithmsCert:
		return "signature_algorithms_cert"
	case ExtKeyShare:
		return "key_share"
	case ExtRenegotiationInfo:
		return "renegotiation_info"
	}
	return "unknown"
}

// malformedExtension is the decode_error for a known extension whose body
// does not follow its syntax.
func malformedExtension(msg string, typ uint16) error {
	return alert.New(alert.DecodeError, "malformed %s: %s extension", msg, extensionName(typ))
}

// bodyRead takes the result ok of reading the body of e through s, a
// cryptobyte.String made from e.Data, and returns nil only if the read
// succeeded and consumed the body exactly; otherwise a decode_error. The
// caller reads with direct calls rather than through a callback, so that s
// stays on the stack (a callback taking &s made it escape: one allocation
// per extension).
func bodyRead(msg string, e Extension, ok bool, s *cryptobyte.String) error {
	if !ok || !s.Empty() {
		return malformedExtension(msg, e.Type)
	}
	return nil
}

// bodyEmpty accepts only an empty body, else a decode_error.
func bodyEmpty(msg string, e Extension) error {
	if len(e.Data) != 0 {
		return malformedExtension(msg, e.Type)
	}
	return nil
}

// readUint8Bytes reads an opaque<min..2^8-1>.
func readUint8Bytes(s *cryptobyte.String, out *[]byte, min int) bool {
	var v cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = v
	return true
}

// readUint16Bytes reads an opaque<min..2^16-1>.
func readUint16Bytes(s *cryptobyte.String, out *[]byte, min int) bool {
	var v cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = v
	return true
}

// readUint16Values reads a uint16 list with a uint16 byte-length prefix and
// at least one entry.
func readUint16Values(s *cryptobyte.String, out *[]uint16) bool {
	list, ok := readUint16List(s, 1)
	*out = list
	return ok
}

// readVersions reads ProtocolVersion versions<2..254> (RFC 8446, Section
// 4.2.1): a uint8 byte-length prefix and at least one version.
func readVersions(s *cryptobyte.String, out *[]uint16) bool {
	var list cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&list) || len(list) < 2 || len(list)%2 != 0 {
		return false
	}
	vs := make([]uint16, 0, len(list)/2)
	for !list.Empty() {
		var v uint16
		list.ReadUint16(&v)
		vs = append(vs, v)
	}
	*out = vs
	return true
}

// readServerName reads a ServerNameList (RFC 6066, Section 3) and returns
// its host_name. Entries of other name types are skipped; like every
// deployed implementation, it reads their body as opaque<1..2^16-1>, the
// only syntax RFC 6066 defines.
func readServerName(s *cryptobyte.String, name *string, found *bool) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return false
	}
	for !list.Empty() {
		var typ uint8
		var v cryptobyte.String
		if !list.ReadUint8(&typ) || !list.ReadUint16LengthPrefixed(&v) || v.Empty() {
			return false
		}
		if typ != nameTypeHostName {
			continue
		}
		// RFC 6066, Section 3: "The ServerNameList MUST NOT contain more
		// than one name of the same name_type."
		if *found {
			return false
		}
		*name = string(v)
		*found = true
	}
	return true
}

// readStatusRequest reads a CertificateStatusRequest (RFC 6066, Section
// 8). For status_type ocsp it checks the framing of the OCSPStatusRequest
// (responder_id_list<0..2^16-1>, request_extensions<0..2^16-1>) without
// looking inside; a body of another status_type is skipped.
func readStatusRequest(s *cryptobyte.String, ocsp *bool) bool {
	var typ uint8
	if !s.ReadUint8(&typ) {
		return false
	}
	if typ != statusTypeOCSP {
		s.Skip(len(*s))
		return true
	}
	var responders, exts cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&responders) || !s.ReadUint16LengthPrefixed(&exts) {
		return false
	}
	*ocsp = true
	return true
}

// readALPN reads a ProtocolNameList (RFC 7301, Section 3.1): a non-empty
// list of non-empty names.
func readALPN(s *cryptobyte.String, out *[]string) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return false
	}
	var names []string
	for !list.Empty() {
		var name cryptobyte.String
		if !list.ReadUint8LengthPrefixed(&name) || name.Empty() {
			return false
		}
		names = append(names, string(name))
	}
	*out = names
	return true
}

// readOneALPN reads a ProtocolNameList from a server. RFC 7301, Section
// 3.1: the "ProtocolNameList MUST contain exactly one "ProtocolName"".
func readOneALPN(s *cryptobyte.String, out *string) bool {
	var names []string
	if !readALPN(s, &names) || len(names) != 1 {
		return false
	}
	*out = names[0]
	return true
}

// readKeyShareEntry reads a KeyShareEntry (RFC 8446, Section 4.2.8):
// key_exchange<1..2^16-1>.
func readKeyShareEntry(s *cryptobyte.String, out *KeyShare) bool {
	return s.ReadUint16(&out.Group) && readUint16Bytes(s, &out.KeyExchange, 1)
}

// readClientShares reads KeyShareEntry client_shares<0..2^16-1>.
func readClientShares(s *cryptobyte.String, out *[]KeyShare) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) {
		return false
	}
	shares := []KeyShare{}
	for !list.Empty() {
		var ks KeyShare
		if !readKeyShareEntry(&list, &ks) {
			return false
		}
		shares = append(shares, ks)
	}
	*out = shares
	return true
}

// readOfferedPSKs reads OfferedPsks (RFC 8446, Section 4.2.11):
// PskIdentity identities<7..2^16-1> with opaque identity<1..2^16-1> and a
// uint32 age, then PskBinderEntry binders<33..2^16-1> with each
// opaque PskBinderEntry<32..255>.
func readOfferedPSKs(s *cryptobyte.String, ids *[]PSKIdentity, binders *[][]byte) bool {
	var idList, binderList cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&idList) || idList.Empty() {
		return false
	}
	for !idList.Empty() {
		var id PSKIdentity
		if !readUint16Bytes(&idList, &id.Identity, 1) || !idList.ReadUint32(&id.ObfuscatedTicketAge) {
			return false
		}
		*ids = append(*ids, id)
	}
	if !s.ReadUint16LengthPrefixed(&binderList) || binderList.Empty() {
		return false
	}
	for !binderList.Empty() {
		var b []byte
		if !readUint8Bytes(&binderList, &b, 32) {
			return false
		}
		*binders = append(*binders, b)
	}
	return true
}

// readSCTList reads a SignedCertificateTimestampList (RFC 6962, Section
// 3.3): a non-empty list of non-empty SerializedSCTs.
func readSCTList(s *cryptobyte.String, out *[][]byte) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return false
	}
	var scts [][]byte
	for !list.Empty() {
		var sct []byte
		if !readUint16Bytes(&list, &sct, 1) {
			return false
		}
		scts = append(scts, sct)
	}
	*out = scts
	return true
}

// bindersLen is the encoded size of the binders list of pre_shared_key,
// its uint16 length prefix included.
func bindersLen(binders [][]byte) int {
	n := 2
	for _, b := range binders {
		n += 1 + len(b)
	}
	return n
}

// addUint8Bytes writes an opaque with a uint8 length prefix.
func addUint8Bytes(b *Builder, v []byte) {
	b.AddUint8LengthPrefixed(func(b *Builder) { b.AddBytes(v) })
}

// addUint16Bytes writes an opaque with a uint16 length prefix.
func addUint16Bytes(b *Builder, v []byte) {
	b.AddUint16LengthPrefixed(func(b *Builder) { b.AddBytes(v) })
}

// addALPN writes a ProtocolNameList.
func addALPN(b *Builder, names []string) {
	b.AddUint16LengthPrefixed(func(b *Builder) {
		for _, name := range names {
			addUint8Bytes(b, []byte(name))
		}
	})
}

// addKeyShareEntry writes a KeyShareEntry.
func addKeyShareEntry(b *Builder, ks KeyShare) {
	b.AddUint16(ks.Group)
	addUint16Bytes(b, ks.KeyExchange)
}

// addRawExtensions writes extensions as they are.
func addRawExtensions(b *Builder, exts []Extension) {
	for _, e := range exts {
		addExtension(b, e.Type, func(b *Builder) { b.AddBytes(e.Data) })
	}
}

// addExtensionsBlock writes the extensions produced by f behind a uint16
// length; when f writes nothing and omitEmpty is set it writes no block at
// all, as RFC 5246, Section 7.4.1.2 allows for the hellos.
func addExtensionsBlock(b *Builder, omitEmpty bool, f func(b *Builder)) {
	start := len(b.buf)
	b.AddUint16LengthPrefixed(f)
	if omitEmpty && len(b.buf) == start+2 {
		b.buf = b.buf[:start]
	}
}
