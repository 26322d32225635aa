package handshake

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/wire"
)

// This file is an in-memory driver that connects a client Machine to a
// server Machine with no record layer and no sockets: every ActSend is
// handed, as the plaintext handshake message it is, to the other machine's
// Handle, in the order it was sent. A TLS 1.2 ActSendCCS becomes the peer's
// HandleCCS; a TLS 1.3 (middlebox compatibility) one is dropped. Keys are
// not applied, only recorded in each side's trace, so tests can check when
// each protection change happens relative to the messages.

const (
	client = "C"
	server = "S"
)

// ccsName stands for a change_cipher_spec in message names and tampers.
const ccsName = "ChangeCipherSpec"

// typeName names a handshake message by its type byte; a ServerHello
// carrying the special random is a HelloRetryRequest.
func typeName(msg []byte) string {
	if len(msg) == 0 {
		return "empty"
	}
	if n, ok := wire.MessageName(msg); ok {
		return n
	}
	return fmt.Sprintf("type%d", msg[0])
}

// tamper alters one delivery of a run. Target names it as "C:Finished" or
// "S:ServerHello" (sender, colon, message name), with "#2" appended for the
// second message of that name from that sender (a ClientHello after a
// HelloRetryRequest is "C:ClientHello#2"); a TLS 1.2 change_cipher_spec is
// "C:ChangeCipherSpec". Exactly one of edit, drop and dup is set.
type tamper struct {
	target string
	edit   func(tb testing.TB, msg []byte) []byte
	drop   bool
	dup    bool
	// ccsBefore delivers a change_cipher_spec to the receiver just
	// before the target message.
	ccsBefore bool
	// observe, when set, sees every message as it is sent.
	observe func(delivery)
}

// delivery is one message in flight.
type delivery struct {
	from string
	name string
	msg  []byte // nil for a change_cipher_spec
	ccs  bool
}

// failure is where a run stopped on an error.
type failure struct {
	side  string // the side whose machine returned the error
	state string // the state that received the offending message
	msg   string // the name of that message
	err   error
}

func (f *failure) alert() alert.Alert {
	a, ok := alert.Of(f.err)
	if !ok {
		return 255
	}
	return a
}

// endpoint is one side of a run.
type endpoint struct {
	side   string
	m      *Machine
	states []string // initial state, then the state after each delivery
	trace  []string // what the machine did and received, in order
	logs   []keyLogLine
	sent   map[string]int
}

type keyLogLine struct {
	label  string
	secret []byte
}

// labels returns the key log labels in the order they were emitted.
func (e *endpoint) labels() []string {
	var out []string
	for _, l := range e.logs {
		out = append(out, l.label)
	}
	return out
}

// secretLabel names a traffic secret by the label it was logged under.
func (e *endpoint) secretLabel(secret []byte) string {
	if secret == nil {
		return "1.2"
	}
	for _, l := range e.logs {
		if bytes.Equal(l.secret, secret) {
			return l.label
		}
	}
	return "unlogged"
}

// step is one delivery that its receiver accepted.
type step struct {
	msg           string // "C:Finished"
	to            string // the receiving side
	before, after string // the receiver's state before and after
	empty         bool   // the message has an empty body (or is a change_cipher_spec)
}

// run is the record of one handshake between a client and a server.
type run struct {
	c, s       *endpoint
	deliveries []string // names of every delivered message, in order
	steps      []step   // every successful delivery, in order
	fail       *failure
	tamperHit  bool
	// postHandshake holds the messages sent to a side after it completed
	// (TLS 1.3 NewSessionTicket): the connection handles those, not the
	// machine.
	postHandshake []delivery
	// acceptedAfterFailure says the machine that failed on an injected
	// change_cipher_spec then accepted the message it was waiting for.
	acceptedAfterFailure bool
}

func (r *run) peer(e *endpoint) *endpoint {
	if e == r.c {
		return r.s
	}
	return r.c
}

// apply records a batch of actions from e and queues its messages.
func (r *run) apply(e *endpoint, acts []Action, queue *[]delivery) {
	for _, a := range acts {
		switch a.Kind {
		case ActSend:
			name := typeName(a.Data)
			e.sent[name]++
			if n := e.sent[name]; n > 1 {
				name = fmt.Sprintf("%s#%d", name, n)
			}
			e.trace = append(e.trace, "send "+name)
			*queue = append(*queue, delivery{from: e.side, name: name, msg: bytes.Clone(a.Data)})
		case ActSendCCS:
			// RFC 8446, Appendix D.4: in TLS 1.3 it is a record the peer
			// drops; only the TLS 1.2 one reaches the peer's machine.
			if e.m.Version() == wire.VersionTLS12 {
				e.trace = append(e.trace, "send "+ccsName)
				*queue = append(*queue, delivery{from: e.side, name: ccsName, ccs: true})
			} else {
				e.trace = append(e.trace, "send dummy "+ccsName)
			}
		case ActFlush:
			e.trace = append(e.trace, "flush")
		case ActKeyLog:
			e.logs = append(e.logs, keyLogLine{a.Label, bytes.Clone(a.Data)})
			e.trace = append(e.trace, "log "+a.Label)
		case ActReadKeys:
			e.trace = append(e.trace, "read key "+keyName(e, a))
		case ActWriteKeys:
			e.trace = append(e.trace, "write key "+keyName(e, a))
		case ActExpectCCS:
			e.trace = append(e.trace, "expect "+ccsName)
		default:
			e.trace = append(e.trace, fmt.Sprintf("action %d", a.Kind))
		}
	}
}

