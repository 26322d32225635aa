package record

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/suites"
)

func TestHeader(t *testing.T) {
	b := AppendHeader([]byte{0xee}, TypeHandshake, 0x0301, 0x1234)
	if !bytes.Equal(b, []byte{0xee, 22, 3, 1, 0x12, 0x34}) {
		t.Fatalf("AppendHeader = %x", b)
	}
	if h := ParseHeader(b[1:]); h != (Header{TypeHandshake, 0x0301, 0x1234}) {
		t.Fatalf("ParseHeader = %+v", h)
	}
}

func TestConstructorErrors(t *testing.T) {
	s13 := mustSuite(suites.TLS_AES_128_GCM_SHA256)
	s12 := mustSuite(suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
	c12 := mustSuite(suites.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)
	k16, iv12, iv4 := make([]byte, 16), make([]byte, 12), make([]byte, 4)
	for name, f := range map[string]func() (*Protector, error){
		"13 nil suite":     func() (*Protector, error) { return NewTLS13(nil, k16, iv12) },
		"13 with 1.2":      func() (*Protector, error) { return NewTLS13(s12, k16, iv12) },
		"13 short key":     func() (*Protector, error) { return NewTLS13(s13, k16[:15], iv12) },
		"13 short IV":      func() (*Protector, error) { return NewTLS13(s13, k16, iv4) },
		"12 with 1.3":      func() (*Protector, error) { return NewTLS12(s13, k16, iv4) },
		"12 GCM IV 12":     func() (*Protector, error) { return NewTLS12(s12, k16, iv12) },
		"12 ChaCha IV 4":   func() (*Protector, error) { return NewTLS12(c12, make([]byte, 32), iv4) },
		"12 ChaCha key 16": func() (*Protector, error) { return NewTLS12(c12, k16, iv12) },
	} {
		if p, err := f(); err == nil || p != nil {
			t.Errorf("%s: got %v, %v; want an error", name, p, err)
		}
	}
	p, err := NewTLS12(s12, k16, iv4)
	if err != nil || p.Version() != 0x0303 || p.Suite() != s12 || p.Seq() != 0 || p.PayloadOffset() != 13 {
		t.Fatalf("NewTLS12: %v %v", p, err)
	}
	p, err = NewTLS13(s13, k16, iv12)
	if err != nil || p.Version() != 0x0304 || p.Suite() != s13 || p.PayloadOffset() != 5 {
		t.Fatalf("NewTLS13: %v %v", p, err)
	}
}

// TestHandBuiltRecords checks every suite's layout (nonce construction,
// additional data, TLS 1.2 explicit nonce, TLS 1.3 inner plaintext) against
// records built directly with crypto/cipher, at sequence-number edges.
func TestHandBuiltRecords(t *testing.T) {
	payload := seqBytes(300, 1)
	for _, tc := range allCases() {
		for _, seq := range []uint64{0, 1, 1 << 32, math.MaxUint64 - 2} {
			for _, padding := range []int{0, 17} {
				w, r := tc.pair(t)
				w.seq, r.seq = seq, seq
				want := expectedRecord(t, tc, seq, TypeApplicationData, payload, padding)
				if tc.suite.Version == 0x0303 {
					want = expectedRecord(t, tc, seq, TypeApplicationData, payload, 0)
				}
				got := w.Seal(nil, TypeApplicationData, payload, padding)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s seq %d padding %d:\n got %x\nwant %x", tc.name, seq, padding, got, want)
				}
				if n := w.SealedLen(len(payload), padding); n != len(got) {
					t.Fatalf("%s: SealedLen = %d, Seal wrote %d", tc.name, n, len(got))
				}
				if len(tc.iv) == 4 && binary.BigEndian.Uint64(got[5:13]) != seq {
					t.Fatalf("%s: explicit nonce %x, want the sequence number %d", tc.name, got[5:13], seq)
				}
				typ, pt, err := r.Open(got)
				if err != nil || typ != TypeApplicationData || !bytes.Equal(pt, payload) {
					t.Fatalf("%s seq %d: Open = %d, %x, %v", tc.name, seq, typ, pt, err)
				}
				if w.Seq() != seq+1 || r.Seq() != seq+1 {
					t.Fatalf("%s: seq %d/%d after one record from %d", tc.name, w.Seq(), r.Seq(), seq)
				}
			}
		}
	}
}

