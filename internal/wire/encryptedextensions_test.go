package wire

import (
	"bytes"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

// encryptedExtensionsVectors are hand-built EncryptedExtensions covering
// every typed field; parse(Marshal(v)) must give v back.
func encryptedExtensionsVectors() []*EncryptedExtensions {
	return []*EncryptedExtensions{
		{},
		{ALPNProtocol: "h2", HasALPN: true},
		{
			ALPNProtocol: "http/1.1", HasALPN: true, ServerNameAck: true,
			SupportedGroups: []uint16{0x001d, 0x11ec}, EarlyData: true,
			ExtraExtensions: []Extension{{Type: helloExtRecordSizeLimit, Data: []byte{0x40, 0x01}}, {Type: 0x7777, Data: []byte{}}},
		},
		{ServerNameAck: true},
	}
}

func TestEncryptedExtensionsRoundTrip(t *testing.T) {
	for i, v := range encryptedExtensionsVectors() {
		raw := v.Marshal()
		got, err := ParseEncryptedExtensions(raw)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if !helloSameTyped(v, got, false) {
			t.Errorf("vector %d: parsed\n%+v\nwant\n%+v", i, got, v)
		}
		got.ExtraExtensions = helloUnknown(got.Extensions, helloKnownEE)
		if !sameExtensions(got.ExtraExtensions, v.ExtraExtensions) {
			t.Errorf("vector %d: unknown extensions %v, want %v", i, got.ExtraExtensions, v.ExtraExtensions)
		}
		if again := got.Marshal(); !bytes.Equal(again, raw) {
			t.Errorf("vector %d: re-marshal differs\n%x\n%x", i, again, raw)
		}
	}
	if got := (&EncryptedExtensions{}).Marshal(); !bytes.Equal(got, []byte{8, 0, 0, 2, 0, 0}) {
		t.Errorf("empty EncryptedExtensions = %x", got)
	}
}

func TestEncryptedExtensionsRFC8448(t *testing.T) {
	rsl := []Extension{{Type: helloExtRecordSizeLimit, Data: []byte{0x40, 0x01}}}
	tests := []struct {
		name   string
		trace  []byte
		groups int
		early  bool
	}{
		{"simple 1-RTT", rfc8448.S3EncryptedExtensions, 9, false},
		{"resumed 0-RTT", rfc8448.S4EncryptedExtensions, 9, true},
		{"after HelloRetryRequest", rfc8448.S5EncryptedExtensions, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.trace
			m, err := ParseEncryptedExtensions(raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.SupportedGroups) != tt.groups || m.EarlyData != tt.early || !m.ServerNameAck || m.HasALPN {
				t.Errorf("typed fields: %+v", m)
			}
			if extra := helloUnknown(m.Extensions, helloKnownEE); !sameExtensions(extra, rsl) {
				t.Errorf("unknown extensions %v", extra)
			}
			m.ExtraExtensions = rsl
			if got := m.Marshal(); !bytes.Equal(got, raw) {
				t.Errorf("re-marshal differs:\n got %x\nwant %x", got, raw)
			}
		})
	}
}

// eeWithExts marshals an EncryptedExtensions carrying exts as they are.
func eeWithExts(exts ...Extension) []byte {
	return (&EncryptedExtensions{ExtraExtensions: exts}).Marshal()
}

func TestParseEncryptedExtensionsMalformed(t *testing.T) {
	tests := []struct {
		name string
		msg  []byte
		want alert.Alert
	}{
		{"empty", nil, alert.DecodeError},
		{"wrong type", []byte{2, 0, 0, 2, 0, 0}, alert.DecodeError},
		{"no extensions block", helloWithHeader(TypeEncryptedExtensions, nil), alert.DecodeError},
		{"one byte", helloWithHeader(TypeEncryptedExtensions, []byte{0}), alert.DecodeError},
		{"trailing", helloWithHeader(TypeEncryptedExtensions, []byte{0, 0, 0}), alert.DecodeError},
		{"block too long", helloWithHeader(TypeEncryptedExtensions, []byte{0, 5, 0, 0, 0, 0}), alert.DecodeError},
		{"duplicate", eeWithExts(helloExt(ExtEarlyData), helloExt(ExtEarlyData)), alert.IllegalParameter},
		{"duplicate unknown", eeWithExts(helloExt(99, 1), helloExt(99)), alert.IllegalParameter},
		{"server_name not empty", eeWithExts(helloExt(ExtServerName, 0, 0)), alert.DecodeError},
		{"alpn two names", eeWithExts(helloExt(ExtALPN, 0, 4, 1, 'a', 1, 'b')), alert.DecodeError},
		{"alpn empty list", eeWithExts(helloExt(ExtALPN, 0, 0)), alert.DecodeError},
		{"alpn empty name", eeWithExts(helloExt(ExtALPN, 0, 1, 0)), alert.DecodeError},
		{"alpn trailing", eeWithExts(helloExt(ExtALPN, 0, 2, 1, 'a', 0)), alert.DecodeError},
		{"early_data not empty", eeWithExts(helloExt(ExtEarlyData, 0, 0, 0, 0)), alert.DecodeError},
		{"supported_groups empty", eeWithExts(helloExt(ExtSupportedGroups, 0, 0)), alert.DecodeError},
		{"supported_groups odd", eeWithExts(helloExt(ExtSupportedGroups, 0, 1, 0)), alert.DecodeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEncryptedExtensions(tt.msg)
			helloWantAlert(t, err, tt.want)
		})
	}
}

func TestEncryptedExtensionsPrefixes(t *testing.T) {
	msgs := [][]byte{
		rfc8448.S3EncryptedExtensions, rfc8448.S4EncryptedExtensions,
		rfc8448.S5EncryptedExtensions,
	}
	for _, v := range encryptedExtensionsVectors() {
		msgs = append(msgs, v.Marshal())
	}
	for _, msg := range msgs {
		helloCheckPrefixes(t, msg, -1, func(b []byte) error { _, err := ParseEncryptedExtensions(b); return err })
	}
}

func FuzzParseEncryptedExtensions(f *testing.F) {
	for _, s := range [][]byte{rfc8448.S3EncryptedExtensions, rfc8448.S4EncryptedExtensions, rfc8448.S5EncryptedExtensions} {
		f.Add(s)
	}
	for _, v := range encryptedExtensionsVectors() {
		f.Add(v.Marshal())
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		m, err := ParseEncryptedExtensions(msg)
		if err != nil {
			if _, ok := alert.Of(err); !ok {
				t.Fatalf("error without alert: %v", err)
			}
			return
		}
		m.ExtraExtensions = helloUnknown(m.Extensions, helloKnownEE)
		raw := m.Marshal()
		m2, err := ParseEncryptedExtensions(raw)
		if err != nil {
			t.Fatalf("re-marshalled EncryptedExtensions does not parse: %v\n%x", err, raw)
		}
		if !helloSameTyped(m, m2, true) {
			t.Fatalf("round trip changed the EncryptedExtensions:\n%+v\n%+v", m, m2)
		}
		m2.ExtraExtensions = helloUnknown(m2.Extensions, helloKnownEE)
		if again := m2.Marshal(); !bytes.Equal(again, raw) {
			t.Fatalf("Marshal is not stable")
		}
	})
}
