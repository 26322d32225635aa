// Package wire holds one Go type per TLS handshake message and the
// extensions they carry, with Marshal and Parse functions written with
// golang.org/x/crypto/cryptobyte. It knows the syntax of RFC 8446 Section 4
// and RFC 5246 Section 7.4, and nothing of the protocol's logic: a parser
// checks that the bytes are well formed (decode_error otherwise) and that
// no extension appears twice in one block (illegal_parameter), and leaves
// every semantic check to internal/handshake.
//
// Conventions:
//   - Marshal() []byte returns the whole handshake message, the 4-byte
//     header (msg_type, uint24 length) included, ready for the transcript.
//   - ParseXxx(msg []byte) (*Xxx, error) takes the whole message with its
//     header, checks the type and that the length consumes msg exactly, and
//     returns an *alert.Error (decode_error) for anything malformed. The
//     parsed value may alias msg (Raw is msg itself): callers hand each
//     message its own buffer and never reuse it.
//   - Parsers never panic and never allocate more than the input's size.
package wire

// HandshakeType is a HandshakeType value (RFC 8446, Section 4).
type HandshakeType uint8

// Handshake message types.
const (
	TypeHelloRequest        HandshakeType = 0
	TypeClientHello         HandshakeType = 1
	TypeServerHello         HandshakeType = 2
	TypeNewSessionTicket    HandshakeType = 4
	TypeEndOfEarlyData      HandshakeType = 5
	TypeEncryptedExtensions HandshakeType = 8
	TypeCertificate         HandshakeType = 11
	TypeServerKeyExchange   HandshakeType = 12
	TypeCertificateRequest  HandshakeType = 13
	TypeServerHelloDone     HandshakeType = 14
	TypeCertificateVerify   HandshakeType = 15
	TypeClientKeyExchange   HandshakeType = 16
	TypeFinished            HandshakeType = 20
	TypeCertificateStatus   HandshakeType = 22
	TypeKeyUpdate           HandshakeType = 24
	TypeMessageHash         HandshakeType = 254
)

// HeaderLen is the size of a handshake message header.
const HeaderLen = 4

// ExtensionType values (RFC 8446, Section 4.2, and the RFCs it names).
const (
	ExtServerName              uint16 = 0
	ExtStatusRequest           uint16 = 5
	ExtSupportedGroups         uint16 = 10
	ExtECPointFormats          uint16 = 11
	ExtSignatureAlgorithms     uint16 = 13
	ExtALPN                    uint16 = 16
	ExtSCT                     uint16 = 18
	ExtPadding                 uint16 = 21
	ExtExtendedMasterSecret    uint16 = 23
	ExtSessionTicket           uint16 = 35
	ExtPreSharedKey            uint16 = 41
	ExtEarlyData               uint16 = 42
	ExtSupportedVersions       uint16 = 43
	ExtCookie                  uint16 = 44
	ExtPSKKeyExchangeModes     uint16 = 45
	ExtCertificateAuthorities  uint16 = 47
	ExtSignatureAlgorithmsCert uint16 = 50
	ExtKeyShare                uint16 = 51
	ExtRenegotiationInfo       uint16 = 0xff01
)

// Protocol versions.
const (
	VersionTLS10 uint16 = 0x0301
	VersionTLS11 uint16 = 0x0302
	VersionTLS12 uint16 = 0x0303
	VersionTLS13 uint16 = 0x0304
)

// PSK key exchange modes (RFC 8446, Section 4.2.9).
const (
	PSKModeKE    uint8 = 0
	PSKModeDHEKE uint8 = 1
)

// KeyShare is a KeyShareEntry (RFC 8446, Section 4.2.8).
type KeyShare struct {
	Group       uint16
	KeyExchange []byte
}

// PSKIdentity is a PskIdentity (RFC 8446, Section 4.2.11).
type PSKIdentity struct {
	Identity            []byte
	ObfuscatedTicketAge uint32
}

// Extension is one raw extension as it appeared in a block.
type Extension struct {
	Type uint16
	Data []byte
}

