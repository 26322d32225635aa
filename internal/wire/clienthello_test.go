package wire

import (
	"bytes"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

func helloRandom(seed byte) []byte {
	r := make([]byte, 32)
	for i := range r {
		r[i] = seed + byte(i)
	}
	return r
}

// clientHelloVectors are hand-built ClientHellos covering every typed
// field; parse(Marshal(v)) must give v back.
func clientHelloVectors() []*ClientHello {
	return []*ClientHello{
		{ // TLS 1.2, no extensions at all
			LegacyVersion:            VersionTLS12,
			Random:                   helloRandom(1),
			LegacySessionID:          []byte{},
			CipherSuites:             []uint16{0xc02f},
			LegacyCompressionMethods: []uint8{0},
		},
		{ // TLS 1.2 with every 1.2 extension and an unknown one
			LegacyVersion:                VersionTLS12,
			Random:                       helloRandom(2),
			LegacySessionID:              bytes.Repeat([]byte{7}, 32),
			CipherSuites:                 []uint16{0xc02b, 0xc02f, 0xcca8, 0x009c},
			LegacyCompressionMethods:     []uint8{0},
			ServerName:                   "example.com",
			HasServerName:                true,
			SupportedGroups:              []uint16{0x001d, 0x0017},
			SignatureAlgorithms:          []uint16{0x0403, 0x0804},
			ALPNProtocols:                []string{"h2", "http/1.1"},
			OCSPStapling:                 true,
			SCTs:                         true,
			SupportedPoints:              []uint8{0},
			ExtendedMasterSecret:         true,
			SecureRenegotiationSupported: true,
			SecureRenegotiation:          []byte{},
			TicketSupported:              true,
			SessionTicket:                []byte("an opaque ticket"),
			ExtraExtensions:              []Extension{{Type: 0x7a7a, Data: []byte{}}, {Type: 0x1234, Data: []byte{1, 2, 3}}},
		},
		{ // TLS 1.3 with a PSK offer
			LegacyVersion:            VersionTLS12,
			Random:                   helloRandom(3),
			LegacySessionID:          helloRandom(4),
			CipherSuites:             []uint16{0x1301, 0x1302, 0x1303},
			LegacyCompressionMethods: []uint8{0},
			ServerName:               "h",
			HasServerName:            true,
			SupportedVersions:        []uint16{VersionTLS13, VersionTLS12},
			SupportedGroups:          []uint16{0x11ec, 0x001d},
			SignatureAlgorithms:      []uint16{0x0804},
			SignatureAlgorithmsCert:  []uint16{0x0401, 0x0804},
			KeyShares: []KeyShare{
				{Group: 0x11ec, KeyExchange: bytes.Repeat([]byte{0xaa}, 1216)},
				{Group: 0x001d, KeyExchange: bytes.Repeat([]byte{0xbb}, 32)},
			},
			HasKeyShare:   true,
			ALPNProtocols: []string{"x"},
			Cookie:        []byte{0xc0},
			PSKModes:      []uint8{PSKModeDHEKE, PSKModeKE},
			HasPSKModes:   true,
			PSKIdentities: []PSKIdentity{
				{Identity: []byte("ticket one"), ObfuscatedTicketAge: 0x01020304},
				{Identity: []byte{0}, ObfuscatedTicketAge: 0xffffffff},
			},
			PSKBinders:      [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 48)},
			EarlyData:       true,
			ExtraExtensions: []Extension{{Type: ExtPadding, Data: make([]byte, 10)}},
		},
		{ // key_share with no share (asks for a HelloRetryRequest); odd renegotiation
			LegacyVersion:                VersionTLS12,
			Random:                       helloRandom(5),
			LegacySessionID:              []byte{},
			CipherSuites:                 []uint16{0x1301},
			LegacyCompressionMethods:     []uint8{1, 0},
			SupportedVersions:            []uint16{VersionTLS13},
			KeyShares:                    []KeyShare{},
			HasKeyShare:                  true,
			SecureRenegotiationSupported: true,
			SecureRenegotiation:          []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
			TicketSupported:              true,
			SessionTicket:                []byte{},
		},
	}
}

