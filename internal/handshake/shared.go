package handshake

import (
	"crypto/rand"
	"io"
	"time"

	"github.com/hushtls/hush/internal/keyschedule"
)

// shared is the data every state of one handshake reads and writes: the
// configuration, the transcript, what is being negotiated and the outbox.
// Each state struct holds only what is new at that point.
type shared struct {
	// tlsUnique holds the first Finished's verify_data (TLS 1.2) for
	// result.TLSUnique without an allocation of its own.
	tlsUnique  [12]byte
	p          *Params
	out        []Action
	transcript *keyschedule.Transcript
	result     Result
	done       bool

	earlyDataOffered bool // server: the first ClientHello carried early_data
}

func newShared(p *Params) *shared {
	hs := &shared{p: p, transcript: keyschedule.NewTranscript()}
	hs.result.AuthTime = hs.now()
	return hs
}

// outboxRoom is how many actions the outbox makes room for at a time:
// about a whole handshake's worth for one side, so the outbox is
// allocated once or twice rather than grown for every flight.
const outboxRoom = 16

// push appends an action to the outbox.
func (hs *shared) push(a Action) {
	if len(hs.out) == cap(hs.out) && len(hs.out) < outboxRoom {
		out := make([]Action, len(hs.out), len(hs.out)+outboxRoom)
		copy(out, hs.out)
		hs.out = out
	}
	hs.out = append(hs.out, a)
}

// send queues a handshake message and adds it to the transcript.
func (hs *shared) send(msg []byte) {
	hs.transcript.Write(msg)
	hs.push(Action{Kind: ActSend, Data: msg})
}

func (hs *shared) act(a Action) { hs.push(a) }

func (hs *shared) keyLog(label string, secret []byte) {
	hs.push(Action{Kind: ActKeyLog, Label: label, Data: secret})
}

// take returns the queued actions. The outbox goes on filling the rest of
// the same array: what take returned is capped at its length, so nothing
// written later reaches it.
func (hs *shared) take() []Action {
	n := len(hs.out)
	if n == 0 {
		return nil
	}
	out := hs.out[:n:n]
	hs.out = hs.out[n:n]
	return out
}

func (hs *shared) rand() io.Reader {
	if hs.p.Rand != nil {
		return hs.p.Rand
	}
	return rand.Reader
}

func (hs *shared) now() time.Time {
	if hs.p.Time != nil {
		return hs.p.Time()
	}
	return time.Now()
}

func (hs *shared) randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(hs.rand(), b); err != nil {
		return nil, err
	}
	return b, nil
}
