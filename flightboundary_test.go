package hush_test

import (
	"io"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
)

// TestHelloRetryRequestMustEndItsRecord: a HelloRetryRequest followed in
// the same record by the start of another message is answered with a lone
// unexpected_message alert; ClientHello2 (and the compatibility
// change_cipher_spec) must not go out first. Found by BoGo
// (PartialServerHelloWithHelloRetryRequest).
func TestHelloRetryRequestMustEndItsRecord(t *testing.T) {
	a, b := testutil.TCPPipe(t)
	client := hush.Client(a, &hush.Config{InsecureSkipVerify: true})
	errc := make(chan error, 1)
	go func() { errc <- client.Handshake() }()

	_ = b.SetDeadline(time.Now().Add(10 * time.Second))
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(b, hdr); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(b, body); err != nil {
		t.Fatal(err)
	}
	ch, err := wire.ParseClientHello(body)
	if err != nil {
		t.Fatal(err)
	}
	hrr := (&wire.ServerHello{
		LegacyVersion: wire.VersionTLS12, Random: wire.HelloRetryRequestRandom, LegacySessionIDEcho: ch.LegacySessionID,
		CipherSuite: hush.TLS_AES_128_GCM_SHA256, SupportedVersion: wire.VersionTLS13,
		SelectedGroup: uint16(hush.CurveP256), HasSelectedGroup: true,
	}).Marshal()
	payload := append(hrr, byte(wire.TypeServerHello))
	if _, err := b.Write(append([]byte{22, 3, 3, byte(len(payload) >> 8), byte(len(payload))}, payload...)); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Fatal("handshake succeeded")
	}
	client.Close() // the client's alert is already written; EOF ends the read
	got, _ := io.ReadAll(b)
	if string(got) != string([]byte{21, 3, 3, 0, 2, 2, byte(hush.AlertUnexpectedMessage)}) {
		t.Fatalf("client sent %x, want exactly one plaintext unexpected_message alert", got)
	}
}
