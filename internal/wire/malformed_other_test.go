package wire

import (
	"testing"

	"github.com/hushtls/hush/internal/alert"
)

// malformedOther is one row of a malformed-input table: a whole message
// and the alert its parser must return.
type malformedOther struct {
	name string
	msg  []byte
	want alert.Alert
}

func runMalformedOther(t *testing.T, rows []malformedOther, parse func([]byte) error) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			wantAlertOther(t, parse(r.msg), r.want)
		})
	}
}

const (
	decodeOther  = alert.DecodeError
	illegalOther = alert.IllegalParameter
)

func TestMalformedCertificate13Other(t *testing.T) {
	ct := TypeCertificate
	// entry is a CertificateEntry with a one-byte cert and the given
	// extensions block (length included).
	entry := func(exts ...byte) []byte { return append(bOther(0, 0, 1, 0x30), exts...) }
	list := func(entries ...byte) []byte {
		n := len(entries)
		return append(bOther(0, byte(n>>16), byte(n>>8), byte(n)), entries...)
	}
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeFinished, list(entry(0, 0)...)), decodeOther},
		{"header too long", append([]byte{11, 0, 0, 9}, list()...), decodeOther},
		{"empty body", hdrOther(ct), decodeOther},
		{"context overrun", hdrOther(ct, bOther(5, 1, 2)), decodeOther},
		{"no list", hdrOther(ct, bOther(0)), decodeOther},
		{"list overrun", hdrOther(ct, bOther(0, 0, 0, 9, 0)), decodeOther},
		{"trailing after list", hdrOther(ct, list(), bOther(0)), decodeOther},
		{"empty cert_data", hdrOther(ct, list(0, 0, 0, 0, 0)), decodeOther},
		{"cert_data overrun", hdrOther(ct, list(0, 0, 9, 1, 0, 0)), decodeOther},
		{"entry without extensions", hdrOther(ct, list(0, 0, 1, 0x30)), decodeOther},
		{"extensions overrun", hdrOther(ct, list(entry(0, 9, 0, 5)...)), decodeOther},
		{"duplicate extension", hdrOther(ct, list(entry(0, 8, 0x12, 0x34, 0, 0, 0x12, 0x34, 0, 0)...)), illegalOther},
		{"status_request not ocsp", hdrOther(ct, list(entry(0, 9, 0, 5, 0, 5, 2, 0, 0, 1, 7)...)), illegalOther},
		{"status_request empty", hdrOther(ct, list(entry(0, 4, 0, 5, 0, 0)...)), decodeOther},
		{"status_request empty response", hdrOther(ct, list(entry(0, 8, 0, 5, 0, 4, 1, 0, 0, 0)...)), decodeOther},
		{"status_request trailing", hdrOther(ct, list(entry(0, 10, 0, 5, 0, 6, 1, 0, 0, 1, 7, 0)...)), decodeOther},
		{"status_request overrun", hdrOther(ct, list(entry(0, 8, 0, 5, 0, 4, 1, 0, 0, 9)...)), decodeOther},
		{"sct empty body", hdrOther(ct, list(entry(0, 4, 0, 18, 0, 0)...)), decodeOther},
		{"sct empty list", hdrOther(ct, list(entry(0, 6, 0, 18, 0, 2, 0, 0)...)), decodeOther},
		{"sct empty sct", hdrOther(ct, list(entry(0, 8, 0, 18, 0, 4, 0, 2, 0, 0)...)), decodeOther},
		{"sct trailing", hdrOther(ct, list(entry(0, 10, 0, 18, 0, 6, 0, 3, 0, 1, 9, 0)...)), decodeOther},
		{"sct overrun", hdrOther(ct, list(entry(0, 9, 0, 18, 0, 5, 0, 3, 0, 5, 9)...)), decodeOther},
	}, func(b []byte) error { _, err := ParseCertificate13(b); return err })
}

func TestMalformedCertificate12Other(t *testing.T) {
	ct := TypeCertificate
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeServerHelloDone, bOther(0, 0, 0)), decodeOther},
		{"empty body", hdrOther(ct), decodeOther},
		{"short list length", hdrOther(ct, bOther(0, 0)), decodeOther},
		{"list overrun", hdrOther(ct, bOther(0, 0, 5, 0, 0, 1, 1)), decodeOther},
		{"trailing", hdrOther(ct, bOther(0, 0, 0, 0)), decodeOther},
		{"empty cert", hdrOther(ct, bOther(0, 0, 3, 0, 0, 0)), decodeOther},
		{"cert overrun", hdrOther(ct, bOther(0, 0, 4, 0, 0, 2, 1)), decodeOther},
		{"partial cert length", hdrOther(ct, bOther(0, 0, 5, 0, 0, 1, 1, 0)), decodeOther},
	}, func(b []byte) error { _, err := ParseCertificate12(b); return err })
}

