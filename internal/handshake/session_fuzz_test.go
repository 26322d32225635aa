package handshake

import (
	"bytes"
	"testing"
	"time"
)

// FuzzParseSessionState: the session parser never panics, and what it
// accepts re-marshals to the same bytes.
func FuzzParseSessionState(f *testing.F) {
	seed := &SessionState{Version: 0x0304, Suite: 0x1301, Secret: bytes.Repeat([]byte{7}, 32),
		AuthTime: time.Unix(1_800_000_000, 0), IssuedAt: time.UnixMilli(1_800_000_000_123), Lifetime: time.Hour,
		AgeAdd: 99, ServerName: "example.com", ALPN: "h2", PeerCertificates: [][]byte{{1, 2, 3}}}
	f.Add(seed.Marshal())
	seed.PeerCertificates, seed.ALPN, seed.Version = nil, "", 0x0303
	f.Add(seed.Marshal())
	f.Add([]byte{1, 3, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSessionState(data)
		if err != nil {
			return
		}
		if again := s.Marshal(); !bytes.Equal(again, data) {
			t.Fatalf("round trip differs:\n%x\n%x", data, again)
		}
	})
}