func TestClientHelloRoundTrip(t *testing.T) {
	for i, v := range clientHelloVectors() {
		raw := v.Marshal()
		got, err := ParseClientHello(raw)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if !helloSameTyped(v, got, false) {
			t.Errorf("vector %d: parsed\n%+v\nwant\n%+v", i, got, v)
		}
		if !bytes.Equal(got.Raw, raw) {
			t.Errorf("vector %d: Raw is not the message", i)
		}
		got.ExtraExtensions = helloUnknown(got.Extensions, helloKnownCH)
		if !sameExtensions(got.ExtraExtensions, v.ExtraExtensions) {
			t.Errorf("vector %d: unknown extensions %v, want %v", i, got.ExtraExtensions, v.ExtraExtensions)
		}
		if again := got.Marshal(); !bytes.Equal(again, raw) {
			t.Errorf("vector %d: re-marshal differs\n%x\n%x", i, again, raw)
		}
	}
}

// sameExtensions compares extension lists with nil and empty data equal.
func sameExtensions(a, b []Extension) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

func TestClientHelloMarshalOmitsEmptyExtensions(t *testing.T) {
	m := &ClientHello{LegacyVersion: VersionTLS12, Random: helloRandom(0), CipherSuites: []uint16{0x1301}}
	raw := m.Marshal()
	// header, version, random, empty session id, suites, compression [0]
	want := 4 + 2 + 32 + 1 + 4 + 2
	if len(raw) != want || raw[len(raw)-1] != 0 || raw[len(raw)-2] != 1 {
		t.Fatalf("Marshal = %x", raw)
	}
}

