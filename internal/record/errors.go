package record

import "github.com/hushtls/hush/internal/alert"

// Errors are allocated once so that Open allocates nothing, even when it
// fails.
var (
	errLengthMismatch = alert.New(alert.DecodeError, "record: header length does not match the record")
	errShortHeader    = alert.New(alert.DecodeError, "record: shorter than a record header")
	errOuterType13    = alert.New(alert.UnexpectedMessage, "record: protected TLS 1.3 record with an outer type other than application_data")
	errBadType        = alert.New(alert.UnexpectedMessage, "record: unexpected record content type")
	errOverflow       = alert.New(alert.RecordOverflow, "record: record exceeds the maximum length")
	errBadMAC         = alert.New(alert.BadRecordMAC, "record: authentication failed")
	errShort          = alert.New(alert.BadRecordMAC, "record: fragment shorter than the AEAD expansion")
	errNoContentType  = alert.New(alert.UnexpectedMessage, "record: TLS 1.3 inner plaintext has no content type")
	errEmptyFragment  = alert.New(alert.UnexpectedMessage, "record: zero-length handshake or alert record")
	errOpenToBuffer   = alert.New(alert.InternalError, "record: OpenTo buffer too small or overlapping the record")
	errSeqExhausted   = alert.New(alert.InternalError, "record: sequence number exhausted; the key must be changed")
)
