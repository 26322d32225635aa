package record

import (
	"bytes"
	"slices"
	"testing"

	"github.com/hushtls/hush/internal/testutil/rfc8448"
	"github.com/hushtls/hush/suites"
)

// traceRecord is one protected record of RFC 8448, Section 3
// ("Simple 1-RTT Handshake"), TLS_AES_128_GCM_SHA256. The client's handshake
// write key/IV are the server's "read traffic keys for handshake data".
type traceRecord struct {
	name         string
	key, iv      []byte
	seq          uint64
	typ          uint8
	payload, rec []byte
}

var traceRecords = []traceRecord{
	{"server EncryptedExtensions..Finished", rfc8448.S3ServerHSKey, rfc8448.S3ServerHSIV, 0, TypeHandshake, rfc8448.S3ServerHSPayload, rfc8448.S3ServerHSRecord},
	{"client Finished", rfc8448.S3ClientHSKey, rfc8448.S3ClientHSIV, 0, TypeHandshake, rfc8448.S3ClientFinished, rfc8448.S3ClientFinishedRecord},
	{"server NewSessionTicket", rfc8448.S3ServerAPKey, rfc8448.S3ServerAPIV, 0, TypeHandshake, rfc8448.S3NewSessionTicket, rfc8448.S3NewSessionTicketRecord},
	{"client application data", rfc8448.S3ClientAPKey, rfc8448.S3ClientAPIV, 0, TypeApplicationData, rfc8448.S3ApplicationData, rfc8448.S3ClientApplicationDataRecord},
	{"server application data", rfc8448.S3ServerAPKey, rfc8448.S3ServerAPIV, 1, TypeApplicationData, rfc8448.S3ApplicationData, rfc8448.S3ServerApplicationDataRecord},
	{"client close_notify", rfc8448.S3ClientAPKey, rfc8448.S3ClientAPIV, 1, TypeAlert, rfc8448.S3CloseNotify, rfc8448.S3ClientCloseNotifyRecord},
	{"server close_notify", rfc8448.S3ServerAPKey, rfc8448.S3ServerAPIV, 2, TypeAlert, rfc8448.S3CloseNotify, rfc8448.S3ServerCloseNotifyRecord},
}

func TestRFC8448Records(t *testing.T) {
	s, _ := suites.Lookup(suites.TLS_AES_128_GCM_SHA256)
	for _, tr := range traceRecords {
		t.Run(tr.name, func(t *testing.T) {
			key, iv := tr.key, tr.iv
			payload, want := tr.payload, tr.rec

			w, err := NewTLS13(s, key, iv)
			if err != nil {
				t.Fatal(err)
			}
			w.seq = tr.seq
			if n := w.SealedLen(len(payload), 0); n != len(want) {
				t.Errorf("SealedLen = %d, want %d", n, len(want))
			}
			prefix := []byte("prefix")
			got := w.Seal(prefix, tr.typ, payload, 0)
			if !bytes.Equal(got[:len(prefix)], []byte("prefix")) || !bytes.Equal(got[len(prefix):], want) {
				t.Fatalf("Seal:\n got %x\nwant %x", got[len(prefix):], want)
			}
			if w.Seq() != tr.seq+1 {
				t.Errorf("Seq after Seal = %d, want %d", w.Seq(), tr.seq+1)
			}

			r, _ := NewTLS13(s, key, iv)
			r.seq = tr.seq
			rec := bytes.Clone(want)
			typ, pt, err := r.Open(rec)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if typ != tr.typ || !bytes.Equal(pt, payload) {
				t.Fatalf("Open = %d %x, want %d %x", typ, pt, tr.typ, payload)
			}
			if &pt[0] != &rec[HeaderLen] {
				t.Error("Open did not decrypt in place")
			}
			if r.Seq() != tr.seq+1 {
				t.Errorf("Seq after Open = %d, want %d", r.Seq(), tr.seq+1)
			}
		})
	}
}

// TestRFC8448Sequence seals the server's application-key records in order
// from one Protector, as a connection would.
func TestRFC8448Sequence(t *testing.T) {
	s, _ := suites.Lookup(suites.TLS_AES_128_GCM_SHA256)
	w, err := NewTLS13(s, rfc8448.S3ServerAPKey, rfc8448.S3ServerAPIV)
	if err != nil {
		t.Fatal(err)
	}
	var stream []byte
	stream = w.Seal(stream, TypeHandshake, rfc8448.S3NewSessionTicket, 0)
	stream = w.Seal(stream, TypeApplicationData, rfc8448.S3ApplicationData, 0)
	stream = w.Seal(stream, TypeAlert, rfc8448.S3CloseNotify, 0)
	want := slices.Concat(rfc8448.S3NewSessionTicketRecord, rfc8448.S3ServerApplicationDataRecord, rfc8448.S3ServerCloseNotifyRecord)
	if !bytes.Equal(stream, want) {
		t.Fatalf("stream:\n got %x\nwant %x", stream, want)
	}
}