func TestClientHelloRFC8448(t *testing.T) {
	rsl := Extension{Type: helloExtRecordSizeLimit, Data: []byte{0x40, 0x01}}
	tests := []struct {
		name  string
		trace []byte
		check func(t *testing.T, m *ClientHello)
		extra []Extension
	}{
		{"simple 1-RTT", rfc8448.S3ClientHello, func(t *testing.T, m *ClientHello) {
			if !m.TicketSupported || len(m.SessionTicket) != 0 || !m.HasKeyShare || len(m.KeyShares) != 1 ||
				m.KeyShares[0].Group != 0x001d || len(m.SupportedGroups) != 9 {
				t.Errorf("typed fields: %+v", m)
			}
		}, []Extension{rsl}},
		{"HRR first", rfc8448.S5ClientHello1, func(t *testing.T, m *ClientHello) {
			if len(m.SupportedGroups) != 3 || m.KeyShares[0].Group != 0x001d || m.Cookie != nil {
				t.Errorf("typed fields: %+v", m)
			}
		}, []Extension{rsl}},
		{"HRR second", rfc8448.S5ClientHello2, func(t *testing.T, m *ClientHello) {
			if len(m.Cookie) != 0x72 || len(m.KeyShares) != 1 || m.KeyShares[0].Group != 0x0017 ||
				len(m.KeyShares[0].KeyExchange) != 65 {
				t.Errorf("typed fields: %+v", m)
			}
		}, []Extension{rsl, {Type: ExtPadding, Data: make([]byte, 0xaf)}}},
		{"resumed 0-RTT", rfc8448.S4ClientHello, func(t *testing.T, m *ClientHello) {
			if !m.EarlyData || len(m.PSKIdentities) != 1 || len(m.PSKIdentities[0].Identity) != 0xb2 ||
				len(m.PSKBinders) != 1 || len(m.PSKBinders[0]) != 32 || m.TicketSupported {
				t.Errorf("typed fields: %+v", m)
			}
		}, []Extension{rsl, {Type: ExtPadding, Data: make([]byte, 0x57)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.trace
			m, err := ParseClientHello(raw)
			if err != nil {
				t.Fatal(err)
			}
			if m.LegacyVersion != VersionTLS12 || len(m.CipherSuites) != 3 || m.ServerName != "server" ||
				!m.HasServerName || !m.SecureRenegotiationSupported || len(m.SecureRenegotiation) != 0 ||
				len(m.SupportedVersions) != 1 || m.SupportedVersions[0] != VersionTLS13 ||
				len(m.SignatureAlgorithms) != 15 || !m.HasPSKModes || !bytes.Equal(m.PSKModes, []byte{PSKModeDHEKE}) {
				t.Errorf("common fields: %+v", m)
			}
			tt.check(t, m)
			if extra := helloUnknown(m.Extensions, helloKnownCH); !sameExtensions(extra, tt.extra) {
				t.Errorf("unknown extensions %v, want %v", extra, tt.extra)
			}
			m.ExtraExtensions = tt.extra
			if got := m.Marshal(); !bytes.Equal(got, raw) {
				t.Errorf("re-marshal differs:\n got %x\nwant %x", got, raw)
			}
		})
	}
}

func TestClientHelloTruncatedRFC8448(t *testing.T) {
	raw := rfc8448.S4ClientHello
	prefix := rfc8448.S4ClientHelloPrefix
	n, err := TruncatedClientHelloLen(raw)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(prefix) || !bytes.Equal(raw[:n], prefix) {
		t.Fatalf("TruncatedClientHelloLen = %d, want %d", n, len(prefix))
	}
	m, err := ParseClientHello(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.RawTruncated(), prefix) {
		t.Errorf("RawTruncated differs")
	}
	m.ExtraExtensions = helloUnknown(m.Extensions, helloKnownCH)
	binder := m.PSKBinders[0]
	if !bytes.Equal(binder, rfc8448.S4Binder) {
		t.Errorf("binder = %x", binder)
	}
	// The client computes the prefix before it knows the binder: only the
	// binder's length matters.
	m.PSKBinders = [][]byte{make([]byte, 32)}
	if got := m.MarshalTruncated(); !bytes.Equal(got, prefix) {
		t.Errorf("MarshalTruncated differs:\n got %x\nwant %x", got, prefix)
	}
	m.PSKBinders = [][]byte{binder}
	if got := m.Marshal(); !bytes.Equal(got, raw) {
		t.Errorf("Marshal differs")
	}
}

func TestClientHelloTruncatedErrors(t *testing.T) {
	if _, err := TruncatedClientHelloLen(rfc8448.S3ClientHello); err == nil {
		t.Error("TruncatedClientHelloLen accepted a ClientHello without pre_shared_key")
	}
	if _, err := TruncatedClientHelloLen([]byte{1, 0, 0, 1, 0}); err == nil {
		t.Error("TruncatedClientHelloLen accepted garbage")
	}
	m := clientHelloVectors()[0]
	if !bytes.Equal(m.MarshalTruncated(), m.Marshal()) {
		t.Error("MarshalTruncated without PSK differs from Marshal")
	}
	if m.RawTruncated() != nil {
		t.Error("RawTruncated without PSK is not nil")
	}
	for i, v := range clientHelloVectors() {
		if len(v.PSKIdentities) == 0 {
			continue
		}
		raw := v.Marshal()
		n, err := TruncatedClientHelloLen(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw[:n], v.MarshalTruncated()) {
			t.Errorf("vector %d: TruncatedClientHelloLen and MarshalTruncated disagree", i)
		}
	}
}

// chWithExts marshals a valid ClientHello carrying exts as they are.
func chWithExts(exts ...Extension) []byte {
	m := &ClientHello{
		LegacyVersion: VersionTLS12, Random: helloRandom(9), LegacySessionID: []byte{},
		CipherSuites: []uint16{0x1301}, LegacyCompressionMethods: []uint8{0},
		ExtraExtensions: exts,
	}
	return m.Marshal()
}

// helloExt is shorthand for an Extension.
func helloExt(typ uint16, data ...byte) Extension { return Extension{Type: typ, Data: data} }

func TestParseClientHelloMalformed(t *testing.T) {
	valid := chWithExts(helloExt(0x3333, 1))
	body := valid[HeaderLen:]
	// fixed part: version, random, session id, suites, compression
	fixed := append([]byte{}, body[:2+32+1+4+2]...)
	// one identity "a" and one 32-byte binder
	psk := helloExt(ExtPreSharedKey, append([]byte{0, 7, 0, 1, 'a', 0, 0, 0, 0, 0, 33, 32}, make([]byte, 32)...)...)
	tests := []struct {
		name string
		msg  []byte
		want alert.Alert
	}{
		{"empty", nil, alert.DecodeError},
		{"wrong type", append([]byte{2}, valid[1:]...), alert.DecodeError},
		{"length too long", append(valid[:len(valid):len(valid)], 0), alert.DecodeError},
		{"body empty", helloWithHeader(TypeClientHello, nil), alert.DecodeError},
		{"short random", helloWithHeader(TypeClientHello, body[:20]), alert.DecodeError},
		{"session id 33", helloWithHeader(TypeClientHello, append(append(append([]byte{3, 3}, helloRandom(0)...), 33), make([]byte, 33+4+2)...)), alert.DecodeError},
		{"no cipher suites", helloWithHeader(TypeClientHello, append(append([]byte{3, 3}, helloRandom(0)...), 0, 0, 0, 1, 0)), alert.DecodeError},
		{"odd cipher suites", helloWithHeader(TypeClientHello, append(append([]byte{3, 3}, helloRandom(0)...), 0, 0, 3, 0x13, 1, 0, 1, 0)), alert.DecodeError},
		{"no compression", helloWithHeader(TypeClientHello, append(append([]byte{3, 3}, helloRandom(0)...), 0, 0, 2, 0x13, 1, 0)), alert.DecodeError},
		{"one byte of extensions", helloWithHeader(TypeClientHello, append(fixed[:len(fixed):len(fixed)], 0)), alert.DecodeError},
		{"extensions too long", helloWithHeader(TypeClientHello, append(fixed[:len(fixed):len(fixed)], 0, 5, 0, 1, 0, 0)), alert.DecodeError},
		{"trailing after extensions", helloWithHeader(TypeClientHello, append(body[:len(body):len(body)], 0)), alert.DecodeError},
		{"truncated extension", helloWithHeader(TypeClientHello, append(fixed[:len(fixed):len(fixed)], 0, 3, 0, 1, 0)), alert.DecodeError},
		{"duplicate extension", chWithExts(helloExt(0x3333), helloExt(0x3333)), alert.IllegalParameter},
		{"duplicate known extension", chWithExts(helloExt(ExtEarlyData), helloExt(ExtEarlyData)), alert.IllegalParameter},
		{"pre_shared_key not last", chWithExts(psk, helloExt(ExtEarlyData)), alert.IllegalParameter},
		{"server_name empty list", chWithExts(helloExt(ExtServerName, 0, 0)), alert.DecodeError},
		{"server_name empty body", chWithExts(helloExt(ExtServerName)), alert.DecodeError},
		{"server_name empty name", chWithExts(helloExt(ExtServerName, 0, 3, 0, 0, 0)), alert.DecodeError},
		{"server_name two host_names", chWithExts(helloExt(ExtServerName, 0, 8, 0, 0, 1, 'a', 0, 0, 1, 'b')), alert.DecodeError},
		{"server_name trailing", chWithExts(helloExt(ExtServerName, 0, 4, 0, 0, 1, 'a', 0)), alert.DecodeError},
		{"server_name entry truncated", chWithExts(helloExt(ExtServerName, 0, 4, 0, 0, 2, 'a')), alert.DecodeError},
		{"status_request empty", chWithExts(helloExt(ExtStatusRequest)), alert.DecodeError},
		{"status_request ocsp truncated", chWithExts(helloExt(ExtStatusRequest, 1, 0, 0)), alert.DecodeError},
		{"status_request ocsp trailing", chWithExts(helloExt(ExtStatusRequest, 1, 0, 0, 0, 0, 9)), alert.DecodeError},
		{"supported_groups empty list", chWithExts(helloExt(ExtSupportedGroups, 0, 0)), alert.DecodeError},
		{"supported_groups odd", chWithExts(helloExt(ExtSupportedGroups, 0, 3, 0, 0x1d, 0)), alert.DecodeError},
		{"supported_groups trailing", chWithExts(helloExt(ExtSupportedGroups, 0, 2, 0, 0x1d, 0)), alert.DecodeError},
		{"ec_point_formats empty", chWithExts(helloExt(ExtECPointFormats, 0)), alert.DecodeError},
		{"signature_algorithms empty", chWithExts(helloExt(ExtSignatureAlgorithms, 0, 0)), alert.DecodeError},
		{"signature_algorithms_cert empty", chWithExts(helloExt(ExtSignatureAlgorithmsCert, 0, 0)), alert.DecodeError},
		{"alpn empty list", chWithExts(helloExt(ExtALPN, 0, 0)), alert.DecodeError},
		{"alpn empty name", chWithExts(helloExt(ExtALPN, 0, 3, 0, 1, 'a')), alert.DecodeError},
		{"alpn truncated name", chWithExts(helloExt(ExtALPN, 0, 2, 2, 'a')), alert.DecodeError},
		{"sct not empty", chWithExts(helloExt(ExtSCT, 0)), alert.DecodeError},
		{"extended_master_secret not empty", chWithExts(helloExt(ExtExtendedMasterSecret, 0)), alert.DecodeError},
		{"renegotiation_info empty body", chWithExts(helloExt(ExtRenegotiationInfo)), alert.DecodeError},
		{"renegotiation_info short", chWithExts(helloExt(ExtRenegotiationInfo, 2, 0)), alert.DecodeError},
		{"renegotiation_info trailing", chWithExts(helloExt(ExtRenegotiationInfo, 0, 0)), alert.DecodeError},
		{"early_data not empty", chWithExts(helloExt(ExtEarlyData, 0)), alert.DecodeError},
		{"supported_versions empty", chWithExts(helloExt(ExtSupportedVersions, 0)), alert.DecodeError},
		{"supported_versions odd", chWithExts(helloExt(ExtSupportedVersions, 3, 3, 4, 3)), alert.DecodeError},
		{"supported_versions uint16 length", chWithExts(helloExt(ExtSupportedVersions, 0, 2, 3, 4)), alert.DecodeError},
		{"cookie empty", chWithExts(helloExt(ExtCookie, 0, 0)), alert.DecodeError},
		{"psk modes empty", chWithExts(helloExt(ExtPSKKeyExchangeModes, 0)), alert.DecodeError},
		{"key_share empty key", chWithExts(helloExt(ExtKeyShare, 0, 4, 0, 0x1d, 0, 0)), alert.DecodeError},
		{"key_share truncated entry", chWithExts(helloExt(ExtKeyShare, 0, 3, 0, 0x1d, 0)), alert.DecodeError},
		{"key_share no list", chWithExts(helloExt(ExtKeyShare)), alert.DecodeError},
		{"psk no identities", chWithExts(helloExt(ExtPreSharedKey, append([]byte{0, 0, 0, 33, 32}, make([]byte, 32)...)...)), alert.DecodeError},
		{"psk empty identity", chWithExts(helloExt(ExtPreSharedKey, append([]byte{0, 6, 0, 0, 0, 0, 0, 0, 0, 33, 32}, make([]byte, 32)...)...)), alert.DecodeError},
		{"psk no binders", chWithExts(helloExt(ExtPreSharedKey, 0, 7, 0, 1, 'a', 0, 0, 0, 0, 0, 0)), alert.DecodeError},
		{"psk short binder", chWithExts(helloExt(ExtPreSharedKey, 0, 7, 0, 1, 'a', 0, 0, 0, 0, 0, 2, 1, 0)), alert.DecodeError},
		{"psk missing age", chWithExts(helloExt(ExtPreSharedKey, 0, 3, 0, 1, 'a', 0, 0)), alert.DecodeError},
		{"psk trailing", chWithExts(helloExt(ExtPreSharedKey, append(psk.Data[:len(psk.Data):len(psk.Data)], 0)...)), alert.DecodeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseClientHello(tt.msg)
			helloWantAlert(t, err, tt.want)
		})
	}
	// The well-formed neighbours of the cases above parse.
	for _, msg := range [][]byte{
		valid, chWithExts(psk), chWithExts(helloExt(ExtStatusRequest, 2)), chWithExts(helloExt(ExtStatusRequest, 1, 0, 0, 0, 0)),
		chWithExts(helloExt(ExtServerName, 0, 8, 0, 0, 1, 'a', 7, 0, 1, 'b')), chWithExts(helloExt(ExtKeyShare, 0, 0)),
		chWithExts(helloExt(ExtSessionTicket, 1, 2, 3)), helloWithHeader(TypeClientHello, fixed),
		helloWithHeader(TypeClientHello, append(fixed[:len(fixed):len(fixed)], 0, 0)),
	} {
		if _, err := ParseClientHello(msg); err != nil {
			t.Errorf("%x: %v", msg, err)
		}
	}
}

