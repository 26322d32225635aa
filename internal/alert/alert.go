// Package alert defines the TLS alert codes (RFC 8446, Section 6; RFC 5246,
// Section 7.2) and the error type that carries an alert together with its
// cause. Nothing in internal/ sends an alert: packages return an *Error and
// the connection maps it to the wire, once.
package alert

import (
	"errors"
	"fmt"
	"strconv"
)

// Alert is an AlertDescription value.
type Alert uint8

// Alert descriptions, with their RFC names in Go case.
const (
	CloseNotify                  Alert = 0
	UnexpectedMessage            Alert = 10
	BadRecordMAC                 Alert = 20
	RecordOverflow               Alert = 22
	HandshakeFailure             Alert = 40
	BadCertificate               Alert = 42
	UnsupportedCertificate       Alert = 43
	CertificateRevoked           Alert = 44
	CertificateExpired           Alert = 45
	CertificateUnknown           Alert = 46
	IllegalParameter             Alert = 47
	UnknownCA                    Alert = 48
	AccessDenied                 Alert = 49
	DecodeError                  Alert = 50
	DecryptError                 Alert = 51
	ProtocolVersion              Alert = 70
	InsufficientSecurity         Alert = 71
	InternalError                Alert = 80
	InappropriateFallback        Alert = 86
	UserCanceled                 Alert = 90
	NoRenegotiation              Alert = 100
	MissingExtension             Alert = 109
	UnsupportedExtension         Alert = 110
	UnrecognizedName             Alert = 112
	BadCertificateStatusResponse Alert = 113
	UnknownPSKIdentity           Alert = 115
	CertificateRequired          Alert = 116
	NoApplicationProtocol        Alert = 120
)

// Alert levels (RFC 5246, Section 7.2). TLS 1.3 ignores the level for
// everything but close_notify and user_canceled.
const (
	LevelWarning = 1
	LevelFatal   = 2
)

var names = map[Alert]string{
	CloseNotify:                  "close_notify",
	UnexpectedMessage:            "unexpected_message",
	BadRecordMAC:                 "bad_record_mac",
	RecordOverflow:               "record_overflow",
	HandshakeFailure:             "handshake_failure",
	BadCertificate:               "bad_certificate",
	UnsupportedCertificate:       "unsupported_certificate",
	CertificateRevoked:           "certificate_revoked",
	CertificateExpired:           "certificate_expired",
	CertificateUnknown:           "certificate_unknown",
	IllegalParameter:             "illegal_parameter",
	UnknownCA:                    "unknown_ca",
	AccessDenied:                 "access_denied",
	DecodeError:                  "decode_error",
	DecryptError:                 "decrypt_error",
	ProtocolVersion:              "protocol_version",
	InsufficientSecurity:         "insufficient_security",
	InternalError:                "internal_error",
	InappropriateFallback:        "inappropriate_fallback",
	UserCanceled:                 "user_canceled",
	NoRenegotiation:              "no_renegotiation",
	MissingExtension:             "missing_extension",
	UnsupportedExtension:         "unsupported_extension",
	UnrecognizedName:             "unrecognized_name",
	BadCertificateStatusResponse: "bad_certificate_status_response",
	UnknownPSKIdentity:           "unknown_psk_identity",
	CertificateRequired:          "certificate_required",
	NoApplicationProtocol:        "no_application_protocol",
}

// String returns the RFC name of the alert, or "alert(N)" for unknown codes.
func (a Alert) String() string {
	if n, ok := names[a]; ok {
		return n
	}
	return "alert(" + strconv.Itoa(int(a)) + ")"
}

// Known reports whether a is an alert code this package names.
func (a Alert) Known() bool { _, ok := names[a]; return ok }

// Error is an error that carries the alert the RFC asks for.
type Error struct {
	Alert Alert
	Err   error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return "hush: " + e.Alert.String()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error carrying a whose message is "hush: " + the formatted text.
func New(a Alert, format string, args ...any) error {
	return &Error{Alert: a, Err: fmt.Errorf("hush: "+format, args...)}
}

// Wrap returns err tagged with a. A nil err stays nil.
func Wrap(a Alert, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Alert: a, Err: err}
}

// Default returns err tagged with a, unless err already carries an alert
// (a callback that chose its own); a nil err stays nil.
func Default(a Alert, err error) error {
	if _, ok := Of(err); ok || err == nil {
		return err
	}
	return &Error{Alert: a, Err: err}
}

// Of returns the alert carried by err, if any.
func Of(err error) (Alert, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Alert, true
	}
	return 0, false
}

// Decode is shorthand for a decode_error about a malformed message.
func Decode(what string) error {
	return New(DecodeError, "malformed %s", what)
}