// ClientHello (RFC 8446, Section 4.1.2; RFC 5246, Section 7.4.1.2).
// Fields after LegacyCompressionMethods come from extensions; a nil slice
// means the extension was absent, an empty non-nil slice that it was
// present and empty (where the syntax allows it).
type ClientHello struct {
	Raw                      []byte
	LegacyVersion            uint16
	Random                   []byte // 32 bytes
	LegacySessionID          []byte // 0..32 bytes
	CipherSuites             []uint16
	LegacyCompressionMethods []uint8

	ServerName                   string // server_name, host_name type only
	HasServerName                bool
	SupportedVersions            []uint16
	SupportedGroups              []uint16
	SignatureAlgorithms          []uint16
	SignatureAlgorithmsCert      []uint16
	KeyShares                    []KeyShare
	HasKeyShare                  bool // key_share present (possibly with zero shares)
	ALPNProtocols                []string
	Cookie                       []byte
	PSKModes                     []uint8
	HasPSKModes                  bool
	PSKIdentities                []PSKIdentity // pre_shared_key; must be the last extension
	PSKBinders                   [][]byte
	EarlyData                    bool
	OCSPStapling                 bool // status_request with status_type ocsp
	SCTs                         bool // signed_certificate_timestamp requested
	SupportedPoints              []uint8
	ExtendedMasterSecret         bool
	SecureRenegotiationSupported bool   // renegotiation_info present
	SecureRenegotiation          []byte // its renegotiated_connection
	TicketSupported              bool   // session_ticket present
	SessionTicket                []byte

	// Extensions lists every extension in the order received, raw, so the
	// handshake can check order rules and unknown extensions. Marshal
	// ignores it.
	Extensions []Extension
	// ExtraExtensions are written by Marshal, as they are, after the typed
	// extensions and before pre_shared_key. Parse leaves it nil.
	ExtraExtensions []Extension
}

// ServerHello (RFC 8446, Section 4.1.3; RFC 5246, Section 7.4.1.3). A
// HelloRetryRequest is a ServerHello whose Random is HelloRetryRequestRandom.
type ServerHello struct {
	Raw                     []byte
	LegacyVersion           uint16
	Random                  []byte // 32 bytes
	LegacySessionIDEcho     []byte
	CipherSuite             uint16
	LegacyCompressionMethod uint8

	SupportedVersion             uint16 // supported_versions (0 when absent)
	ServerShare                  KeyShare
	HasServerShare               bool
	SelectedGroup                uint16 // HelloRetryRequest key_share: selected_group
	HasSelectedGroup             bool
	Cookie                       []byte // HelloRetryRequest cookie
	SelectedIdentity             uint16 // pre_shared_key
	HasSelectedIdentity          bool
	ServerNameAck                bool   // TLS 1.2: empty server_name (RFC 6066, Section 3)
	ALPNProtocol                 string // TLS 1.2 only
	OCSPStapling                 bool   // TLS 1.2 status_request acknowledged
	SCTs                         [][]byte
	SupportedPoints              []uint8
	ExtendedMasterSecret         bool
	SecureRenegotiationSupported bool
	SecureRenegotiation          []byte
	TicketSupported              bool

	// Extensions lists every extension in the order received, raw.
	// Marshal ignores it.
	Extensions []Extension
	// ExtraExtensions are written by Marshal, as they are, after the typed
	// extensions. Parse leaves it nil.
	ExtraExtensions []Extension
}

// HelloRetryRequestRandom is the special Random of RFC 8446, Section 4.1.3.
var HelloRetryRequestRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11,
	0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E,
	0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// EncryptedExtensions (RFC 8446, Section 4.3.1).
type EncryptedExtensions struct {
	Raw             []byte
	ALPNProtocol    string
	HasALPN         bool
	ServerNameAck   bool // empty server_name
	SupportedGroups []uint16
	EarlyData       bool
	// Extensions lists every extension in the order received, raw.
	// Marshal ignores it.
	Extensions []Extension
	// ExtraExtensions are written by Marshal, as they are, after
	// supported_groups. Parse leaves it nil.
	ExtraExtensions []Extension
}

// CertificateEntry is one entry of a TLS 1.3 Certificate message.
type CertificateEntry struct {
	Data       []byte // DER
	OCSPStaple []byte // status_request extension (first entry only, in practice)
	SCTs       [][]byte
	// Extensions lists every extension of the entry in the order received,
	// raw. Marshal ignores it.
	Extensions []Extension
	// ExtraExtensions are written by Marshal, as they are, after
	// status_request and signed_certificate_timestamp. Parse leaves it nil.
	ExtraExtensions []Extension
}

