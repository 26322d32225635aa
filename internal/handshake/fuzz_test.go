package handshake

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// The fuzz input is a configuration byte followed by messages, each
// encoded as a type byte, a 16-bit big-endian body length and the body (the
// machine gets the type, a 24-bit length and the body, as the reassembler
// hands it over); the type byte 0xff stands for a TLS 1.2
// change_cipher_spec and has no length or body. A truncated last message
// is delivered with what there is.
const (
	fuzzCCS         = 0xff
	fuzzMaxMessages = 32
)

// encodeFuzz builds a fuzz input from a configuration and the messages one
// side received in a recorded handshake.
func encodeFuzz(config byte, msgs []delivery) []byte {
	out := []byte{config}
	for _, d := range msgs {
		if d.ccs {
			out = append(out, fuzzCCS)
			continue
		}
		body := d.msg[wire.HeaderLen:]
		out = append(out, d.msg[0])
		out = binary.BigEndian.AppendUint16(out, uint16(len(body)))
		out = append(out, body...)
	}
	return out
}

// decodeFuzz splits a fuzz input into its configuration and messages; a nil
// message is a change_cipher_spec.
func decodeFuzz(data []byte) (config byte, msgs [][]byte) {
	if len(data) == 0 {
		return 0, nil
	}
	config, data = data[0], data[1:]
	for len(data) > 0 && len(msgs) < fuzzMaxMessages {
		typ := data[0]
		data = data[1:]
		if typ == fuzzCCS {
			msgs = append(msgs, nil)
			continue
		}
		n := 0
		if len(data) >= 2 {
			n = int(binary.BigEndian.Uint16(data))
			data = data[2:]
		} else {
			data = nil
		}
		n = min(n, len(data))
		msg := []byte{typ, 0, byte(n >> 8), byte(n)}
		msgs = append(msgs, append(msg, data[:n]...))
		data = data[n:]
	}
	return config, msgs
}

// fuzzRand is a fixed random stream, so a recorded peer flight matches a
// fresh machine's random and session ID and the fuzzer starts deep in the
// handshake.
func fuzzRand() *rand.ChaCha8 { return rand.NewChaCha8([32]byte{'h', 'u', 's', 'h'}) }

type fuzzChains struct {
	ecdsa, rsa, client *testutil.Chain
	// session, when set, is offered by the fuzzed client of configuration
	// 0 (TLS 1.3) and 1 (TLS 1.2).
	session13, session12 *SessionState
}

func newFuzzChains(tb testing.TB) fuzzChains {
	return fuzzChains{
		ecdsa:  testutil.NewChain(tb, testutil.ECDSAP256),
		rsa:    testutil.NewChain(tb, testutil.RSA2048),
		client: testutil.NewChain(tb, testutil.ECDSAP256, "client.example"),
	}
}

const fuzzConfigs = 3

