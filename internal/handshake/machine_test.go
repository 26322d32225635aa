package handshake

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/wire"
)

// Scenarios whose every state the tests below visit.
var machineScenarios = []string{
	"TLS13/default", "TLS13/HelloRetryRequest", "TLS13/ClientCert/ECDSA-P256",
	"TLS12/ECDHE-ECDSA", "TLS12/RSA", "TLS12/ClientCert/RSA-2048",
}

// visitSteps runs a clean handshake of each of machineScenarios and calls
// f with the scenario and each message delivered in it.
func visitSteps(t *testing.T, f func(sc scenario, st step)) {
	for _, sc := range scenarios(t) {
		if !containsString(machineScenarios, sc.name) {
			continue
		}
		r, _ := runScenario(t, sc, nil)
		if r.fail != nil || !r.done() {
			t.Fatalf("%s: the clean run does not complete", sc.name)
		}
		for _, st := range r.steps {
			f(sc, st)
		}
	}
}

// shortMessageBug is the library bug TestShortMessages finds.
const shortMessageBug = "Machine.Handle indexes msg[0] (expectType, client13WaitCertOrCertRequest, " +
	"client12WaitCertRequestOrDone, the WaitCCS states) without a length check, so a message shorter " +
	"than its 4-byte header panics; the reassembler never produces one, but the fix is one line at the " +
	"top of Handle: if len(msg) < wire.HeaderLen { return nil, alert.Decode(\"handshake message\") }"

// TestShortMessages hands every state of the handshakes messages shorter
// than a handshake header, and one whose header claims more body than
// there is. Each must be an error carrying decode_error (or
// unexpected_message, for a type the state does not take), never a panic.
func TestShortMessages(t *testing.T) {
	inputs := map[string][]byte{
		"empty":      {},
		"3 bytes":    {byte(wire.TypeFinished), 0, 0},
		"length lie": {byte(wire.TypeFinished), 0, 0, 40, 1, 2, 3},
	}
	var panics, others []string
	visitSteps(t, func(sc scenario, st step) {
		if strings.HasSuffix(st.msg, ccsName) {
			return
		}
		for what, in := range inputs {
			tam := tamper{target: st.msg, edit: func(testing.TB, []byte) []byte { return append([]byte(nil), in...) }}
			r, _ := runScenario(t, sc, &tam)
			where := fmt.Sprintf("%s: %s in place of %s (state %s)", sc.name, what, st.msg, st.before)
			switch {
			case r.fail == nil:
				others = append(others, where+": accepted")
			case errors.Is(r.fail.err, errPanic):
				panics = append(panics, where+": "+r.fail.err.Error())
			case r.fail.state != st.before:
				others = append(others, fmt.Sprintf("%s: failed in %s", where, r.fail.state))
			default:
				if a := r.fail.alert(); a != alert.DecodeError && a != alert.UnexpectedMessage {
					others = append(others, fmt.Sprintf("%s: %v (%v)", where, a, r.fail.err))
				}
			}
		}
	})
	for _, o := range others {
		t.Error(o)
	}
	if len(panics) > 0 {
		t.Fatalf("regression: %s\n%d panics, e.g.\n%s", shortMessageBug, len(panics), strings.Join(panics[:min(len(panics), 3)], "\n"))
	}
}

// unexpectedCCSBug is the library bug TestUnexpectedCCS finds.
const unexpectedCCSBug = "Machine.HandleCCS returns unexpected_message when the state takes no " +
	"change_cipher_spec but, unlike Handle, leaves m.state as it was, so the failed machine goes on " +
	"accepting messages; set m.state = nil on that path too"

