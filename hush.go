// Package hush is a TLS 1.3 (RFC 8446) and TLS 1.2 (RFC 5246) implementation
// that wraps any net.Conn. Its API mirrors crypto/tls: Client, Server, Dial,
// Listen and a *Conn that is a net.Conn, so moving an application over is
// mostly an import change. The cryptographic primitives come from Go's
// standard library and golang.org/x/crypto; the protocol is hush's own.
package hush

import (
	"strconv"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/suites"
)

// Protocol versions, with their IANA numbers.
const (
	VersionTLS12 uint16 = 0x0303
	VersionTLS13 uint16 = 0x0304
)

// Cipher suite IDs (IANA numbers, crypto/tls names). The registry with
// their descriptors is package suites.
const (
	TLS_AES_128_GCM_SHA256       = suites.TLS_AES_128_GCM_SHA256
	TLS_AES_256_GCM_SHA384       = suites.TLS_AES_256_GCM_SHA384
	TLS_CHACHA20_POLY1305_SHA256 = suites.TLS_CHACHA20_POLY1305_SHA256

	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256       = suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
	TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384       = suites.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
	TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = suites.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
	TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256         = suites.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384         = suites.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
	TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256   = suites.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
	TLS_RSA_WITH_AES_128_GCM_SHA256               = suites.TLS_RSA_WITH_AES_128_GCM_SHA256
	TLS_RSA_WITH_AES_256_GCM_SHA384               = suites.TLS_RSA_WITH_AES_256_GCM_SHA384
)

// CurveID is a TLS NamedGroup (RFC 8446, Section 4.2.7).
type CurveID uint16

// Key exchange groups, with their IANA numbers.
const (
	CurveP256      CurveID = CurveID(kex.P256)
	CurveP384      CurveID = CurveID(kex.P384)
	CurveP521      CurveID = CurveID(kex.P521)
	X25519         CurveID = CurveID(kex.X25519)
	X25519MLKEM768 CurveID = CurveID(kex.X25519MLKEM768)
)

// String returns the group's name.
func (c CurveID) String() string {
	switch c {
	case CurveP256:
		return "P-256"
	case CurveP384:
		return "P-384"
	case CurveP521:
		return "P-521"
	case X25519:
		return "X25519"
	case X25519MLKEM768:
		return "X25519MLKEM768"
	}
	return "CurveID(" + strconv.Itoa(int(c)) + ")"
}

// VersionName returns "TLS 1.3", "TLS 1.2" or the hex value.
func VersionName(v uint16) string {
	switch v {
	case VersionTLS13:
		return "TLS 1.3"
	case VersionTLS12:
		return "TLS 1.2"
	}
	return "0x" + strconv.FormatUint(uint64(v), 16)
}

// CipherSuiteName returns the IANA name of a suite, or its hex value.
func CipherSuiteName(id uint16) string { return suites.Name(id) }

// Alert is a TLS alert description (RFC 8446, Section 6).
type Alert uint8

// String returns the RFC name of the alert.
func (a Alert) String() string { return alert.Alert(a).String() }

// Alerts a caller may want to match in an *AlertError.
const (
	AlertCloseNotify           = Alert(alert.CloseNotify)
	AlertUnexpectedMessage     = Alert(alert.UnexpectedMessage)
	AlertBadRecordMAC          = Alert(alert.BadRecordMAC)
	AlertRecordOverflow        = Alert(alert.RecordOverflow)
	AlertHandshakeFailure      = Alert(alert.HandshakeFailure)
	AlertBadCertificate        = Alert(alert.BadCertificate)
	AlertCertificateExpired    = Alert(alert.CertificateExpired)
	AlertIllegalParameter      = Alert(alert.IllegalParameter)
	AlertUnknownCA             = Alert(alert.UnknownCA)
	AlertDecodeError           = Alert(alert.DecodeError)
	AlertDecryptError          = Alert(alert.DecryptError)
	AlertProtocolVersion       = Alert(alert.ProtocolVersion)
	AlertInternalError         = Alert(alert.InternalError)
	AlertInappropriateFallback = Alert(alert.InappropriateFallback)
	AlertMissingExtension      = Alert(alert.MissingExtension)
	AlertUnsupportedExtension  = Alert(alert.UnsupportedExtension)
	AlertCertificateRequired   = Alert(alert.CertificateRequired)
	AlertNoApplicationProtocol = Alert(alert.NoApplicationProtocol)

	AlertCertificateRevoked           = Alert(alert.CertificateRevoked)
	AlertCertificateUnknown           = Alert(alert.CertificateUnknown)
	AlertUnsupportedCertificate       = Alert(alert.UnsupportedCertificate)
	AlertAccessDenied                 = Alert(alert.AccessDenied)
	AlertBadCertificateStatusResponse = Alert(alert.BadCertificateStatusResponse)
	AlertUnrecognizedName             = Alert(alert.UnrecognizedName)
)

// AlertError is a fatal alert, sent to the peer or received from it, with
// its cause. Match it with errors.As.
//
// A callback may also return one (or an error wrapping one) to choose the
// alert hush sends when the callback fails the handshake: VerifyConnection
// and VerifyPeerCertificate (default bad_certificate), GetCertificate,
// GetClientCertificate and GetConfigForClient (default internal_error). For example, a client whose VerifyConnection
// rejects the stapled OCSP response can return
// &AlertError{Alert: AlertBadCertificateStatusResponse, Err: err}
// (RFC 8446, Section 6.2). Received must be false, and close_notify or
// user_canceled, which are not errors, are replaced by the default.
type AlertError struct {
	// Alert is the alert description.
	Alert Alert
	// Received is true when the peer sent the alert, false when hush sent
	// it because of Err.
	Received bool
	// Err is the cause: the local error that made hush send the alert, or
	// nil for a received alert.
	Err error
}

func (e *AlertError) Error() string {
	if e.Received {
		return "hush: received fatal alert " + e.Alert.String() + " from peer"
	}
	if e.Err != nil {
		return e.Err.Error() + " (sent alert " + e.Alert.String() + ")"
	}
	return "hush: sent fatal alert " + e.Alert.String()
}

// Unwrap returns the cause.
func (e *AlertError) Unwrap() error { return e.Err }
