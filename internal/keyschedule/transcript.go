package keyschedule

import (
	"crypto"
	"hash"
)

// Transcript is the running transcript hash of a handshake. Until the
// cipher suite, and so the hash, is known it buffers the messages; SetHash
// replays them into the hash and from then on every message is hashed as it
// is written.
type Transcript struct {
	h      crypto.Hash
	state  hash.Hash // nil until SetHash
	buffer []byte    // messages before SetHash
	retain bool      // keep every message in kept
	kept   []byte
	sum    [maxHashSize]byte // SumTemp's result
}

// NewTranscript returns an empty transcript whose hash is not known yet.
func NewTranscript() *Transcript { return &Transcript{} }

// SetHash fixes the transcript hash and feeds it the buffered messages.
// It panics if called twice with different hashes.
func (t *Transcript) SetHash(h crypto.Hash) {
	if t.state != nil {
		if t.h != h {
			panic("keyschedule: transcript hash changed")
		}
		return
	}
	t.h = h
	t.state = h.New()
	t.state.Write(t.buffer)
	t.buffer = nil
}

// Hash returns the transcript's hash, or 0 before SetHash.
func (t *Transcript) Hash() crypto.Hash { return t.h }

// Retain makes the transcript keep a copy of every message, from the
// first one written, for Messages. TLS 1.2 needs it: a CertificateVerify
// signs the raw handshake messages with the signature scheme's hash, which
// may differ from the PRF hash (RFC 5246, Section 7.4.8). It must be
// called before SetHash, and panics otherwise.
func (t *Transcript) Retain() {
	if t.state != nil && !t.retain {
		panic("keyschedule: Transcript.Retain after SetHash")
	}
	if !t.retain {
		t.retain = true
		t.kept = append([]byte(nil), t.buffer...)
	}
}

// Messages returns the messages written so far if Retain was called, or
// nil. ReplaceWithMessageHash does not rewrite them.
func (t *Transcript) Messages() []byte { return t.kept }

// Write appends a handshake message (header included) to the transcript.
func (t *Transcript) Write(msg []byte) {
	if t.retain {
		t.kept = append(t.kept, msg...)
	}
	if t.state == nil {
		t.buffer = append(t.buffer, msg...)
		return
	}
	t.state.Write(msg)
}

// Sum returns the hash of the messages written so far; the transcript keeps
// running. It panics before SetHash.
func (t *Transcript) Sum() []byte {
	if t.state == nil {
		panic("keyschedule: transcript hash used before SetHash")
	}
	return t.state.Sum(nil)
}

// SumTemp is Sum into space inside t: the result is valid until the next
// call of SumTemp, for a caller that uses it at once (a TLS 1.2 Finished
// or extended master secret) and so needs no allocation of its own.
func (t *Transcript) SumTemp() []byte {
	if t.state == nil {
		panic("keyschedule: transcript hash used before SetHash")
	}
	return t.state.Sum(t.sum[:0])
}

// Clone returns an independent copy of the transcript, for hashing a
// message tentatively (for example a PSK binder over a partial ClientHello).
func (t *Transcript) Clone() *Transcript {
	c := &Transcript{h: t.h, buffer: append([]byte(nil), t.buffer...), retain: t.retain}
	if t.retain {
		c.kept = append([]byte(nil), t.kept...)
	}
	if t.state != nil {
		if cl, ok := t.state.(hash.Cloner); ok {
			if s, err := cl.Clone(); err == nil {
				c.state = s
				return c
			}
		}
		// Fallback: hashes that cannot clone are not used by TLS; keep
		// the method total anyway by failing loudly.
		panic("keyschedule: transcript hash cannot be cloned")
	}
	return c
}

// ReplaceWithMessageHash replaces the transcript, which must hold only
// ClientHello1, with the synthetic message_hash message.
// RFC 8446, Section 4.4.1: "the value of ClientHello1 is replaced with a
// special synthetic handshake message of handshake type "message_hash"
// containing Hash(ClientHello1)."
func (t *Transcript) ReplaceWithMessageHash() {
	sum := t.Sum()
	t.state = t.h.New()
	t.state.Write([]byte{254, 0, 0, byte(len(sum))})
	t.state.Write(sum)
}