// Certificate13 is the TLS 1.3 Certificate message (RFC 8446, Section 4.4.2).
type Certificate13 struct {
	Raw                       []byte
	CertificateRequestContext []byte
	Entries                   []CertificateEntry
}

// Certificate12 is the TLS 1.2 Certificate message (RFC 5246, Section 7.4.2).
type Certificate12 struct {
	Raw          []byte
	Certificates [][]byte
}

// CertificateRequest13 (RFC 8446, Section 4.3.2).
type CertificateRequest13 struct {
	Raw                       []byte
	CertificateRequestContext []byte
	SignatureAlgorithms       []uint16 // required extension
	SignatureAlgorithmsCert   []uint16
	CertificateAuthorities    [][]byte
	OCSPStapling              bool
	SCTs                      bool
	// Extensions lists every extension in the order received, raw.
	// Marshal ignores it.
	Extensions []Extension
	// ExtraExtensions are written by Marshal, as they are, after the typed
	// extensions. Parse leaves it nil.
	ExtraExtensions []Extension
}

// CertificateRequest12 (RFC 5246, Section 7.4.4).
type CertificateRequest12 struct {
	Raw                    []byte
	CertificateTypes       []uint8
	SignatureAlgorithms    []uint16
	CertificateAuthorities [][]byte
}

// CertificateVerify (RFC 8446, Section 4.4.3; RFC 5246, Section 7.4.8 with
// the TLS 1.2 digitally-signed struct, which has the same shape).
type CertificateVerify struct {
	Raw       []byte
	Algorithm uint16
	Signature []byte
}

// Finished (RFC 8446, Section 4.4.4; RFC 5246, Section 7.4.9). The parser
// does not know the hash length: the handshake checks len(VerifyData).
type Finished struct {
	Raw        []byte
	VerifyData []byte
}

// KeyUpdate (RFC 8446, Section 4.6.3).
type KeyUpdate struct {
	Raw             []byte
	UpdateRequested bool
}

// KeyUpdate request values.
const (
	KeyUpdateNotRequested uint8 = 0
	KeyUpdateRequested    uint8 = 1
)

// NewSessionTicket13 (RFC 8446, Section 4.6.1).
type NewSessionTicket13 struct {
	Raw             []byte
	Lifetime        uint32
	AgeAdd          uint32
	Nonce           []byte
	Ticket          []byte
	MaxEarlyData    uint32
	HasMaxEarlyData bool
	// Extensions lists every extension in the order received, raw.
	// Marshal ignores it.
	Extensions []Extension
	// ExtraExtensions are written by Marshal, as they are, after
	// early_data. Parse leaves it nil.
	ExtraExtensions []Extension
}

// NewSessionTicket12 (RFC 5077, Section 3.3).
type NewSessionTicket12 struct {
	Raw      []byte
	Lifetime uint32
	Ticket   []byte
}

// ServerKeyExchangeECDHE is the TLS 1.2 ServerKeyExchange for ECDHE
// (RFC 8422, Section 5.4): named_curve params and a signature.
type ServerKeyExchangeECDHE struct {
	Raw       []byte
	Group     uint16
	PublicKey []byte
	// Params is the ServerECDHParams encoding, the input to the signature
	// after client_random and server_random.
	Params    []byte
	Algorithm uint16
	Signature []byte
}

// ClientKeyExchange (RFC 5246, Section 7.4.7): its body is opaque here; for
// ECDHE it is a uint8-length point, for RSA a uint16-length ciphertext.
type ClientKeyExchange struct {
	Raw  []byte
	Body []byte
}

// ServerHelloDone (RFC 5246, Section 7.4.5), HelloRequest (Section 7.4.1.1)
// and EndOfEarlyData (RFC 8446, Section 4.5) are empty messages.

// CertificateStatus (RFC 6066, Section 8), ocsp type only.
type CertificateStatus struct {
	Raw      []byte
	Response []byte
}

// MessageHash builds the synthetic message_hash message of RFC 8446,
// Section 4.4.1, that replaces ClientHello1 in the transcript after a
// HelloRetryRequest.
func MessageHash(hash []byte) []byte {
	out := make([]byte, 0, HeaderLen+len(hash))
	out = append(out, byte(TypeMessageHash), 0, 0, byte(len(hash)))
	return append(out, hash...)
}