// TestSequenceNumberMatters checks that a record opened at the wrong
// sequence number fails, so the nonce really depends on it.
func TestSequenceNumberMatters(t *testing.T) {
	for _, tc := range allCases() {
		w, r := tc.pair(t)
		rec := w.Seal(nil, TypeHandshake, []byte("hello"), 0)
		r.seq = 1
		_, _, err := r.Open(rec)
		wantAlert(t, err, alert.BadRecordMAC)
		if r.Seq() != 1 {
			t.Fatalf("%s: failed Open advanced seq to %d", tc.name, r.Seq())
		}
	}
}

func TestRoundTripSizes(t *testing.T) {
	for _, tc := range allCases() {
		w, r := tc.pair(t)
		for _, n := range []int{0, 1, 255, 1024, MaxPlaintext - 1, MaxPlaintext} {
			for _, padding := range []int{0, 1, 300, MaxPlaintext} {
				payload := seqBytes(n, byte(n))
				typ := TypeApplicationData
				rec := w.Seal(nil, typ, payload, padding)
				h := ParseHeader(rec)
				if h.Length != len(rec)-HeaderLen || h.Version != 0x0303 {
					t.Fatalf("%s: header %+v for %d-byte record", tc.name, h, len(rec))
				}
				if tc.suite.Version == 0x0304 {
					if h.Type != TypeApplicationData || h.Length > MaxCiphertext13 {
						t.Fatalf("%s: TLS 1.3 header %+v", tc.name, h)
					}
				} else if h.Length > MaxCiphertext12 {
					t.Fatalf("%s: TLS 1.2 header %+v", tc.name, h)
				}
				gotTyp, pt, err := r.Open(rec)
				if err != nil || gotTyp != typ || !bytes.Equal(pt, payload) {
					t.Fatalf("%s n=%d padding=%d: Open = %d, %d bytes, %v", tc.name, n, padding, gotTyp, len(pt), err)
				}
			}
		}
	}
}

func TestPaddingStripped(t *testing.T) {
	for _, tc := range allCases()[:3] {
		w, r := tc.pair(t)
		rec := w.Seal(nil, TypeHandshake, []byte{1, 2, 0, 0}, 1000)
		if len(rec) != HeaderLen+4+1+1000+16 {
			t.Fatalf("%s: record length %d", tc.name, len(rec))
		}
		typ, pt, err := r.Open(rec)
		if err != nil || typ != TypeHandshake || !bytes.Equal(pt, []byte{1, 2, 0, 0}) {
			t.Fatalf("%s: Open = %d %x %v", tc.name, typ, pt, err)
		}
		// Hand-built: content "ab", type alert, 40 zero bytes.
		rec = expectedRecord(t, tc, 1, TypeAlert, []byte("ab"), 40)
		typ, pt, err = r.Open(rec)
		if err != nil || typ != TypeAlert || string(pt) != "ab" {
			t.Fatalf("%s: Open hand-built = %d %q %v", tc.name, typ, pt, err)
		}
		// Negative padding is treated as none.
		if got, want := w.SealedLen(3, -5), w.SealedLen(3, 0); got != want {
			t.Fatalf("SealedLen with negative padding = %d, want %d", got, want)
		}
	}
}

func TestFlippedBits(t *testing.T) {
	for _, tc := range allCases() {
		w, _ := tc.pair(t)
		orig := w.Seal(nil, TypeApplicationData, seqBytes(64, 3), 0)
		// Every bit after the type and length: version bytes (in the
		// additional data), explicit nonce, ciphertext and tag.
		for i := 1; i < len(orig); i++ {
			if i == 3 || i == 4 {
				continue
			}
			for bit := 0; bit < 8; bit++ {
				_, r := tc.pair(t)
				rec := bytes.Clone(orig)
				rec[i] ^= 1 << bit
				_, _, err := r.Open(rec)
				wantAlert(t, err, alert.BadRecordMAC)
				if r.Seq() != 0 {
					t.Fatal("failed Open advanced the sequence number")
				}
			}
		}
		// A changed length no longer matches the record.
		_, r := tc.pair(t)
		rec := bytes.Clone(orig)
		rec[4] ^= 1
		_, _, err := r.Open(rec)
		wantAlert(t, err, alert.DecodeError)
		_, _, err = r.Open(orig[:len(orig)-1])
		wantAlert(t, err, alert.DecodeError)
		_, _, err = r.Open(orig[:3])
		wantAlert(t, err, alert.DecodeError)
	}
}

