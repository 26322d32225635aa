package wire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/alert"
)

// helloExtRecordSizeLimit is record_size_limit (RFC 8449), which the RFC 8448
// traces carry and this package does not type.
const helloExtRecordSizeLimit uint16 = 28

// helloKnownCH, helloKnownSH and helloKnownEE are the extensions each parser types; the
// others belong in ExtraExtensions to re-marshal a parsed message.
var (
	helloKnownCH = map[uint16]bool{
		ExtServerName: true, ExtStatusRequest: true, ExtSupportedGroups: true,
		ExtECPointFormats: true, ExtSignatureAlgorithms: true, ExtALPN: true,
		ExtSCT: true, ExtExtendedMasterSecret: true, ExtSessionTicket: true,
		ExtPreSharedKey: true, ExtEarlyData: true, ExtSupportedVersions: true,
		ExtCookie: true, ExtPSKKeyExchangeModes: true,
		ExtSignatureAlgorithmsCert: true, ExtKeyShare: true,
		ExtRenegotiationInfo: true,
	}
	helloKnownSH = map[uint16]bool{
		ExtSupportedVersions: true, ExtKeyShare: true, ExtCookie: true,
		ExtPreSharedKey: true, ExtALPN: true, ExtStatusRequest: true,
		ExtSCT: true, ExtECPointFormats: true, ExtExtendedMasterSecret: true,
		ExtRenegotiationInfo: true, ExtSessionTicket: true, ExtServerName: true,
	}
	helloKnownEE = map[uint16]bool{
		ExtSupportedGroups: true, ExtServerName: true, ExtALPN: true,
		ExtEarlyData: true,
	}
)

// helloUnknown returns the extensions of exts whose type is not in
// known, in order.
func helloUnknown(exts []Extension, known map[uint16]bool) []Extension {
	var out []Extension
	for _, e := range exts {
		if !known[e.Type] {
			out = append(out, e)
		}
	}
	return out
}

// helloTypedFields returns a copy of the message pointed to by msg with Raw,
// Extensions and ExtraExtensions cleared, leaving the typed fields.
func helloTypedFields(msg any) any {
	v := reflect.ValueOf(msg).Elem()
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	for _, f := range []string{"Raw", "Extensions", "ExtraExtensions"} {
		c.FieldByName(f).SetZero()
	}
	return c.Interface()
}

// helloSameTyped reports whether two messages have the same typed fields. With
// strict, nil and empty slices differ (as two parses of one encoding must
// agree on them); without, they are equal (for hand-built values).
func helloSameTyped(a, b any, strict bool) bool {
	x, y := helloTypedFields(a), helloTypedFields(b)
	if strict {
		return reflect.DeepEqual(x, y)
	}
	return helloLooseEqual(reflect.ValueOf(x), reflect.ValueOf(y))
}

// helloLooseEqual is reflect.DeepEqual with nil slices equal to empty ones.
func helloLooseEqual(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if !helloLooseEqual(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !helloLooseEqual(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
}

// helloWantAlert fails t unless err carries alert want.
func helloWantAlert(t *testing.T, err error, want alert.Alert) {
	t.Helper()
	if err == nil {
		t.Fatalf("parsed, want %v", want)
	}
	got, ok := alert.Of(err)
	if !ok || got != want {
		t.Fatalf("error %q carries %v (%v), want %v", err, got, ok, want)
	}
	if !strings.HasPrefix(err.Error(), "hush: ") {
		t.Errorf("error %q does not start with \"hush: \"", err)
	}
}

// helloWithHeader wraps body in a handshake header of type typ.
func helloWithHeader(typ HandshakeType, body []byte) []byte {
	n := len(body)
	return append([]byte{byte(typ), byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// helloCheckPrefixes checks that no strict prefix of msg parses, neither as is
// nor re-wrapped in a header whose length matches the prefix, except the
// re-wrapped body cut at extsStart (the position of the extensions block
// in the body, or -1), which is a valid message without extensions.
func helloCheckPrefixes(t *testing.T, msg []byte, extsStart int, parse func([]byte) error) {
	t.Helper()
	for k := range len(msg) {
		if parse(msg[:k]) == nil {
			t.Errorf("prefix of %d/%d bytes parses", k, len(msg))
		}
	}
	body := msg[HeaderLen:]
	for j := range len(body) {
		err := parse(helloWithHeader(HandshakeType(msg[0]), body[:j]))
		if j == extsStart {
			if err != nil {
				t.Errorf("body cut before its extensions does not parse: %v", err)
			}
			continue
		}
		if err == nil {
			t.Errorf("re-wrapped body prefix of %d/%d bytes parses", j, len(body))
		}
	}
}