func TestMalformedCertificateRequest13Other(t *testing.T) {
	cr := TypeCertificateRequest
	sigalgs := bOther(0, 13, 0, 4, 0, 2, 8, 4)
	exts := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return append(bOther(0, byte(len(b)>>8), byte(len(b))), b...)
	}
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeCertificate, exts(sigalgs)), decodeOther},
		{"empty body", hdrOther(cr), decodeOther},
		{"context overrun", hdrOther(cr, bOther(3, 1)), decodeOther},
		{"no extensions", hdrOther(cr, bOther(0)), decodeOther},
		{"trailing", hdrOther(cr, exts(sigalgs), bOther(0)), decodeOther},
		{"no signature_algorithms", hdrOther(cr, exts()), alert.MissingExtension},
		{"only other extensions", hdrOther(cr, exts(bOther(0, 50, 0, 4, 0, 2, 8, 4))), alert.MissingExtension},
		{"duplicate", hdrOther(cr, exts(sigalgs, sigalgs)), illegalOther},
		{"signature_algorithms empty list", hdrOther(cr, exts(bOther(0, 13, 0, 2, 0, 0))), decodeOther},
		{"signature_algorithms odd", hdrOther(cr, exts(bOther(0, 13, 0, 5, 0, 3, 8, 4, 1))), decodeOther},
		{"signature_algorithms trailing", hdrOther(cr, exts(bOther(0, 13, 0, 5, 0, 2, 8, 4, 1))), decodeOther},
		{"signature_algorithms empty body", hdrOther(cr, exts(bOther(0, 13, 0, 0))), decodeOther},
		{"signature_algorithms_cert empty", hdrOther(cr, exts(sigalgs, bOther(0, 50, 0, 2, 0, 0))), decodeOther},
		{"certificate_authorities empty list", hdrOther(cr, exts(sigalgs, bOther(0, 47, 0, 2, 0, 0))), decodeOther},
		{"certificate_authorities empty name", hdrOther(cr, exts(sigalgs, bOther(0, 47, 0, 4, 0, 2, 0, 0))), decodeOther},
		{"certificate_authorities overrun", hdrOther(cr, exts(sigalgs, bOther(0, 47, 0, 5, 0, 3, 0, 5, 1))), decodeOther},
		{"status_request not empty", hdrOther(cr, exts(sigalgs, bOther(0, 5, 0, 5, 1, 0, 0, 0, 0))), decodeOther},
		{"sct not empty", hdrOther(cr, exts(sigalgs, bOther(0, 18, 0, 1, 0))), decodeOther},
	}, func(b []byte) error { _, err := ParseCertificateRequest13(b); return err })
}

func TestMalformedCertificateRequest12Other(t *testing.T) {
	cr := TypeCertificateRequest
	types := bOther(1, 1)
	algs := bOther(0, 2, 4, 1)
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeCertificateVerify, types, algs, bOther(0, 0)), decodeOther},
		{"empty body", hdrOther(cr), decodeOther},
		{"no certificate_types", hdrOther(cr, bOther(0), algs, bOther(0, 0)), decodeOther},
		{"certificate_types overrun", hdrOther(cr, bOther(9, 1)), decodeOther},
		{"no algorithms", hdrOther(cr, types), decodeOther},
		{"empty algorithms", hdrOther(cr, types, bOther(0, 0), bOther(0, 0)), decodeOther},
		{"odd algorithms", hdrOther(cr, types, bOther(0, 3, 4, 1, 5), bOther(0, 0)), decodeOther},
		{"no authorities", hdrOther(cr, types, algs), decodeOther},
		{"empty authority", hdrOther(cr, types, algs, bOther(0, 2, 0, 0)), decodeOther},
		{"authority overrun", hdrOther(cr, types, algs, bOther(0, 3, 0, 4, 1)), decodeOther},
		{"authorities overrun", hdrOther(cr, types, algs, bOther(0, 9, 0, 1, 1)), decodeOther},
		{"trailing", hdrOther(cr, types, algs, bOther(0, 0, 0)), decodeOther},
	}, func(b []byte) error { _, err := ParseCertificateRequest12(b); return err })
}