func TestTLS13InnerPlaintextErrors(t *testing.T) {
	for _, tc := range allCases()[:3] {
		t.Run(tc.name, func(t *testing.T) {
			open := func(rec []byte) error {
				_, r := tc.pair(t)
				_, _, err := r.Open(rec)
				return err
			}
			// All-zero inner plaintexts: no content type.
			for _, n := range []int{0, 1, 50} {
				rec := expectedRecord(t, tc, 0, 0, nil, n)
				// expectedRecord appended typ=0 then n zeros: n+1 zero bytes,
				// or, for n == 0, a single zero byte.
				wantAlert(t, open(rec), alert.UnexpectedMessage)
			}
			// An empty inner plaintext (fragment = bare tag).
			a := rawAEAD(t, tc)
			hdr := []byte{23, 3, 3, 0, byte(a.Overhead())}
			wantAlert(t, open(a.Seal(bytes.Clone(hdr), xorNonce(tc.iv, 0), nil, hdr)), alert.UnexpectedMessage)
			// Protected change_cipher_spec and unknown inner types.
			wantAlert(t, open(expectedRecord(t, tc, 0, TypeChangeCipherSpec, []byte{1}, 0)), alert.UnexpectedMessage)
			wantAlert(t, open(expectedRecord(t, tc, 0, 99, []byte{1}, 0)), alert.UnexpectedMessage)
			// Zero-length handshake and alert content.
			wantAlert(t, open(expectedRecord(t, tc, 0, TypeHandshake, nil, 0)), alert.UnexpectedMessage)
			wantAlert(t, open(expectedRecord(t, tc, 0, TypeAlert, nil, 5)), alert.UnexpectedMessage)
			// Zero-length application data is allowed (RFC 8446, Section 5.4).
			if err := open(expectedRecord(t, tc, 0, TypeApplicationData, nil, 5)); err != nil {
				t.Fatalf("empty application data: %v", err)
			}
			// Outer type other than application_data.
			rec := expectedRecord(t, tc, 0, TypeHandshake, []byte{1}, 0)
			rec[0] = TypeHandshake
			wantAlert(t, open(rec), alert.UnexpectedMessage)
			// Inner plaintext of 2^14 content + type + 1 padding byte.
			wantAlert(t, open(expectedRecord(t, tc, 0, TypeApplicationData, make([]byte, MaxPlaintext), 1)), alert.RecordOverflow)
			// Exactly 2^14 + 1 is fine.
			if err := open(expectedRecord(t, tc, 0, TypeApplicationData, make([]byte, MaxPlaintext), 0)); err != nil {
				t.Fatalf("full-size record: %v", err)
			}
		})
	}
}

func TestOversizeAndShort(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			_, r := tc.pair(t)
			max := MaxCiphertext12
			if tc.suite.Version == 0x0304 {
				max = MaxCiphertext13
			}
			rec := AppendHeader(nil, TypeApplicationData, 0x0303, max+1)
			rec = append(rec, make([]byte, max+1)...)
			_, _, err := r.Open(rec)
			wantAlert(t, err, alert.RecordOverflow)

			// Shorter than the AEAD expansion (plus the explicit nonce).
			min := 16
			if len(tc.iv) == 4 {
				min = 24
			}
			for n := 0; n < min; n++ {
				rec := append(AppendHeader(nil, TypeApplicationData, 0x0303, n), make([]byte, n)...)
				_, _, err := r.Open(rec)
				wantAlert(t, err, alert.BadRecordMAC)
			}
			if tc.suite.Version == 0x0303 {
				// A TLS 1.2 plaintext of 2^14 + 1 bytes overflows.
				n := MaxPlaintext + 1 + 16
				if len(tc.iv) == 4 {
					n += 8
				}
				rec := append(AppendHeader(nil, TypeApplicationData, 0x0303, n), make([]byte, n)...)
				_, _, err := r.Open(rec)
				wantAlert(t, err, alert.RecordOverflow)
				// Unknown record type.
				rec = expectedRecord(t, tc, 0, 24, []byte("x"), 0)
				_, _, err = r.Open(rec)
				wantAlert(t, err, alert.UnexpectedMessage)
			}
			if r.Seq() != 0 {
				t.Fatal("failed Open advanced the sequence number")
			}
		})
	}
}