// keyName names the protection an ActReadKeys or ActWriteKeys installs.
func keyName(e *endpoint, a Action) string {
	if a.Keys == nil {
		return "NIL"
	}
	return e.secretLabel(a.Secret)
}

// maxDeliveries stops a run that would loop forever.
const maxDeliveries = 64

// drive runs a handshake between fresh machines for cp and sp, altering
// one delivery as tam says (tam may be nil). It stops when both machines are
// done, when one returns an error, or when no message is left in flight.
func drive(t testing.TB, cp, sp *Params, tam *tamper) *run {
	t.Helper()
	cm, acts, err := NewClient(cp)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	sm := NewServer(sp)
	r := &run{
		c: &endpoint{side: client, m: cm, states: []string{cm.StateName()}, sent: map[string]int{}},
		s: &endpoint{side: server, m: sm, states: []string{sm.StateName()}, sent: map[string]int{}},
	}
	var queue []delivery
	r.apply(r.c, acts, &queue)
	defer func() {
		// What is left once both sides are done is post-handshake.
		if r.fail != nil || !r.done() {
			return
		}
		for _, d := range queue {
			to := r.s
			if d.from == server {
				to = r.c
			}
			d.name = d.from + ":" + d.name
			to.trace = append(to.trace, "post-handshake "+d.name[2:])
			r.postHandshake = append(r.postHandshake, d)
		}
	}()
	for len(queue) > 0 && !(cm.Done() && sm.Done()) {
		if len(r.deliveries) >= maxDeliveries {
			t.Fatalf("more than %d deliveries: %v", maxDeliveries, r.deliveries)
		}
		d := queue[0]
		queue = queue[1:]
		from := r.c
		if d.from == server {
			from = r.s
		}
		to := r.peer(from)
		d.name = d.from + ":" + d.name
		if tam != nil && tam.observe != nil {
			tam.observe(d)
		}
		times := 1
		if tam != nil && tam.target == d.name {
			r.tamperHit = true
			switch {
			case tam.drop:
				times = 0
			case tam.dup:
				times = 2
			case tam.edit != nil:
				d.msg = tam.edit(t, bytes.Clone(d.msg))
			case tam.ccsBefore:
				before := to.m.StateName()
				if _, err := safeHandle(to.m, nil, true); err != nil {
					r.fail = &failure{side: to.side, state: before, msg: d.from + ":" + ccsName, err: err}
					if !d.ccs {
						_, err := safeHandle(to.m, d.msg, false)
						r.acceptedAfterFailure = err == nil
					}
					return r
				}
				to.states = append(to.states, to.m.StateName())
			}
		}
		if to.m.Done() && typeName(d.msg) == "NewSessionTicket" && to.m.Version() == wire.VersionTLS13 {
			to.trace = append(to.trace, "post-handshake "+d.name[2:])
			r.postHandshake = append(r.postHandshake, d)
			continue
		}
		for range times {
			before := to.m.StateName()
			r.deliveries = append(r.deliveries, d.name)
			to.trace = append(to.trace, "recv "+d.name[2:])
			acts, err := safeHandle(to.m, d.msg, d.ccs)
			if err != nil {
				r.fail = &failure{side: to.side, state: before, msg: d.name, err: err}
				return r
			}
			to.states = append(to.states, to.m.StateName())
			r.steps = append(r.steps, step{msg: d.name, to: to.side, before: before, after: to.m.StateName(),
				empty: d.ccs || len(d.msg) == wire.HeaderLen})
			r.apply(to, acts, &queue)
		}
	}
	return r
}

// errPanic marks a machine that panicked instead of returning an error.
var errPanic = errors.New("panic")

// safeHandle delivers one message (or a change_cipher_spec) and turns a
// panic into an error that carries no alert.
func safeHandle(m *Machine, msg []byte, ccs bool) (acts []Action, err error) {
	defer func() {
		if p := recover(); p != nil {
			acts, err = nil, fmt.Errorf("%w: %v", errPanic, p)
		}
	}()
	if ccs {
		return m.HandleCCS()
	}
	return m.Handle(msg)
}

// done reports whether both sides completed.
func (r *run) done() bool { return r.c.m.Done() && r.s.m.Done() }

// protection maps each sent or received message of a side's trace to the
// key in force for it: "plaintext", a key log label (TLS 1.3) or "1.2".
func protection(trace []string) (sent, recv map[string]string) {
	sent, recv = map[string]string{}, map[string]string{}
	w, rd := "plaintext", "plaintext"
	for _, ev := range trace {
		var name string
		switch {
		case cut(ev, "write key ", &name):
			w = name
		case cut(ev, "read key ", &name):
			rd = name
		case cut(ev, "send dummy ", &name):
		case cut(ev, "send ", &name):
			sent[name] = w
		case cut(ev, "recv ", &name):
			recv[name] = rd
		}
	}
	return sent, recv
}

func cut(s, prefix string, rest *string) bool {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		*rest = s[len(prefix):]
		return true
	}
	return false
}

// indexOf returns the index of the first trace event equal to ev, or -1.
func indexOf(trace []string, ev string) int {
	for i, e := range trace {
		if e == ev {
			return i
		}
	}
	return -1
}