func TestClientHelloUnknownAndOtherNameTypes(t *testing.T) {
	m, err := ParseClientHello(chWithExts(helloExt(ExtServerName, 0, 4, 7, 0, 1, 'b'), helloExt(0xfafa, 9), helloExt(ExtStatusRequest, 2, 5)))
	if err != nil {
		t.Fatal(err)
	}
	if m.HasServerName || m.ServerName != "" || m.OCSPStapling {
		t.Errorf("typed fields: %+v", m)
	}
	if len(m.Extensions) != 3 || m.Extensions[1].Type != 0xfafa || !bytes.Equal(m.Extensions[1].Data, []byte{9}) {
		t.Errorf("Extensions = %v", m.Extensions)
	}
}

func TestClientHelloPrefixes(t *testing.T) {
	msgs := [][]byte{
		rfc8448.S3ClientHello, rfc8448.S5ClientHello2,
		rfc8448.S4ClientHello,
	}
	for _, v := range clientHelloVectors() {
		msgs = append(msgs, v.Marshal())
	}
	for _, msg := range msgs {
		m, err := ParseClientHello(msg)
		if err != nil {
			t.Fatal(err)
		}
		extsStart := 2 + 32 + 1 + len(m.LegacySessionID) + 2 + 2*len(m.CipherSuites) + 1 + len(m.LegacyCompressionMethods)
		helloCheckPrefixes(t, msg, extsStart, func(b []byte) error { _, err := ParseClientHello(b); return err })
	}
}