func TestMalformedCertificateVerifyOther(t *testing.T) {
	cv := TypeCertificateVerify
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeFinished, bOther(8, 4, 0, 1, 1)), decodeOther},
		{"empty body", hdrOther(cv), decodeOther},
		{"algorithm only", hdrOther(cv, bOther(8, 4)), decodeOther},
		{"half length", hdrOther(cv, bOther(8, 4, 0)), decodeOther},
		{"signature overrun", hdrOther(cv, bOther(8, 4, 0, 3, 1, 2)), decodeOther},
		{"trailing", hdrOther(cv, bOther(8, 4, 0, 1, 1, 0)), decodeOther},
		{"bad header length", []byte{15, 0, 0, 6, 8, 4, 0, 1, 1}, decodeOther},
	}, func(b []byte) error { _, err := ParseCertificateVerify(b); return err })
}

func TestMalformedFinishedOther(t *testing.T) {
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeCertificateVerify, repOther(1, 32)), decodeOther},
		{"empty", hdrOther(TypeFinished), decodeOther},
		{"11 bytes", hdrOther(TypeFinished, repOther(1, 11)), decodeOther},
		{"header only", []byte{20}, decodeOther},
		{"length mismatch", append([]byte{20, 0, 0, 33}, repOther(1, 32)...), decodeOther},
	}, func(b []byte) error { _, err := ParseFinished(b); return err })
}

func TestMalformedKeyUpdateOther(t *testing.T) {
	ku := TypeKeyUpdate
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeFinished, bOther(0)), decodeOther},
		{"empty", hdrOther(ku), decodeOther},
		{"two bytes", hdrOther(ku, bOther(0, 0)), decodeOther},
		{"value 2", hdrOther(ku, bOther(2)), illegalOther},
		{"value 255", hdrOther(ku, bOther(255)), illegalOther},
	}, func(b []byte) error { _, err := ParseKeyUpdate(b); return err })
}

func TestMalformedNewSessionTicket13Other(t *testing.T) {
	nt := TypeNewSessionTicket
	times := bOther(0, 0, 0, 1, 0, 0, 0, 2)
	nonce := bOther(1, 9)
	ticket := bOther(0, 1, 7)
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeKeyUpdate, times, nonce, ticket, bOther(0, 0)), decodeOther},
		{"empty", hdrOther(nt), decodeOther},
		{"short times", hdrOther(nt, bOther(0, 0, 0, 1, 0, 0, 0)), decodeOther},
		{"no nonce", hdrOther(nt, times), decodeOther},
		{"nonce overrun", hdrOther(nt, times, bOther(9, 1)), decodeOther},
		{"no ticket", hdrOther(nt, times, nonce), decodeOther},
		{"empty ticket", hdrOther(nt, times, nonce, bOther(0, 0), bOther(0, 0)), decodeOther},
		{"ticket overrun", hdrOther(nt, times, nonce, bOther(0, 9, 1)), decodeOther},
		{"no extensions", hdrOther(nt, times, nonce, ticket), decodeOther},
		{"extensions overrun", hdrOther(nt, times, nonce, ticket, bOther(0, 4, 0, 42)), decodeOther},
		{"trailing", hdrOther(nt, times, nonce, ticket, bOther(0, 0, 0)), decodeOther},
		{"early_data short", hdrOther(nt, times, nonce, ticket, bOther(0, 7, 0, 42, 0, 3, 0, 0, 1)), decodeOther},
		{"early_data long", hdrOther(nt, times, nonce, ticket, bOther(0, 9, 0, 42, 0, 5, 0, 0, 1, 0, 0)), decodeOther},
		{"early_data empty", hdrOther(nt, times, nonce, ticket, bOther(0, 4, 0, 42, 0, 0)), decodeOther},
		{"duplicate extension", hdrOther(nt, times, nonce, ticket, bOther(0, 8, 0, 9, 0, 0, 0, 9, 0, 0)), illegalOther},
	}, func(b []byte) error { _, err := ParseNewSessionTicket13(b); return err })
}