// TestUnexpectedCCS delivers a change_cipher_spec in place of every
// handshake message of the scenarios: everywhere, also as a second one
// before a TLS 1.2 Finished, it is an unexpected_message in the state that
// was waiting; and a machine that has failed accepts nothing
// more, not even the message it was waiting for.
func TestUnexpectedCCS(t *testing.T) {
	var mu sync.Mutex
	var stillAccepting []string
	// The group returns when all its parallel rows are done.
	t.Run("rows", func(t *testing.T) {
		visitSteps(t, func(sc scenario, st step) {
			if strings.HasSuffix(st.msg, ccsName) {
				return
			}
			t.Run(sc.name+"/CCS before "+st.msg, func(t *testing.T) {
				t.Parallel()
				tam := tamper{target: st.msg, ccsBefore: true}
				r, _ := runScenario(t, sc, &tam)
				if r.fail == nil {
					t.Fatalf("a change_cipher_spec before %s was accepted", st.msg)
				}
				if r.fail.side != st.to || r.fail.state != st.before || r.fail.alert() != alert.UnexpectedMessage {
					t.Errorf("%s failed in %s with %v (%v); want %s failing in %s with unexpected_message",
						r.fail.side, r.fail.state, r.fail.alert(), r.fail.err, st.to, st.before)
				}
				if r.acceptedAfterFailure {
					mu.Lock()
					stillAccepting = append(stillAccepting, sc.name+" "+st.before)
					mu.Unlock()
				}
			})
		})
	})
	if len(stillAccepting) > 0 {
		t.Run("failed machine stays failed", func(t *testing.T) {
			t.Fatalf("regression: %s\n%d states accepted their message after failing, e.g. %s",
				unexpectedCCSBug, len(stillAccepting), stillAccepting[0])
		})
	}
}

// TestHandleAfterDone checks that completed machines reject any further
// handshake message or change_cipher_spec with unexpected_message.
func TestHandleAfterDone(t *testing.T) {
	for _, sc := range scenarios(t) {
		if !containsString(machineScenarios, sc.name) {
			continue
		}
		r, _ := runScenario(t, sc, nil)
		if !r.done() {
			t.Fatalf("%s does not complete", sc.name)
		}
		for _, m := range []*Machine{r.c.m, r.s.m} {
			if m.StateName() != "none" {
				t.Errorf("%s: a completed machine is in state %s", sc.name, m.StateName())
			}
			for _, in := range [][]byte{fuzzProbe, wire.MarshalServerHelloDone(), nil} {
				_, err := safeHandle(m, in, in == nil)
				if a, _ := alert.Of(err); a != alert.UnexpectedMessage {
					t.Errorf("%s: after the handshake, %x gives %v", sc.name, in, err)
				}
			}
			if m.MiddleboxCompat() {
				t.Errorf("%s: MiddleboxCompat after the handshake", sc.name)
			}
		}
	}
}

// TestNewClientConfigErrors checks that a client with nothing to offer
// fails at NewClient with internal_error rather than sending a ClientHello
// no server could answer.
func TestNewClientConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		p    Params
	}{
		{"no version", Params{IsClient: true, MinVersion: wire.VersionTLS13, MaxVersion: wire.VersionTLS12}},
		{"versions below TLS 1.2", Params{IsClient: true, MinVersion: 0x0301, MaxVersion: 0x0302}},
		{"no suite for the version", Params{IsClient: true, MinVersion: wire.VersionTLS13, MaxVersion: wire.VersionTLS13,
			CipherSuites: []uint16{0xc02b}}},
		{"static RSA suites only, not enabled", Params{IsClient: true, MinVersion: wire.VersionTLS12, MaxVersion: wire.VersionTLS12,
			CipherSuites: []uint16{0x009c}}},
		{"no known group", Params{IsClient: true, MinVersion: wire.VersionTLS12, MaxVersion: wire.VersionTLS13,
			CurvePreferences: []uint16{0x0100}}}, // ffdhe2048
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.p
			m, acts, err := NewClient(&p)
			if err == nil {
				t.Fatalf("NewClient succeeded (%d actions, state %s)", len(acts), m.StateName())
			}
			if a, _ := alert.Of(err); a != alert.InternalError {
				t.Errorf("error %v carries %v, want internal_error", err, a)
			}
		})
	}
}