// fuzzClientParams returns the fuzzed client's configuration number config
// (modulo fuzzConfigs) and a server that completes a handshake with it.
func fuzzClientParams(ch fuzzChains, config byte) (cp, sp *Params) {
	switch config % fuzzConfigs {
	case 0: // TLS 1.3 with client authentication and ALPN
		cp, sp = baseParams(ch.ecdsa)
		withClientCert(cp, sp, ch.client)
		cp.NextProtos = []string{"h2", "http/1.1"}
		sp.NextProtos = []string{"h2"}
		withTickets(cp, sp)
		cp.Session = ch.session13
	case 1: // TLS 1.2 only, static RSA
		cp, sp = baseParams(ch.rsa)
		cp.MaxVersion = wire.VersionTLS12
		cp.EnableRSAKex, sp.EnableRSAKex = true, true
		cp.CipherSuites = []uint16{suites.TLS_RSA_WITH_AES_128_GCM_SHA256, suites.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
		sp.CipherSuites = []uint16{suites.TLS_RSA_WITH_AES_128_GCM_SHA256}
		// The client could answer a CertificateRequest, but the recorded
		// server sends none: a signature would make the flight random.
		cp.Certificates = []*Certificate{certOf(ch.client)}
		withTickets(cp, sp)
		cp.Session = ch.session12
	default: // TLS 1.3 with a HelloRetryRequest
		cp, sp = baseParams(ch.ecdsa)
		cp.CurvePreferences = []uint16{kex.X25519, kex.P256}
		sp.CurvePreferences = []uint16{kex.P256}
	}
	cp.Rand, sp.Rand = fuzzRand(), fuzzRand()
	return cp, sp
}

// fuzzServerParams returns the fuzzed server's configuration number config
// and a client that completes a handshake with it.
func fuzzServerParams(ch fuzzChains, config byte) (cp, sp *Params) {
	switch config % fuzzConfigs {
	case 0: // both versions, client authentication required
		cp, sp = baseParams(ch.ecdsa)
		withClientCert(cp, sp, ch.client)
		sp.NextProtos = []string{"http/1.1", "h2"}
		cp.NextProtos = []string{"h2"}
		withTickets(cp, sp)
	case 1: // static RSA allowed, the client offers only TLS 1.2
		cp, sp = baseParams(ch.rsa)
		cp.MaxVersion = wire.VersionTLS12
		cp.EnableRSAKex, sp.EnableRSAKex = true, true
		cp.CipherSuites = []uint16{suites.TLS_RSA_WITH_AES_256_GCM_SHA384}
		withTickets(cp, sp)
	default: // HelloRetryRequest, optional client certificate
		cp, sp = baseParams(ch.ecdsa)
		cp.CurvePreferences = []uint16{kex.X25519, kex.P256}
		sp.CurvePreferences = []uint16{kex.P256}
		sp.ClientAuth = VerifyClientCertIfGiven
		sp.ClientCAs = ch.client.RootPool
	}
	cp.Rand, sp.Rand = fuzzRand(), fuzzRand()
	return cp, sp
}

// received records a clean handshake and returns what side received.
func received(tb testing.TB, cp, sp *Params, side string) []delivery {
	msgs, _ := recordRun(tb, cp, sp, side)
	return msgs
}

// recordRun is received, and also returns the run.
func recordRun(tb testing.TB, cp, sp *Params, side string) ([]delivery, *run) {
	var rec recorder
	r := drive(tb, cp, sp, &tamper{target: "none", observe: rec.observe})
	if r.fail != nil || !r.done() {
		tb.Fatalf("recording a handshake: %v", r.fail)
	}
	var out []delivery
	for _, d := range rec.got {
		if d.from != side && !(r.done() && slicesContainsName(r.postHandshake, d.name)) {
			out = append(out, d)
		}
	}
	return out, r
}

func slicesContainsName(ds []delivery, name string) bool {
	for _, d := range ds {
		if d.name == name {
			return true
		}
	}
	return false
}

// withSessions runs a handshake of each resumable configuration and keeps
// the client's session, so the fuzzed machines also see resumptions.
func withSessions(tb testing.TB, ch fuzzChains) fuzzChains {
	cp, sp := fuzzClientParams(ch, 0)
	_, r := recordRun(tb, cp, sp, client)
	ch.session13 = sessionFromRun(tb, r)
	cp, sp = fuzzClientParams(ch, 1)
	_, r = recordRun(tb, cp, sp, client)
	ch.session12 = sessionFromRun(tb, r)
	return ch
}

type recorder struct{ got []delivery }

func (r *recorder) observe(d delivery) { r.got = append(r.got, d) }

// fuzzProbe is a well-formed message offered to a machine after it failed.
var fuzzProbe = (&wire.Finished{VerifyData: make([]byte, 32)}).Marshal()

// feed delivers msgs to m and checks what the machine may do with peer
// input: return an error that carries an alert and a "hush: " message, or
// complete with a usable result; never panic.
func feed(t *testing.T, m *Machine, msgs [][]byte) {
	for _, msg := range msgs {
		var err error
		if msg == nil {
			_, err = m.HandleCCS()
		} else {
			_, err = m.Handle(msg)
		}
		if err != nil {
			if _, ok := alert.Of(err); !ok {
				t.Fatalf("error without an alert: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "hush: ") {
				t.Fatalf("error %q does not begin with \"hush: \"", err)
			}
			if _, err := m.Handle(fuzzProbe); err == nil {
				t.Fatal("a failed machine accepted another message")
			}
			return
		}
		if m.Done() {
			res := m.Result()
			if res.Suite == nil || res.Version == 0 || len(res.ClientRandom) != 32 || len(res.ServerRandom) != 32 {
				t.Fatalf("completed with an incomplete result: %+v", res)
			}
		}
	}
}

func FuzzClientMachine(f *testing.F) {
	plain := newFuzzChains(f)
	chains := withSessions(f, plain)
	for _, ch := range []fuzzChains{plain, chains} {
		for config := range byte(fuzzConfigs) {
			cp, sp := fuzzClientParams(ch, config)
			msgs := received(f, cp, sp, client)
			f.Add(encodeFuzz(config, msgs))
			for i := range msgs {
				f.Add(encodeFuzz(config, msgs[:i])) // every prefix of the flight
			}
		}
	}
	f.Add([]byte{0, byte(wire.TypeServerHello), 0, 0})
	f.Add([]byte{1, fuzzCCS, fuzzCCS})
	f.Fuzz(func(t *testing.T, data []byte) {
		config, msgs := decodeFuzz(data)
		cp, _ := fuzzClientParams(chains, config)
		m, _, err := NewClient(cp)
		if err != nil {
			t.Fatalf("NewClient: %v", err)
		}
		feed(t, m, msgs)
	})
}

func FuzzServerMachine(f *testing.F) {
	chains := newFuzzChains(f)
	for config := range byte(fuzzConfigs) {
		cp, sp := fuzzServerParams(chains, config)
		msgs, r := recordRun(f, cp, sp, server)
		f.Add(encodeFuzz(config, msgs))
		for i := range msgs {
			f.Add(encodeFuzz(config, msgs[:i]))
		}
		if config == 2 {
			continue // no tickets
		}
		// A resumption: the ClientHello carries the ticket.
		cp2, sp2 := fuzzServerParams(chains, config)
		cp2.Session = sessionFromRun(f, r)
		f.Add(encodeFuzz(config, received(f, cp2, sp2, server)))
	}
	f.Add([]byte{0, byte(wire.TypeClientHello), 0, 0})
	f.Add([]byte{2, fuzzCCS})
	f.Fuzz(func(t *testing.T, data []byte) {
		config, msgs := decodeFuzz(data)
		_, sp := fuzzServerParams(chains, config)
		feed(t, NewServer(sp), msgs)
	})
}

// TestFuzzSeedsGoDeep checks that the recorded seeds take a fresh machine
// past the first message (the fixed random stream makes the peer's flight
// fit), and all the way for a static-RSA server, whose handshake draws no
// randomness outside the stream.
func TestFuzzSeedsGoDeep(t *testing.T) {
	chains := newFuzzChains(t)
	for config := range byte(fuzzConfigs) {
		for _, side := range []string{client, server} {
			params := fuzzClientParams
			if side == server {
				params = fuzzServerParams
			}
			cp, sp := params(chains, config)
			msgs := received(t, cp, sp, side)
			_, decoded := decodeFuzz(encodeFuzz(config, msgs))
			cp, sp = params(chains, config)
			var m *Machine
			if side == client {
				var err error
				if m, _, err = NewClient(cp); err != nil {
					t.Fatal(err)
				}
			} else {
				m = NewServer(sp)
			}
			var failedAt string
			for i, msg := range decoded {
				state := m.StateName()
				var err error
				if msg == nil {
					_, err = m.HandleCCS()
				} else {
					_, err = m.Handle(msg)
				}
				if err != nil {
					failedAt = state
					if i < 2 {
						t.Errorf("%s config %d: replay fails already at message %d in %s: %v", side, config, i, state, err)
					}
					break
				}
			}
			t.Logf("%s config %d: replay of %d messages ends in %q (failed in %q)", side, config, len(decoded), m.StateName(), failedAt)
			// The server side of static RSA has no randomness outside the
			// stream; the client's PKCS #1 padding comes from crypto/rand.
			if config == 1 && side == server && !m.Done() {
				t.Errorf("%s config %d: static-RSA replay does not complete", side, config)
			}
		}
	}
}
