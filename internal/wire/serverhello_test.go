package wire

import (
	"bytes"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

// serverHelloVectors are hand-built ServerHellos and HelloRetryRequests
// covering every typed field; parse(Marshal(v)) must give v back.
func serverHelloVectors() []*ServerHello {
	return []*ServerHello{
		{ // TLS 1.2, no extensions
			LegacyVersion:       VersionTLS12,
			Random:              helloRandom(10),
			LegacySessionIDEcho: []byte{},
			CipherSuite:         0xc02f,
		},
		{ // TLS 1.2 with every 1.2 extension and an unknown one
			LegacyVersion:                VersionTLS12,
			Random:                       helloRandom(11),
			LegacySessionIDEcho:          helloRandom(12),
			CipherSuite:                  0xcca9,
			ALPNProtocol:                 "http/1.1",
			OCSPStapling:                 true,
			SCTs:                         [][]byte{{1, 2, 3}, bytes.Repeat([]byte{4}, 300)},
			SupportedPoints:              []uint8{0, 1},
			ExtendedMasterSecret:         true,
			SecureRenegotiationSupported: true,
			SecureRenegotiation:          bytes.Repeat([]byte{5}, 24),
			TicketSupported:              true,
			ExtraExtensions:              []Extension{{Type: 0x4444, Data: []byte{9}}},
		},
		{ // TLS 1.3 with PSK
			LegacyVersion:       VersionTLS12,
			Random:              helloRandom(13),
			LegacySessionIDEcho: helloRandom(14),
			CipherSuite:         0x1302,
			SupportedVersion:    VersionTLS13,
			ServerShare:         KeyShare{Group: 0x11ec, KeyExchange: bytes.Repeat([]byte{6}, 1120)},
			HasServerShare:      true,
			SelectedIdentity:    3,
			HasSelectedIdentity: true,
		},
		{ // HelloRetryRequest
			LegacyVersion:       VersionTLS12,
			Random:              HelloRetryRequestRandom,
			LegacySessionIDEcho: []byte{},
			CipherSuite:         0x1301,
			SupportedVersion:    VersionTLS13,
			SelectedGroup:       0x0017,
			HasSelectedGroup:    true,
			Cookie:              []byte{1, 2, 3},
		},
		{ // HelloRetryRequest with only a cookie
			LegacyVersion:       VersionTLS12,
			Random:              HelloRetryRequestRandom,
			LegacySessionIDEcho: helloRandom(15)[:8],
			CipherSuite:         0x1303,
			SupportedVersion:    VersionTLS13,
			Cookie:              []byte{7},
		},
	}
}

func TestServerHelloRoundTrip(t *testing.T) {
	for i, v := range serverHelloVectors() {
		raw := v.Marshal()
		got, err := ParseServerHello(raw)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if !helloSameTyped(v, got, false) {
			t.Errorf("vector %d: parsed\n%+v\nwant\n%+v", i, got, v)
		}
		if got.IsHelloRetryRequest() != v.IsHelloRetryRequest() {
			t.Errorf("vector %d: IsHelloRetryRequest = %v", i, got.IsHelloRetryRequest())
		}
		got.ExtraExtensions = helloUnknown(got.Extensions, helloKnownSH)
		if !sameExtensions(got.ExtraExtensions, v.ExtraExtensions) {
			t.Errorf("vector %d: unknown extensions %v, want %v", i, got.ExtraExtensions, v.ExtraExtensions)
		}
		if again := got.Marshal(); !bytes.Equal(again, raw) {
			t.Errorf("vector %d: re-marshal differs\n%x\n%x", i, again, raw)
		}
	}
}

func TestServerHelloRFC8448(t *testing.T) {
	tests := []struct {
		name  string
		trace []byte
		check func(t *testing.T, m *ServerHello)
	}{
		{"simple 1-RTT", rfc8448.S3ServerHello, func(t *testing.T, m *ServerHello) {
			if m.IsHelloRetryRequest() || !m.HasServerShare || m.ServerShare.Group != 0x001d ||
				len(m.ServerShare.KeyExchange) != 32 || m.HasSelectedIdentity {
				t.Errorf("typed fields: %+v", m)
			}
		}},
		{"resumed 0-RTT", rfc8448.S4ServerHello, func(t *testing.T, m *ServerHello) {
			if m.IsHelloRetryRequest() || !m.HasServerShare || !m.HasSelectedIdentity || m.SelectedIdentity != 0 {
				t.Errorf("typed fields: %+v", m)
			}
		}},
		{"HelloRetryRequest", rfc8448.S5HelloRetryRequest, func(t *testing.T, m *ServerHello) {
			if !m.IsHelloRetryRequest() || m.HasServerShare || !m.HasSelectedGroup || m.SelectedGroup != 0x0017 ||
				len(m.Cookie) != 0x72 {
				t.Errorf("typed fields: %+v", m)
			}
		}},
		{"after HelloRetryRequest", rfc8448.S5ServerHello, func(t *testing.T, m *ServerHello) {
			if m.IsHelloRetryRequest() || m.ServerShare.Group != 0x0017 || len(m.ServerShare.KeyExchange) != 65 {
				t.Errorf("typed fields: %+v", m)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.trace
			m, err := ParseServerHello(raw)
			if err != nil {
				t.Fatal(err)
			}
			if m.LegacyVersion != VersionTLS12 || m.CipherSuite != 0x1301 || m.SupportedVersion != VersionTLS13 ||
				len(m.LegacySessionIDEcho) != 0 || m.LegacyCompressionMethod != 0 {
				t.Errorf("common fields: %+v", m)
			}
			tt.check(t, m)
			if extra := helloUnknown(m.Extensions, helloKnownSH); extra != nil {
				t.Errorf("unknown extensions %v", extra)
			}
			if got := m.Marshal(); !bytes.Equal(got, raw) {
				t.Errorf("re-marshal differs:\n got %x\nwant %x", got, raw)
			}
		})
	}
}

// shWithExts marshals a valid ServerHello (or, with hrr, a
// HelloRetryRequest) carrying exts as they are.
func shWithExts(hrr bool, exts ...Extension) []byte {
	m := &ServerHello{
		LegacyVersion: VersionTLS12, Random: helloRandom(16), LegacySessionIDEcho: []byte{},
		CipherSuite: 0x1301, ExtraExtensions: exts,
	}
	if hrr {
		m.Random = HelloRetryRequestRandom
	}
	return m.Marshal()
}

func TestParseServerHelloMalformed(t *testing.T) {
	valid := shWithExts(false, helloExt(0x3333, 1))
	body := valid[HeaderLen:]
	fixed := append([]byte{}, body[:2+32+1+2+1]...)
	sh := func(exts ...Extension) []byte { return shWithExts(false, exts...) }
	hrr := func(exts ...Extension) []byte { return shWithExts(true, exts...) }
	tests := []struct {
		name string
		msg  []byte
		want alert.Alert
	}{
		{"empty", nil, alert.DecodeError},
		{"wrong type", append([]byte{1}, valid[1:]...), alert.DecodeError},
		{"body empty", helloWithHeader(TypeServerHello, nil), alert.DecodeError},
		{"short random", helloWithHeader(TypeServerHello, body[:30]), alert.DecodeError},
		{"session id 33", helloWithHeader(TypeServerHello, append(append(append([]byte{3, 3}, helloRandom(0)...), 33), make([]byte, 33+3)...)), alert.DecodeError},
		{"no compression", helloWithHeader(TypeServerHello, fixed[:len(fixed)-1]), alert.DecodeError},
		{"one byte of extensions", helloWithHeader(TypeServerHello, append(fixed[:len(fixed):len(fixed)], 0)), alert.DecodeError},
		{"trailing after extensions", helloWithHeader(TypeServerHello, append(body[:len(body):len(body)], 0)), alert.DecodeError},
		{"extensions too long", helloWithHeader(TypeServerHello, append(fixed[:len(fixed):len(fixed)], 0, 9, 0, 0, 0, 0)), alert.DecodeError},
		{"duplicate extension", sh(helloExt(ExtSupportedVersions, 3, 4), helloExt(ExtSupportedVersions, 3, 4)), alert.IllegalParameter},
		{"duplicate unknown extension", hrr(helloExt(0x5555), helloExt(0x5555)), alert.IllegalParameter},
		{"supported_versions short", sh(helloExt(ExtSupportedVersions, 3)), alert.DecodeError},
		{"supported_versions list", sh(helloExt(ExtSupportedVersions, 2, 3, 4)), alert.DecodeError},
		{"key_share only group", sh(helloExt(ExtKeyShare, 0, 0x1d)), alert.DecodeError},
		{"key_share empty key", sh(helloExt(ExtKeyShare, 0, 0x1d, 0, 0)), alert.DecodeError},
		{"key_share trailing", sh(helloExt(ExtKeyShare, 0, 0x1d, 0, 1, 9, 9)), alert.DecodeError},
		{"HRR key_share entry", hrr(helloExt(ExtKeyShare, 0, 0x1d, 0, 1, 9)), alert.DecodeError},
		{"HRR key_share short", hrr(helloExt(ExtKeyShare, 0)), alert.DecodeError},
		{"cookie empty", hrr(helloExt(ExtCookie, 0, 0)), alert.DecodeError},
		{"cookie truncated", hrr(helloExt(ExtCookie, 0, 2, 1)), alert.DecodeError},
		{"pre_shared_key short", sh(helloExt(ExtPreSharedKey, 0)), alert.DecodeError},
		{"pre_shared_key long", sh(helloExt(ExtPreSharedKey, 0, 0, 0)), alert.DecodeError},
		{"alpn two names", sh(helloExt(ExtALPN, 0, 4, 1, 'a', 1, 'b')), alert.DecodeError},
		{"alpn empty list", sh(helloExt(ExtALPN, 0, 0)), alert.DecodeError},
		{"alpn empty name", sh(helloExt(ExtALPN, 0, 1, 0)), alert.DecodeError},
		{"status_request not empty", sh(helloExt(ExtStatusRequest, 1)), alert.DecodeError},
		{"sct empty list", sh(helloExt(ExtSCT, 0, 0)), alert.DecodeError},
		{"sct empty sct", sh(helloExt(ExtSCT, 0, 2, 0, 0)), alert.DecodeError},
		{"sct truncated", sh(helloExt(ExtSCT, 0, 3, 0, 2, 1)), alert.DecodeError},
		{"ec_point_formats empty", sh(helloExt(ExtECPointFormats, 0)), alert.DecodeError},
		{"extended_master_secret not empty", sh(helloExt(ExtExtendedMasterSecret, 0)), alert.DecodeError},
		{"renegotiation_info empty body", sh(helloExt(ExtRenegotiationInfo)), alert.DecodeError},
		{"renegotiation_info short", sh(helloExt(ExtRenegotiationInfo, 1)), alert.DecodeError},
		{"session_ticket not empty", sh(helloExt(ExtSessionTicket, 1)), alert.DecodeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseServerHello(tt.msg)
			helloWantAlert(t, err, tt.want)
		})
	}
	for _, msg := range [][]byte{
		valid, helloWithHeader(TypeServerHello, fixed), helloWithHeader(TypeServerHello, append(fixed[:len(fixed):len(fixed)], 0, 0)),
		hrr(helloExt(ExtKeyShare, 0, 0x1d)), sh(helloExt(ExtKeyShare, 0, 0x1d, 0, 1, 9)),
		sh(helloExt(ExtServerName)), sh(helloExt(ExtCookie, 0, 1, 1)),
	} {
		if _, err := ParseServerHello(msg); err != nil {
			t.Errorf("%x: %v", msg, err)
		}
	}
}

func TestServerHelloPrefixes(t *testing.T) {
	msgs := [][]byte{
		rfc8448.S3ServerHello, rfc8448.S4ServerHello,
		rfc8448.S5HelloRetryRequest, rfc8448.S5ServerHello,
	}
	for _, v := range serverHelloVectors() {
		msgs = append(msgs, v.Marshal())
	}
	for _, msg := range msgs {
		m, err := ParseServerHello(msg)
		if err != nil {
			t.Fatal(err)
		}
		extsStart := 2 + 32 + 1 + len(m.LegacySessionIDEcho) + 2 + 1
		helloCheckPrefixes(t, msg, extsStart, func(b []byte) error { _, err := ParseServerHello(b); return err })
	}
}

func TestServerHelloMarshalKeyShareByKind(t *testing.T) {
	// A HelloRetryRequest never writes ServerShare, a ServerHello never
	// SelectedGroup.
	m := &ServerHello{
		LegacyVersion: VersionTLS12, Random: HelloRetryRequestRandom, CipherSuite: 0x1301,
		ServerShare: KeyShare{Group: 0x1d, KeyExchange: []byte{1}}, HasServerShare: true,
	}
	if p, err := ParseServerHello(m.Marshal()); err != nil || len(p.Extensions) != 0 {
		t.Errorf("HRR with ServerShare: %v %v", p, err)
	}
	m = &ServerHello{
		LegacyVersion: VersionTLS12, Random: helloRandom(1), CipherSuite: 0x1301,
		SelectedGroup: 0x1d, HasSelectedGroup: true,
	}
	if p, err := ParseServerHello(m.Marshal()); err != nil || len(p.Extensions) != 0 {
		t.Errorf("ServerHello with SelectedGroup: %v %v", p, err)
	}
}

func FuzzParseServerHello(f *testing.F) {
	for _, s := range [][]byte{rfc8448.S3ServerHello, rfc8448.S4ServerHello, rfc8448.S5HelloRetryRequest, rfc8448.S5ServerHello} {
		f.Add(s)
	}
	for _, v := range serverHelloVectors() {
		f.Add(v.Marshal())
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		m, err := ParseServerHello(msg)
		if err != nil {
			if _, ok := alert.Of(err); !ok {
				t.Fatalf("error without alert: %v", err)
			}
			return
		}
		m.ExtraExtensions = helloUnknown(m.Extensions, helloKnownSH)
		raw := m.Marshal()
		m2, err := ParseServerHello(raw)
		if err != nil {
			t.Fatalf("re-marshalled ServerHello does not parse: %v\n%x", err, raw)
		}
		if !helloSameTyped(m, m2, true) {
			t.Fatalf("round trip changed the ServerHello:\n%+v\n%+v", m, m2)
		}
		m2.ExtraExtensions = helloUnknown(m2.Extensions, helloKnownSH)
		if again := m2.Marshal(); !bytes.Equal(again, raw) {
			t.Fatalf("Marshal is not stable")
		}
	})
}
