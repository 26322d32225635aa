package wire

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/hushtls/hush/internal/alert"
)

// streamOther is a handshake stream of several messages of various sizes,
// an empty-bodied one included.
func streamOther() [][]byte {
	return [][]byte{
		(&Finished{VerifyData: repOther(1, 32)}).Marshal(),
		MarshalServerHelloDone(),
		(&Certificate12{Certificates: [][]byte{repOther(0x30, 700)}}).Marshal(),
		(&KeyUpdate{UpdateRequested: true}).Marshal(),
		MarshalEndOfEarlyData(),
		(&NewSessionTicket12{Lifetime: 9, Ticket: repOther(7, 90)}).Marshal(),
	}
}

func joinOther(msgs [][]byte) []byte { return bytes.Join(msgs, nil) }

// drainOther returns every complete message r holds.
func drainOther(r *Reassembler) [][]byte {
	var out [][]byte
	for {
		m, ok := r.Next()
		if !ok {
			return out
		}
		out = append(out, m)
	}
}

func equalMsgsOther(t *testing.T, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("message %d: got %x, want %x", i, got[i], want[i])
		}
	}
}

func TestReassemblerSplitEverywhereOther(t *testing.T) {
	msgs := streamOther()
	stream := joinOther(msgs)
	for cut := 0; cut <= len(stream); cut++ {
		r := NewReassembler(1 << 14)
		if err := r.Write(stream[:cut]); err != nil {
			t.Fatal(err)
		}
		got := drainOther(r)
		if err := r.Write(stream[cut:]); err != nil {
			t.Fatal(err)
		}
		got = append(got, drainOther(r)...)
		equalMsgsOther(t, got, msgs)
		if r.Buffered() != 0 {
			t.Fatalf("cut %d: Buffered() = %d after draining", cut, r.Buffered())
		}
	}
}

func TestReassemblerByteAtATimeOther(t *testing.T) {
	msgs := streamOther()
	stream := joinOther(msgs)
	r := NewReassembler(1 << 14)
	var got [][]byte
	for i := range stream {
		if err := r.Write(stream[i : i+1]); err != nil {
			t.Fatal(err)
		}
		if err := r.Write(nil); err != nil { // zero-length fragments are no-ops
			t.Fatal(err)
		}
		got = append(got, drainOther(r)...)
		// Buffered counts the partial message: bytes since the last
		// message boundary.
		done := len(joinOther(got))
		if r.Buffered() != i+1-done {
			t.Fatalf("after %d bytes: Buffered() = %d, want %d", i+1, r.Buffered(), i+1-done)
		}
	}
	equalMsgsOther(t, got, msgs)
}

func TestReassemblerManyInOneOther(t *testing.T) {
	msgs := streamOther()
	stream := joinOther(msgs)
	r := NewReassembler(1 << 14)
	if err := r.Write(stream); err != nil {
		t.Fatal(err)
	}
	if r.Buffered() != len(stream) {
		t.Fatalf("Buffered() = %d, want %d (queued messages count)", r.Buffered(), len(stream))
	}
	first, ok := r.Next()
	if !ok {
		t.Fatal("no message")
	}
	if r.Buffered() != len(stream)-len(first) {
		t.Fatalf("Buffered() = %d after one Next", r.Buffered())
	}
	equalMsgsOther(t, append([][]byte{first}, drainOther(r)...), msgs)
	if _, ok := r.Next(); ok {
		t.Fatal("Next after drain returned a message")
	}
}

func TestReassemblerFreshSlicesOther(t *testing.T) {
	msgs := streamOther()
	stream := joinOther(msgs)
	r := NewReassembler(1 << 14)
	frag := append([]byte{}, stream...)
	if err := r.Write(frag); err != nil {
		t.Fatal(err)
	}
	for i := range frag { // the reassembler must not keep the fragment
		frag[i] = 0xee
	}
	got := drainOther(r)
	equalMsgsOther(t, got, msgs)
	// Scribbling on returned messages must not disturb later ones.
	for _, m := range got {
		for i := range m {
			m[i] = 0xdd
		}
	}
	if err := r.Write(stream); err != nil {
		t.Fatal(err)
	}
	equalMsgsOther(t, drainOther(r), msgs)
	// Returned messages do not share capacity: appending to one cannot
	// overwrite another.
	again := append([]byte{}, stream...)
	r.Write(again)
	a, _ := r.Next()
	b, _ := r.Next()
	_ = append(a, 0xcc)
	if !bytes.Equal(b, msgs[1]) {
		t.Fatal("appending to one message changed the next")
	}
}

