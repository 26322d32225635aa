package wire

import "github.com/hushtls/hush/internal/alert"

// Reassembler rebuilds handshake messages from the fragments of the
// handshake stream that the record layer delivers (RFC 8446, Section 5.1;
// RFC 5246, Section 6.2.1): one fragment may hold several messages, and one
// message may span many fragments. It checks only the framing; the message
// type and body are the parsers' business.
//
// Memory is bounded: a message's buffer is allocated only once its header
// has been read and its declared length checked against the maximum, and it
// grows with the bytes that actually arrive, never beyond that length.
//
// The zero Reassembler is not usable; call NewReassembler.
type Reassembler struct {
	// A Reassembler must not be copied once used: ready may point into
	// its own readyBuf. go vet's copylocks check enforces it.
	_ noCopy

	max int // largest accepted body length

	hdr  [HeaderLen]byte // header of the message being assembled
	nhdr int             // bytes of hdr filled
	want int             // body length declared by hdr, once nhdr == HeaderLen
	cur  []byte          // the message being assembled, header included

	ready  [][]byte // complete messages not yet returned by Next
	queued int      // total bytes in ready
	err    error    // sticky framing error

	// readyBuf backs ready while a flight has at most len(readyBuf)
	// messages queued, so that queueing them allocates nothing.
	readyBuf [4][]byte

	// arena holds small messages that arrived whole in one fragment,
	// several to an allocation. It is only ever appended to: every message
	// is cut from it with its capacity capped, handed to the caller, and
	// never written again, so no message aliases bytes that get reused.
	// A new arena replaces a full one; the old one lives on only through
	// the messages the caller keeps.
	arena []byte
}

// arenaSize is the size of each arena allocation; messages longer than
// arenaMaxMessage get buffers of their own.
const (
	arenaSize       = 1024
	arenaMaxMessage = arenaSize / 2
)

// NewReassembler returns a Reassembler that rejects any message whose
// declared body length exceeds maxMessage bytes.
func NewReassembler(maxMessage int) *Reassembler {
	if maxMessage < 0 {
		maxMessage = 0
	}
	return &Reassembler{max: maxMessage}
}

// Write appends a fragment of the handshake stream. Complete messages become
// available from Next. A message whose declared length exceeds the maximum
// is a decode_error ("handshake message too large"), returned before any
// buffer for it is allocated; the error is sticky until Reset. RFC 8446
// names no alert for an over-long message; decode_error is the alert for a
// message whose length is not acceptable ("the length of the message was
// incorrect", Section 6.2). Zero-length fragments are accepted here: the
// caller decides whether the record layer allows them. Write does not
// retain fragment.
func (r *Reassembler) Write(fragment []byte) error {
	if r.err != nil {
		return r.err
	}
	for len(fragment) > 0 {
		if r.nhdr < HeaderLen {
			n := copy(r.hdr[r.nhdr:], fragment)
			r.nhdr += n
			fragment = fragment[n:]
			if r.nhdr < HeaderLen {
				break
			}
			r.want = int(r.hdr[1])<<16 | int(r.hdr[2])<<8 | int(r.hdr[3])
			if r.want > r.max {
				r.err = alert.New(alert.DecodeError, "handshake message too large: %d bytes, limit %d", r.want, r.max)
				return r.err
			}
			if r.want <= len(fragment) && HeaderLen+r.want <= arenaMaxMessage {
				// The whole message is here: cut it from the arena.
				fragment = r.fromArena(fragment)
				continue
			}
			// Size the buffer by what has arrived, not by what is declared.
			r.cur = make([]byte, HeaderLen, HeaderLen+min(r.want, len(fragment)))
			copy(r.cur, r.hdr[:])
		}
		// A message with an empty body is complete with its header.
		need := HeaderLen + r.want - len(r.cur)
		take := min(need, len(fragment))
		r.cur = r.grow(r.cur, take)
		r.cur = append(r.cur, fragment[:take]...)
		fragment = fragment[take:]
		if len(r.cur) == HeaderLen+r.want {
			r.queue(r.cur)
			r.cur = nil
		}
	}
	return nil
}

// fromArena queues the message whose header is in r.hdr and whose body is
// the first r.want bytes of fragment, copied into the arena, and returns
// the rest of fragment.
func (r *Reassembler) fromArena(fragment []byte) []byte {
	n := HeaderLen + r.want
	if cap(r.arena)-len(r.arena) < n {
		r.arena = make([]byte, 0, arenaSize)
	}
	start := len(r.arena)
	r.arena = append(r.arena, r.hdr[:]...)
	r.arena = append(r.arena, fragment[:r.want]...)
	rest := fragment[r.want:]
	r.queue(r.arena[start:len(r.arena):len(r.arena)])
	return rest
}

// queue makes the complete message msg available to Next and readies r
// for the next header.
func (r *Reassembler) queue(msg []byte) {
	if r.ready == nil {
		r.ready = r.readyBuf[:0]
	}
	r.ready = append(r.ready, msg)
	r.queued += len(msg)
	r.nhdr = 0
	r.want = 0
}

// grow makes room for n more bytes in buf, never beyond the declared
// message size: capacity doubles, capped at HeaderLen+want.
func (r *Reassembler) grow(buf []byte, n int) []byte {
	if cap(buf)-len(buf) >= n {
		return buf
	}
	limit := HeaderLen + r.want
	c := max(2*cap(buf), len(buf)+n)
	c = min(c, limit)
	nb := make([]byte, len(buf), c)
	copy(nb, buf)
	return nb
}

// Next returns the next complete handshake message, header included, and
// true; or nil and false when none is complete. The returned slice belongs
// to the caller: the Reassembler never touches it again.
func (r *Reassembler) Next() ([]byte, bool) {
	if len(r.ready) == 0 {
		return nil, false
	}
	msg := r.ready[0]
	r.ready[0] = nil
	r.ready = r.ready[1:]
	if len(r.ready) == 0 {
		r.ready = nil
	}
	r.queued -= len(msg)
	return msg, true
}

// Buffered returns the number of bytes written but not yet returned by
// Next: complete messages still queued plus any partial message (a partial
// header counts). TLS 1.3 forbids handshake messages from spanning a key
// change (RFC 8446, Section 5.1: "Handshake messages MUST NOT span key
// changes. Implementations MUST verify that all messages immediately
// preceding a key change align with a record boundary"), so after the message that changes
// keys the caller checks Buffered() == 0 and otherwise sends
// unexpected_message.
func (r *Reassembler) Buffered() int {
	partial := r.nhdr
	if r.cur != nil {
		partial = len(r.cur)
	}
	return r.queued + partial
}

// Reset drops every buffered byte and the sticky error, keeping the
// maximum.
func (r *Reassembler) Reset() {
	*r = Reassembler{max: r.max}
}

// noCopy makes go vet report copies of the struct that contains it (the
// copylocks check looks for a Lock method).
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
