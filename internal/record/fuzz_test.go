package record

import (
	"bytes"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

// FuzzOpen feeds arbitrary record bytes to a Protector of every built-in
// suite kind (TLS 1.3 and 1.2, AES-GCM and ChaCha20-Poly1305) under a fixed
// key. Open must never panic, must fail with an alert, and on success must
// return a bounded plaintext aliasing the record that re-seals to the same
// content.
func FuzzOpen(f *testing.F) {
	cases := allCases()
	for _, tc := range cases {
		w, _ := tc.pair(f)
		f.Add(w.Seal(nil, TypeApplicationData, []byte("GET / HTTP/1.1\r\n\r\n"), 0))
		f.Add(w.Seal(nil, TypeHandshake, seqBytes(40, 1), 3))
		f.Add(w.Seal(nil, TypeAlert, []byte{1, 0}, 0))
		f.Add(expectedRecord(f, tc, 0, 0, nil, 8))
	}
	f.Add(bytes.Clone(rfc8448.S3ClientApplicationDataRecord))
	f.Add([]byte{23, 3, 3, 0, 0})
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0})
	f.Add([]byte{23, 3, 3, 0x40, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, tc := range cases {
			w, r := tc.pair(t)
			_, rTo := tc.pair(t)
			dst := make([]byte, max(len(data)-HeaderLen, 0))
			typTo, ptTo, errTo := rTo.OpenTo(dst, data)
			rec := bytes.Clone(data)
			typ, pt, err := r.Open(rec)
			if (err == nil) != (errTo == nil) || typ != typTo || !bytes.Equal(pt, ptTo) {
				t.Fatalf("%s: Open = %d %x %v but OpenTo = %d %x %v", tc.name, typ, pt, err, typTo, ptTo, errTo)
			}
			if err != nil {
				if _, ok := alert.Of(err); !ok {
					t.Fatalf("%s: error without alert: %v", tc.name, err)
				}
				if r.Seq() != 0 || pt != nil {
					t.Fatalf("%s: failed Open returned %d bytes, seq %d", tc.name, len(pt), r.Seq())
				}
				continue
			}
			if r.Seq() != 1 || len(pt) > MaxPlaintext {
				t.Fatalf("%s: Open succeeded with seq %d, %d bytes", tc.name, r.Seq(), len(pt))
			}
			if len(pt) > 0 && !overlaps(pt, rec) {
				t.Fatalf("%s: plaintext does not alias the record", tc.name)
			}
			// Re-seal and re-open: the content must survive.
			again := w.Seal(nil, typ, pt, 0)
			_, r2 := tc.pair(t)
			typ2, pt2, err := r2.Open(again)
			if err != nil || typ2 != typ || !bytes.Equal(pt2, pt) {
				t.Fatalf("%s: re-sealed record opens to %d %x %v", tc.name, typ2, pt2, err)
			}
		}
	})
}