func TestReassemblerOversizeOther(t *testing.T) {
	const max = 100
	r := NewReassembler(max)
	// A header alone that declares max+1 bytes is rejected at once.
	err := r.Write([]byte{byte(TypeCertificate), 0, 0, max + 1})
	wantAlertOther(t, err, alert.DecodeError)
	if a, _ := alert.Of(err); a != alert.DecodeError {
		t.Fatal(err)
	}
	// The error is sticky.
	wantAlertOther(t, r.Write([]byte{1}), alert.DecodeError)
	r.Reset()
	if r.Buffered() != 0 {
		t.Fatal("Reset left bytes")
	}
	// Exactly max is fine.
	msg := hdrOther(TypeFinished, repOther(1, max))
	if err := r.Write(msg); err != nil {
		t.Fatal(err)
	}
	equalMsgsOther(t, drainOther(r), [][]byte{msg})
	// A declared 16 MiB message is rejected before allocation, even when
	// split within the header.
	r.Reset()
	if err := r.Write([]byte{byte(TypeCertificate), 0xff}); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r2 := NewReassembler(max)
	r2.Write([]byte{byte(TypeCertificate), 0xff, 0xff, 0xff, 1, 2, 3})
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<16 {
		t.Fatalf("%d bytes allocated rejecting an oversized message", n)
	}
	wantAlertOther(t, r.Write([]byte{0xff, 0xff}), alert.DecodeError)
	// Complete messages before the oversized one are still delivered.
	r = NewReassembler(max)
	ok := MarshalServerHelloDone()
	wantAlertOther(t, r.Write(append(append([]byte{}, ok...), 11, 1, 0, 0)), alert.DecodeError)
	equalMsgsOther(t, drainOther(r), [][]byte{ok})
}

// TestReassemblerBoundedGrowthOther checks that the buffer of a message
// grows with the bytes that arrive and never exceeds the declared size.
func TestReassemblerBoundedGrowthOther(t *testing.T) {
	const n = 5000
	msg := hdrOther(TypeCertificate, repOther(9, n))
	r := NewReassembler(1 << 16)
	r.Write(msg[:10])
	if c := cap(r.cur); c > 10 {
		t.Fatalf("cap %d after 10 bytes of a %d-byte message", c, len(msg))
	}
	for i := 10; i < len(msg)-1; i += 7 {
		r.Write(msg[i:min(i+7, len(msg)-1)])
		if c := cap(r.cur); c > len(msg) {
			t.Fatalf("cap %d exceeds message size %d", c, len(msg))
		}
	}
	r.Write(msg[len(msg)-1:])
	got, ok := r.Next()
	if !ok || !bytes.Equal(got, msg) || cap(got) != len(msg) {
		t.Fatalf("got %d bytes (cap %d), ok %v", len(got), cap(got), ok)
	}
}

func TestReassemblerResetOther(t *testing.T) {
	r := NewReassembler(1000)
	r.Write([]byte{20, 0, 0, 32, 1, 2})
	r.Write(MarshalServerHelloDone())
	if r.Buffered() != 10 {
		t.Fatalf("Buffered() = %d", r.Buffered())
	}
	r.Reset()
	if r.Buffered() != 0 {
		t.Fatalf("Buffered() = %d after Reset", r.Buffered())
	}
	if _, ok := r.Next(); ok {
		t.Fatal("message after Reset")
	}
	msg := MarshalHelloRequest()
	r.Write(msg)
	equalMsgsOther(t, drainOther(r), [][]byte{msg})
	// NewReassembler clamps a negative maximum to zero: only empty bodies.
	z := NewReassembler(-1)
	if err := z.Write(MarshalServerHelloDone()); err != nil {
		t.Fatal(err)
	}
	wantAlertOther(t, z.Write([]byte{20, 0, 0, 1}), alert.DecodeError)
}