func TestTLS12ContentTypes(t *testing.T) {
	for _, tc := range allCases()[3:] {
		w, r := tc.pair(t)
		for _, typ := range []uint8{TypeChangeCipherSpec, TypeAlert, TypeHandshake, TypeApplicationData} {
			rec := w.Seal(nil, typ, []byte{1, 2}, 0)
			if rec[0] != typ {
				t.Fatalf("%s: record type %d, want %d", tc.name, rec[0], typ)
			}
			got, pt, err := r.Open(rec)
			if err != nil || got != typ || !bytes.Equal(pt, []byte{1, 2}) {
				t.Fatalf("%s: Open = %d %x %v", tc.name, got, pt, err)
			}
		}
	}
}

func TestExhausted(t *testing.T) {
	for _, tc := range allCases() {
		w, r := tc.pair(t)
		limit := tc.suite.ConfidentialityLimit
		if w.Exhausted() {
			t.Fatalf("%s: exhausted at 0", tc.name)
		}
		if limit != 0 {
			w.seq = limit/2 - 1
			if w.Exhausted() {
				t.Fatalf("%s: exhausted below half the limit", tc.name)
			}
			w.Seal(nil, TypeApplicationData, nil, 0)
			if !w.Exhausted() {
				t.Fatalf("%s: not exhausted at half the limit", tc.name)
			}
		} else {
			w.seq = 1 << 62
			if w.Exhausted() {
				t.Fatalf("%s: exhausted with no limit", tc.name)
			}
		}
		// The last usable sequence number is 2^64 - 2.
		w.seq, r.seq = math.MaxUint64-1, math.MaxUint64-1
		rec := w.Seal(nil, TypeApplicationData, []byte("last"), 0)
		if !w.Exhausted() {
			t.Fatalf("%s: not exhausted at 2^64-1", tc.name)
		}
		if _, pt, err := r.Open(rec); err != nil || string(pt) != "last" {
			t.Fatalf("%s: Open at 2^64-2: %q %v", tc.name, pt, err)
		}
		rec = bytes.Clone(rec)
		_, _, err := r.Open(rec)
		if err == nil || r.Seq() != math.MaxUint64 {
			t.Fatalf("%s: Open at 2^64-1 = %v, seq %d", tc.name, err, r.Seq())
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("%s: Seal at 2^64-1 did not panic", tc.name)
				}
			}()
			w.Seal(nil, TypeApplicationData, nil, 0)
		}()
	}
}

// TestSealAliasing checks that payloads living inside dst's spare capacity
// (at the payload offset, at the header, or elsewhere) seal to the same
// bytes as a separate payload.
func TestSealAliasing(t *testing.T) {
	payload := seqBytes(1000, 9)
	for _, tc := range allCases() {
		for _, off := range []int{-1, 0, 3, 5, 13, 40} {
			w1, _ := tc.pair(t)
			w2, _ := tc.pair(t)
			prefix := []byte("xyz")
			want := w1.Seal(bytes.Clone(prefix), TypeApplicationData, payload, 7)

			buf := make([]byte, 3, 4096)
			copy(buf, prefix)
			var src []byte
			if off < 0 {
				off = w2.PayloadOffset()
			}
			src = buf[3+off : 3+off+len(payload)]
			copy(src, payload)
			got := w2.Seal(buf, TypeApplicationData, src, 7)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: payload at offset %d sealed differently", tc.name, off)
			}
			if &got[0] != &buf[0] {
				t.Fatalf("%s: Seal reallocated despite enough capacity", tc.name)
			}
		}
	}
}

func TestNoAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	payload := seqBytes(1024, 1)
	for _, tc := range allCases() {
		w, r := tc.pair(t)
		buf := make([]byte, 0, w.SealedLen(MaxPlaintext, 0)+64)
		if n := testing.AllocsPerRun(100, func() {
			buf = w.Seal(buf[:0], TypeApplicationData, payload, 0)
		}); n != 0 {
			t.Errorf("%s: Seal allocates %v times", tc.name, n)
		}
		w, r = tc.pair(t)
		if n := testing.AllocsPerRun(100, func() {
			buf = w.Seal(buf[:0], TypeApplicationData, payload, 0)
			if _, _, err := r.Open(buf); err != nil {
				panic(err)
			}
		}); n != 0 {
			t.Errorf("%s: Seal+Open allocates %v times", tc.name, n)
		}
		// Failing opens allocate nothing either.
		bad := append(AppendHeader(nil, TypeApplicationData, 0x0303, 40), make([]byte, 40)...)
		if n := testing.AllocsPerRun(100, func() {
			if _, _, err := r.Open(bad); err == nil {
				panic("opened garbage")
			}
		}); n != 0 {
			t.Errorf("%s: failing Open allocates %v times", tc.name, n)
		}
	}
}

func TestOpenTo(t *testing.T) {
	for _, tc := range allCases() {
		w, r := tc.pair(t)
		for _, n := range []int{0, 1, 1000, MaxPlaintext} {
			payload := seqBytes(n, 5)
			rec := w.Seal(nil, TypeApplicationData, payload, 10)
			orig := bytes.Clone(rec)
			dst := make([]byte, len(rec)-HeaderLen)
			typ, pt, err := r.OpenTo(dst, rec)
			if err != nil || typ != TypeApplicationData || !bytes.Equal(pt, payload) {
				t.Fatalf("%s n=%d: OpenTo = %d, %d bytes, %v", tc.name, n, typ, len(pt), err)
			}
			if n > 0 && &pt[0] != &dst[0] {
				t.Fatalf("%s: plaintext is not a prefix of dst", tc.name)
			}
			if !bytes.Equal(rec, orig) {
				t.Fatalf("%s: OpenTo modified the record", tc.name)
			}
		}
		// Too small, or overlapping the record: internal_error, no progress.
		rec := w.Seal(nil, TypeApplicationData, []byte("hello"), 0)
		seq := r.Seq()
		_, _, err := r.OpenTo(make([]byte, len(rec)-HeaderLen-1), rec)
		wantAlert(t, err, alert.InternalError)
		_, _, err = r.OpenTo(rec[1:], rec[:len(rec)])
		wantAlert(t, err, alert.InternalError)
		_, _, err = r.OpenTo(make([]byte, 100), rec[:3])
		wantAlert(t, err, alert.DecodeError)
		_, _, err = r.OpenTo(make([]byte, 100), rec[:len(rec)-1])
		wantAlert(t, err, alert.DecodeError)
		// Tampered: bad_record_mac.
		rec[len(rec)-1] ^= 1
		_, _, err = r.OpenTo(make([]byte, len(rec)), rec)
		wantAlert(t, err, alert.BadRecordMAC)
		if r.Seq() != seq {
			t.Fatalf("%s: failed OpenTo advanced seq", tc.name)
		}
		rec[len(rec)-1] ^= 1
		if _, pt, err := r.OpenTo(make([]byte, len(rec)), rec); err != nil || string(pt) != "hello" {
			t.Fatalf("%s: OpenTo after failures = %q, %v", tc.name, pt, err)
		}
		// No allocations.
		w, r = tc.pair(t)
		buf := make([]byte, 0, 2048)
		dst := make([]byte, 2048)
		payload := seqBytes(1024, 2)
		if n := testing.AllocsPerRun(100, func() {
			buf = w.Seal(buf[:0], TypeApplicationData, payload, 0)
			if _, _, err := r.OpenTo(dst, buf); err != nil {
				panic(err)
			}
		}); n != 0 {
			t.Errorf("%s: Seal+OpenTo allocates %v times", tc.name, n)
		}
	}
}
