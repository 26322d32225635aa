package record

import (
	"bytes"
	"testing"
)

// TestParkRoundTrip parks both directions between records: the records
// stay byte-identical to an unparked Protector's and still open.
func TestParkRoundTrip(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			w, r := tc.pair(t)
			ref, _ := tc.pair(t)
			for i := range 4 {
				payload := seqBytes(100+i, byte(i))
				if i%2 == 1 {
					w.Park()
					r.Park()
					if !w.Parked() || !r.Parked() {
						t.Fatal("Parked() is false after Park")
					}
				}
				rec := w.Seal(nil, TypeApplicationData, payload, 0)
				if want := ref.Seal(nil, TypeApplicationData, payload, 0); !bytes.Equal(rec, want) {
					t.Fatalf("record %d differs after Park", i)
				}
				if w.Parked() {
					t.Fatal("still parked after Seal")
				}
				_, pt, err := r.Open(rec)
				if err != nil || !bytes.Equal(pt, payload) {
					t.Fatalf("record %d: Open after Park: %v", i, err)
				}
			}
		})
	}
}
