package handshake

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
)

// rfcHex decodes the spaced hex of RFC 8448's traces.
func rfcHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// RFC 8448, Section 3 (simple 1-RTT handshake).
var (
	trace3ClientHello = rfcHex(`01 00 00 c0 03 03 cb 34 ec b1 e7 81 63
         ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
         02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b
         00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00
         12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23
         00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2
         3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a
         af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
         02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06
         02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01`)
	trace3ServerHello = rfcHex(`02 00 00 56 03 03 a6 af 06 a4 12 18 60
         dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
         d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88
         76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1
         dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04`)
	trace3ServerPrivate = rfcHex(`b1 58 0e ea df 6d d5 89 b8 ef 4f 2d 56
         52 57 8c c8 10 e9 98 01 91 ec 8d 05 83 08 ce a2 16 a2 1e`)
	trace3ClientHSTraffic = rfcHex(`b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e
         2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21`)
	trace3ServerHSTraffic = rfcHex(`b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d
         37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38`)
)

// TestRFC8448ServerMachine feeds the trace's ClientHello to a hush server
// whose randomness is the trace's (its X25519 private key, then its
// random): the ServerHello must match the trace byte for byte, and so must
// both handshake traffic secrets. (The rest of the server's flight differs
// by design: the trace's server sends record_size_limit and signs with a
// random PSS salt.)
func TestRFC8448ServerMachine(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256, "server")
	random := trace3ServerHello[6:38]
	p := &Params{
		Rand:         io.MultiReader(bytes.NewReader(trace3ServerPrivate), bytes.NewReader(random), rand.Reader),
		MinVersion:   wire.VersionTLS12,
		MaxVersion:   wire.VersionTLS13,
		CipherSuites: []uint16{0x1301, 0x1302, 0x1303},
		Certificates: []*Certificate{{Chain: chain.Certificates, Key: chain.Key, Leaf: chain.Leaf}},
	}
	m := NewServer(p)
	actions, err := m.Handle(append([]byte(nil), trace3ClientHello...))
	if err != nil {
		t.Fatal(err)
	}
	var sent [][]byte
	secrets := map[string][]byte{}
	for _, a := range actions {
		switch a.Kind {
		case ActSend:
			sent = append(sent, a.Data)
		case ActKeyLog:
			secrets[a.Label] = a.Data
		}
	}
	if len(sent) == 0 || !bytes.Equal(sent[0], trace3ServerHello) {
		t.Fatalf("ServerHello differs from RFC 8448:\n got %x\nwant %x", sent[0], trace3ServerHello)
	}
	if !bytes.Equal(secrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"], trace3ServerHSTraffic) ||
		!bytes.Equal(secrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"], trace3ClientHSTraffic) {
		t.Fatalf("handshake traffic secrets differ from RFC 8448: %x", secrets)
	}
	if r := m.Result(); r.Suite.ID != 0x1301 || r.Group != 0x001d {
		t.Fatalf("negotiated %#x / %#x", r.Suite.ID, r.Group)
	}
}
