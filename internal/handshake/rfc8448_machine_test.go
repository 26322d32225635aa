package handshake

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"

	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/testutil/rfc8448"
	"github.com/hushtls/hush/internal/wire"
)

// TestRFC8448ServerMachine feeds the trace's ClientHello to a hush server
// whose randomness is the trace's (its X25519 private key, then its
// random): the ServerHello must match the trace byte for byte, and so must
// both handshake traffic secrets. (The rest of the server's flight differs
// by design: the trace's server sends record_size_limit and signs with a
// random PSS salt.)
func TestRFC8448ServerMachine(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256, "server")
	random := rfc8448.S3ServerHello[6:38]
	p := &Params{
		Rand:         io.MultiReader(bytes.NewReader(rfc8448.S3ServerPrivateKey), bytes.NewReader(random), rand.Reader),
		MinVersion:   wire.VersionTLS12,
		MaxVersion:   wire.VersionTLS13,
		CipherSuites: []uint16{0x1301, 0x1302, 0x1303},
		Certificates: []*Certificate{{Chain: chain.Certificates, Key: chain.Key, Leaf: chain.Leaf}},
	}
	m := NewServer(p)
	actions, err := m.Handle(append([]byte(nil), rfc8448.S3ClientHello...))
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
	if len(sent) == 0 || !bytes.Equal(sent[0], rfc8448.S3ServerHello) {
		t.Fatalf("ServerHello differs from RFC 8448:\n got %x\nwant %x", sent[0], rfc8448.S3ServerHello)
	}
	if !bytes.Equal(secrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"], rfc8448.S3SHSTraffic) ||
		!bytes.Equal(secrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"], rfc8448.S3CHSTraffic) {
		t.Fatalf("handshake traffic secrets differ from RFC 8448: %x", secrets)
	}
	if r := m.Result(); r.Suite.ID != 0x1301 || r.Group != 0x001d {
		t.Fatalf("negotiated %#x / %#x", r.Suite.ID, r.Group)
	}
}
