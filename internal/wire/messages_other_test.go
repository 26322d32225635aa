package wire

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/alert"
)

// Test helpers for the messages after the hellos. Their names end in Other
// so they cannot collide with the hello tests' helpers.

// hdrOther builds a handshake message of type typ whose body is the
// concatenation of parts, with a correct header.
func hdrOther(typ HandshakeType, parts ...[]byte) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
	}
	n := len(body)
	return append([]byte{byte(typ), byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// bOther is shorthand for a byte slice literal.
func bOther(v ...byte) []byte { return v }

// repOther is n copies of v.
func repOther(v byte, n int) []byte { return bytes.Repeat([]byte{v}, n) }

// wantAlertOther fails unless err carries the alert want and an error
// string beginning with "hush: ".
func wantAlertOther(t *testing.T, err error, want alert.Alert) {
	t.Helper()
	if err == nil {
		t.Fatalf("parsed; want %v", want)
	}
	got, ok := alert.Of(err)
	if !ok || got != want {
		t.Fatalf("error %q carries %v (%v); want %v", err, got, ok, want)
	}
	if !strings.HasPrefix(err.Error(), "hush: ") {
		t.Fatalf("error %q does not begin with \"hush: \"", err)
	}
}

// skipOther names the fields that typed comparison ignores: Raw is the
// input, Extensions the raw parsed list, ExtraExtensions what Marshal adds,
// Params is derived.
var skipOther = map[string]bool{"Raw": true, "Extensions": true, "ExtraExtensions": true, "Params": true}

// typedEqualOther compares two parsed messages field by field, ignoring
// skipOther and treating nil and empty slices alike.
func typedEqualOther(a, b any) bool {
	return looseEqualOther(reflect.ValueOf(a), reflect.ValueOf(b))
}

func looseEqualOther(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return looseEqualOther(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if skipOther[a.Type().Field(i).Name] {
				continue
			}
			if !looseEqualOther(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !looseEqualOther(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	default:
		return a.Interface() == b.Interface()
	}
}

// prefixesOther checks that no strict prefix of msg parses, both as it
// is (the header length then disagrees) and, when bodyMatters, with the
// header rewritten to the truncated length, so the body parser itself
// must notice.
func prefixesOther(t *testing.T, msg []byte, bodyMatters bool, parse func([]byte) error) {
	t.Helper()
	for n := 0; n < len(msg); n++ {
		if err := parse(append([]byte{}, msg[:n]...)); err == nil {
			t.Fatalf("prefix of %d/%d bytes parsed", n, len(msg))
		} else if _, ok := alert.Of(err); !ok {
			t.Fatalf("prefix of %d bytes: error %v carries no alert", n, err)
		}
		if !bodyMatters || n < HeaderLen {
			continue
		}
		if err := parse(hdrOther(HandshakeType(msg[0]), msg[HeaderLen:n])); err == nil {
			t.Fatalf("body prefix of %d/%d bytes parsed", n-HeaderLen, len(msg)-HeaderLen)
		}
	}
}

// unknownExtsOther returns the extensions of exts whose types are not in
// known, for copying a parsed message's unknown extensions to
// ExtraExtensions.
func unknownExtsOther(exts []Extension, known ...uint16) []Extension {
	var out []Extension
outer:
	for _, e := range exts {
		for _, k := range known {
			if e.Type == k {
				continue outer
			}
		}
		out = append(out, e)
	}
	return out
}

// carryExtrasOther copies the unknown extensions of a parsed message to its
// ExtraExtensions, so that marshalling it again reproduces them.
func carryExtrasOther(m any) {
	switch m := m.(type) {
	case *Certificate13:
		for i := range m.Entries {
			e := &m.Entries[i]
			e.ExtraExtensions = unknownExtsOther(e.Extensions, ExtStatusRequest, ExtSCT)
		}
	case *CertificateRequest13:
		m.ExtraExtensions = unknownExtsOther(m.Extensions, ExtSignatureAlgorithms, ExtSignatureAlgorithmsCert,
			ExtCertificateAuthorities, ExtStatusRequest, ExtSCT)
	case *NewSessionTicket13:
		m.ExtraExtensions = unknownExtsOther(m.Extensions, ExtEarlyData)
	}
}

// Fixtures: one list of valid messages per type, used by the round-trip,
// prefix and fuzz-seed code.

func certificate13VectorsOther() []*Certificate13 {
	return []*Certificate13{
		{},
		{CertificateRequestContext: []byte{1, 2, 3, 4}},
		{Entries: []CertificateEntry{{Data: repOther(0x30, 300)}}},
		{CertificateRequestContext: []byte{9}, Entries: []CertificateEntry{
			{Data: repOther(0xaa, 20), OCSPStaple: repOther(0x55, 70), SCTs: [][]byte{repOther(1, 5), {2}}},
			{Data: []byte{0x30}, ExtraExtensions: []Extension{{Type: 0x1234, Data: []byte{7, 7}}, {Type: 0xfafa}}},
			{Data: repOther(0xbb, 3), SCTs: [][]byte{{9}}},
		}},
	}
}

func certificate12VectorsOther() []*Certificate12 {
	return []*Certificate12{
		{},
		{Certificates: [][]byte{repOther(0x30, 500)}},
		{Certificates: [][]byte{{1}, repOther(2, 70), {3, 3}}},
	}
}

func certificateRequest13VectorsOther() []*CertificateRequest13 {
	return []*CertificateRequest13{
		{SignatureAlgorithms: []uint16{0x0804}},
		{
			CertificateRequestContext: []byte{0xde, 0xad},
			SignatureAlgorithms:       []uint16{0x0403, 0x0804, 0x0807},
			SignatureAlgorithmsCert:   []uint16{0x0401},
			CertificateAuthorities:    [][]byte{repOther(0x30, 40), {0x30}},
			OCSPStapling:              true,
			SCTs:                      true,
			ExtraExtensions:           []Extension{{Type: 48, Data: []byte{0, 0}}},
		},
	}
}

func certificateRequest12VectorsOther() []*CertificateRequest12 {
	return []*CertificateRequest12{
		{CertificateTypes: []uint8{1}, SignatureAlgorithms: []uint16{0x0401}},
		{CertificateTypes: []uint8{1, 64}, SignatureAlgorithms: []uint16{0x0401, 0x0403, 0x0804},
			CertificateAuthorities: [][]byte{repOther(0x30, 30), {1}}},
	}
}

func certificateVerifyVectorsOther() []*CertificateVerify {
	return []*CertificateVerify{
		{Algorithm: 0x0804, Signature: repOther(0x5a, 256)},
		{Algorithm: 0x0403, Signature: repOther(0x30, 71)},
		{Algorithm: 0x0807},
	}
}

func finishedVectorsOther() []*Finished {
	return []*Finished{
		{VerifyData: repOther(0xf0, 12)},
		{VerifyData: repOther(0x0f, 32)},
		{VerifyData: repOther(0x11, 48)},
	}
}

func keyUpdateVectorsOther() []*KeyUpdate {
	return []*KeyUpdate{{}, {UpdateRequested: true}}
}

func newSessionTicket13VectorsOther() []*NewSessionTicket13 {
	return []*NewSessionTicket13{
		{Lifetime: 7200, AgeAdd: 0x01020304, Ticket: []byte{1}},
		{Lifetime: 604800, AgeAdd: 0xffffffff, Nonce: repOther(0xee, 255), Ticket: repOther(0x77, 1000),
			MaxEarlyData: 16384, HasMaxEarlyData: true},
		{Nonce: []byte{0, 1}, Ticket: repOther(0x42, 64), ExtraExtensions: []Extension{{Type: 0x0a0a}, {Type: 99, Data: []byte{1}}}},
		{Ticket: []byte{5}, HasMaxEarlyData: true},
	}
}

func newSessionTicket12VectorsOther() []*NewSessionTicket12 {
	return []*NewSessionTicket12{{}, {Lifetime: 300, Ticket: repOther(0x99, 200)}}
}

func serverKeyExchangeVectorsOther() []*ServerKeyExchangeECDHE {
	return []*ServerKeyExchangeECDHE{
		{Group: 29, PublicKey: repOther(0x11, 32), Algorithm: 0x0804, Signature: repOther(0x22, 256)},
		{Group: 23, PublicKey: append([]byte{4}, repOther(0x33, 64)...), Algorithm: 0x0403, Signature: repOther(0x30, 72)},
		{Group: 25, PublicKey: repOther(0x44, 133), Algorithm: 0x0807},
	}
}

func clientKeyExchangeVectorsOther() []*ClientKeyExchange {
	return []*ClientKeyExchange{
		NewClientKeyExchangeECDHE(repOther(0x55, 32)),
		NewClientKeyExchangeRSA(repOther(0x66, 256)),
		{Body: []byte{}},
	}
}

func certificateStatusVectorsOther() []*CertificateStatus {
	return []*CertificateStatus{{Response: []byte{0x30}}, {Response: repOther(0x30, 1500)}}
}

// roundTripOther marshals m, parses the result, and checks that the typed
// fields survive and that marshalling again is stable.
func roundTripOther[T any](t *testing.T, m *T, marshal func(*T) []byte, parse func([]byte) (*T, error)) {
	t.Helper()
	b := marshal(m)
	p, err := parse(b)
	if err != nil {
		t.Fatalf("parse(marshal(%+v)): %v", m, err)
	}
	if !typedEqualOther(m, p) {
		t.Fatalf("round trip changed the message:\n got %+v\nwant %+v", p, m)
	}
	if raw := reflect.ValueOf(p).Elem().FieldByName("Raw"); raw.IsValid() && !bytes.Equal(raw.Bytes(), b) {
		t.Fatalf("Raw is not the message")
	}
	carryExtrasOther(p)
	if b2 := marshal(p); !bytes.Equal(b, b2) {
		t.Fatalf("marshal not stable:\n%x\n%x", b, b2)
	}
	prefixesOther(t, b, true, func(x []byte) error { _, err := parse(x); return err })
}

func TestRoundTripOther(t *testing.T) {
	t.Run("Certificate13", func(t *testing.T) {
		for _, m := range certificate13VectorsOther() {
			roundTripOther(t, m, (*Certificate13).Marshal, ParseCertificate13)
		}
	})
	t.Run("Certificate12", func(t *testing.T) {
		for _, m := range certificate12VectorsOther() {
			roundTripOther(t, m, (*Certificate12).Marshal, ParseCertificate12)
		}
	})
	t.Run("CertificateRequest13", func(t *testing.T) {
		for _, m := range certificateRequest13VectorsOther() {
			roundTripOther(t, m, (*CertificateRequest13).Marshal, ParseCertificateRequest13)
		}
	})
	t.Run("CertificateRequest12", func(t *testing.T) {
		for _, m := range certificateRequest12VectorsOther() {
			roundTripOther(t, m, (*CertificateRequest12).Marshal, ParseCertificateRequest12)
		}
	})
	t.Run("CertificateVerify", func(t *testing.T) {
		for _, m := range certificateVerifyVectorsOther() {
			roundTripOther(t, m, (*CertificateVerify).Marshal, ParseCertificateVerify)
		}
	})
	t.Run("Finished", func(t *testing.T) {
		for _, m := range finishedVectorsOther() {
			// verify_data is the whole body: a shorter body of at least 12
			// bytes is a well-formed Finished, so only raw prefixes fail.
			b := m.Marshal()
			p, err := ParseFinished(b)
			if err != nil || !bytes.Equal(p.VerifyData, m.VerifyData) || !bytes.Equal(p.Marshal(), b) {
				t.Fatalf("Finished round trip: %v", err)
			}
			prefixesOther(t, b, false, func(x []byte) error { _, err := ParseFinished(x); return err })
		}
	})
	t.Run("KeyUpdate", func(t *testing.T) {
		for _, m := range keyUpdateVectorsOther() {
			roundTripOther(t, m, (*KeyUpdate).Marshal, ParseKeyUpdate)
		}
	})
	t.Run("NewSessionTicket13", func(t *testing.T) {
		for _, m := range newSessionTicket13VectorsOther() {
			roundTripOther(t, m, (*NewSessionTicket13).Marshal, ParseNewSessionTicket13)
		}
	})
	t.Run("NewSessionTicket12", func(t *testing.T) {
		for _, m := range newSessionTicket12VectorsOther() {
			roundTripOther(t, m, (*NewSessionTicket12).Marshal, ParseNewSessionTicket12)
		}
	})
	t.Run("ServerKeyExchangeECDHE", func(t *testing.T) {
		for _, m := range serverKeyExchangeVectorsOther() {
			roundTripOther(t, m, (*ServerKeyExchangeECDHE).Marshal, ParseServerKeyExchangeECDHE)
			p, _ := ParseServerKeyExchangeECDHE(m.Marshal())
			if want := ServerECDHEParams(m.Group, m.PublicKey); !bytes.Equal(p.Params, want) {
				t.Fatalf("Params %x, want %x", p.Params, want)
			}
		}
	})
	t.Run("ClientKeyExchange", func(t *testing.T) {
		for _, m := range clientKeyExchangeVectorsOther() {
			// The body is opaque: only raw prefixes fail.
			b := m.Marshal()
			p, err := ParseClientKeyExchange(b)
			if err != nil || !bytes.Equal(p.Body, m.Body) || !bytes.Equal(p.Marshal(), b) {
				t.Fatalf("ClientKeyExchange round trip: %v", err)
			}
			prefixesOther(t, b, false, func(x []byte) error { _, err := ParseClientKeyExchange(x); return err })
		}
	})
	t.Run("CertificateStatus", func(t *testing.T) {
		for _, m := range certificateStatusVectorsOther() {
			roundTripOther(t, m, (*CertificateStatus).Marshal, ParseCertificateStatus)
		}
	})
}

// TestExtraExtensionsOther checks that ExtraExtensions are written after
// the typed extensions and come back in Extensions.
func TestExtraExtensionsOther(t *testing.T) {
	extra := []Extension{{Type: 0x1a1a, Data: []byte{}}, {Type: 77, Data: []byte{1, 2}}}
	nst := &NewSessionTicket13{Ticket: []byte{1}, HasMaxEarlyData: true, MaxEarlyData: 5, ExtraExtensions: extra}
	p, err := ParseNewSessionTicket13(nst.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Extensions) != 3 || p.Extensions[0].Type != ExtEarlyData || !typedEqualOther(p.Extensions[1:], extra) {
		t.Fatalf("NewSessionTicket13 extensions %+v", p.Extensions)
	}
	cr := &CertificateRequest13{SignatureAlgorithms: []uint16{0x0804}, ExtraExtensions: extra}
	q, err := ParseCertificateRequest13(cr.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Extensions) != 3 || q.Extensions[0].Type != ExtSignatureAlgorithms || !typedEqualOther(q.Extensions[1:], extra) {
		t.Fatalf("CertificateRequest13 extensions %+v", q.Extensions)
	}
	c := &Certificate13{Entries: []CertificateEntry{{Data: []byte{1}, OCSPStaple: []byte{2}, ExtraExtensions: extra}}}
	r, err := ParseCertificate13(c.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if e := r.Entries[0].Extensions; len(e) != 3 || e[0].Type != ExtStatusRequest || !typedEqualOther(e[1:], extra) {
		t.Fatalf("CertificateEntry extensions %+v", e)
	}
}

func TestEmptyMessagesOther(t *testing.T) {
	for _, c := range []struct {
		name    string
		typ     HandshakeType
		marshal func() []byte
		parse   func([]byte) error
	}{
		{"ServerHelloDone", TypeServerHelloDone, MarshalServerHelloDone, ParseServerHelloDone},
		{"HelloRequest", TypeHelloRequest, MarshalHelloRequest, ParseHelloRequest},
		{"EndOfEarlyData", TypeEndOfEarlyData, MarshalEndOfEarlyData, ParseEndOfEarlyData},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := c.marshal()
			if !bytes.Equal(m, []byte{byte(c.typ), 0, 0, 0}) {
				t.Fatalf("marshal = %x", m)
			}
			m[0] ^= 0xff // the result is fresh: scribbling on it is harmless
			if err := c.parse(c.marshal()); err != nil {
				t.Fatal(err)
			}
			wantAlertOther(t, c.parse(hdrOther(c.typ, bOther(0))), alert.DecodeError)
			wantAlertOther(t, c.parse(hdrOther(TypeFinished)), alert.DecodeError)
			wantAlertOther(t, c.parse([]byte{byte(c.typ), 0, 0, 1}), alert.DecodeError)
			prefixesOther(t, c.marshal(), false, c.parse)
		})
	}
}

func TestClientKeyExchangeBodiesOther(t *testing.T) {
	pub := repOther(0x04, 65)
	got, err := NewClientKeyExchangeECDHE(pub).ECDHEPublic()
	if err != nil || !bytes.Equal(got, pub) {
		t.Fatalf("ECDHEPublic = %x, %v", got, err)
	}
	ct := repOther(0x99, 256)
	got, err = NewClientKeyExchangeRSA(ct).RSAEncryptedPremaster()
	if err != nil || !bytes.Equal(got, ct) {
		t.Fatalf("RSAEncryptedPremaster = %x, %v", got, err)
	}
	for _, c := range []struct {
		name string
		body []byte
		rsa  bool
	}{
		{"ecdhe empty body", nil, false},
		{"ecdhe empty point", bOther(0), false},
		{"ecdhe short point", bOther(3, 1, 2), false},
		{"ecdhe trailing", bOther(1, 1, 0), false},
		{"rsa empty body", nil, true},
		{"rsa one byte", bOther(0), true},
		{"rsa short", bOther(0, 3, 1, 2), true},
		{"rsa trailing", bOther(0, 1, 1, 0), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := ParseClientKeyExchange(hdrOther(TypeClientKeyExchange, c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.rsa {
				_, err = m.RSAEncryptedPremaster()
			} else {
				_, err = m.ECDHEPublic()
			}
			wantAlertOther(t, err, alert.DecodeError)
		})
	}
	// An empty ciphertext is well formed; decryption rejects it.
	if ct, err := NewClientKeyExchangeRSA(nil).RSAEncryptedPremaster(); err != nil || len(ct) != 0 {
		t.Fatalf("empty RSA ciphertext: %x, %v", ct, err)
	}
}

func TestServerECDHEParamsOther(t *testing.T) {
	got := ServerECDHEParams(29, []byte{1, 2, 3})
	if want := bOther(3, 0, 29, 3, 1, 2, 3); !bytes.Equal(got, want) {
		t.Fatalf("ServerECDHEParams = %x, want %x", got, want)
	}
}