func TestMalformedNewSessionTicket12Other(t *testing.T) {
	nt := TypeNewSessionTicket
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeFinished, bOther(0, 0, 0, 1, 0, 0)), decodeOther},
		{"empty", hdrOther(nt), decodeOther},
		{"no ticket", hdrOther(nt, bOther(0, 0, 0, 1)), decodeOther},
		{"half ticket length", hdrOther(nt, bOther(0, 0, 0, 1, 0)), decodeOther},
		{"ticket overrun", hdrOther(nt, bOther(0, 0, 0, 1, 0, 2, 1)), decodeOther},
		{"trailing", hdrOther(nt, bOther(0, 0, 0, 1, 0, 1, 1, 0)), decodeOther},
	}, func(b []byte) error { _, err := ParseNewSessionTicket12(b); return err })
}

func TestMalformedServerKeyExchangeOther(t *testing.T) {
	sk := TypeServerKeyExchange
	params := bOther(3, 0, 29, 2, 1, 2)
	sig := bOther(8, 4, 0, 1, 9)
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeClientKeyExchange, params, sig), decodeOther},
		{"empty", hdrOther(sk), decodeOther},
		{"explicit_prime", hdrOther(sk, bOther(1), params[1:], sig), illegalOther},
		{"explicit_char2", hdrOther(sk, bOther(2), params[1:], sig), illegalOther},
		{"private use", hdrOther(sk, bOther(0xf8), params[1:], sig), illegalOther},
		{"zero", hdrOther(sk, bOther(0)), illegalOther},
		{"no group", hdrOther(sk, bOther(3, 0)), decodeOther},
		{"no point", hdrOther(sk, bOther(3, 0, 29)), decodeOther},
		{"empty point", hdrOther(sk, bOther(3, 0, 29, 0), sig), decodeOther},
		{"point overrun", hdrOther(sk, bOther(3, 0, 29, 9, 1)), decodeOther},
		{"no signature", hdrOther(sk, params), decodeOther},
		{"algorithm only", hdrOther(sk, params, bOther(8, 4)), decodeOther},
		{"signature overrun", hdrOther(sk, params, bOther(8, 4, 0, 2, 9)), decodeOther},
		{"trailing", hdrOther(sk, params, sig, bOther(0)), decodeOther},
	}, func(b []byte) error { _, err := ParseServerKeyExchangeECDHE(b); return err })
}

func TestMalformedClientKeyExchangeOther(t *testing.T) {
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeServerKeyExchange, bOther(1, 1)), decodeOther},
		{"short header", []byte{16, 0, 0}, decodeOther},
		{"length mismatch", []byte{16, 0, 0, 2, 1}, decodeOther},
	}, func(b []byte) error { _, err := ParseClientKeyExchange(b); return err })
}

func TestMalformedCertificateStatusOther(t *testing.T) {
	cs := TypeCertificateStatus
	runMalformedOther(t, []malformedOther{
		{"wrong type", hdrOther(TypeCertificate, bOther(1, 0, 0, 1, 9)), decodeOther},
		{"empty", hdrOther(cs), decodeOther},
		{"ocsp_multi", hdrOther(cs, bOther(2, 0, 0, 1, 9)), illegalOther},
		{"type zero", hdrOther(cs, bOther(0)), illegalOther},
		{"no response", hdrOther(cs, bOther(1)), decodeOther},
		{"empty response", hdrOther(cs, bOther(1, 0, 0, 0)), decodeOther},
		{"response overrun", hdrOther(cs, bOther(1, 0, 0, 2, 9)), decodeOther},
		{"trailing", hdrOther(cs, bOther(1, 0, 0, 1, 9, 0)), decodeOther},
	}, func(b []byte) error { _, err := ParseCertificateStatus(b); return err })
}

// TestParsersSharedTypeOther checks that the TLS 1.3 and 1.2 parsers of a
// shared message type reject each other's encodings where the syntax
// differs.
func TestParsersSharedTypeOther(t *testing.T) {
	c12 := (&Certificate12{Certificates: [][]byte{{1, 2, 3}}}).Marshal()
	if _, err := ParseCertificate13(c12); err == nil {
		t.Fatal("TLS 1.2 Certificate parsed as TLS 1.3")
	}
	c13 := (&Certificate13{Entries: []CertificateEntry{{Data: []byte{1, 2, 3}}}}).Marshal()
	if _, err := ParseCertificate12(c13); err == nil {
		t.Fatal("TLS 1.3 Certificate parsed as TLS 1.2")
	}
}