func clientHelloSeeds(f *testing.F) {
	for _, s := range [][]byte{rfc8448.S3ClientHello, rfc8448.S5ClientHello1, rfc8448.S5ClientHello2, rfc8448.S4ClientHello} {
		f.Add(s)
	}
	for _, v := range clientHelloVectors() {
		f.Add(v.Marshal())
	}
	f.Add(chWithExts(helloExt(ExtServerName, 0, 8, 0, 0, 1, 'a', 7, 0, 1, 'b'), helloExt(ExtStatusRequest, 2)))
}

func FuzzParseClientHello(f *testing.F) {
	clientHelloSeeds(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		m, err := ParseClientHello(msg)
		if err != nil {
			if _, ok := alert.Of(err); !ok {
				t.Fatalf("error without alert: %v", err)
			}
			return
		}
		if n, err := TruncatedClientHelloLen(msg); err == nil && (n > len(msg) || !bytes.Equal(msg[:n], m.RawTruncated())) {
			t.Fatalf("TruncatedClientHelloLen = %d of %d", n, len(msg))
		}
		m.ExtraExtensions = helloUnknown(m.Extensions, helloKnownCH)
		raw := m.Marshal()
		m2, err := ParseClientHello(raw)
		if err != nil {
			t.Fatalf("re-marshalled ClientHello does not parse: %v\n%x", err, raw)
		}
		if !helloSameTyped(m, m2, true) {
			t.Fatalf("round trip changed the ClientHello:\n%+v\n%+v", m, m2)
		}
		m2.ExtraExtensions = helloUnknown(m2.Extensions, helloKnownCH)
		if again := m2.Marshal(); !bytes.Equal(again, raw) {
			t.Fatalf("Marshal is not stable")
		}
		if len(m.PSKIdentities) > 0 && !bytes.Equal(m.MarshalTruncated(), m2.RawTruncated()) {
			t.Fatalf("MarshalTruncated and RawTruncated disagree")
		}
	})
}
