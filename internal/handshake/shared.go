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

// flightActions is the room made for one flight's actions at once: a
// TLS 1.3 server's first flight has about this many, so the list is
// allocated once rather than grown.
const flightActions = 16

// push appends an action to the outbox.
func (hs *shared) push(a Action) {
	if hs.out == nil {
		hs.out = make([]Action, 0, flightActions)
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

func (hs *shared) take() []Action {
	out := hs.out
	hs.out = nil
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
