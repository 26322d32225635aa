package hush

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/handshake"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/wire"
)

// Conn is a TLS connection over a net.Conn. It is a net.Conn itself: one
// goroutine may Read while another Writes, deadlines apply to the handshake
// and afterwards, and after a fatal error every call returns that error.
//
// Conn is the only layer that does I/O, holds locks, applies deadlines and
// sends alerts. Locks are taken in the order handshakeMu, in, out.
type Conn struct {
	conn   net.Conn
	config *Config

	in  inHalf
	out outHalf

	handshakeMu  sync.Mutex
	handshakeErr error
	err          atomic.Pointer[error] // sticky fatal error, set once (setErr)

	writeDeadline atomic.Int64 // unix nanoseconds of the user's write deadline, 0 when none
	readDeadline  atomic.Int64 // likewise for reads
	handshakeDone atomic.Bool
	closed        atomic.Bool
	isClient      bool

	keyUpdatesInRow       uint8 // received without application data between them; c.in locked
	renegotiationsRefused uint8 // TLS 1.2 renegotiation attempts answered; c.in locked

	// est is what the handshake established, set before handshakeDone.
	// It is all that an established connection keeps of its handshake.
	est established
}

// Client returns a client-side TLS connection over conn. The handshake runs
// on the first Read or Write, or on Handshake.
func Client(conn net.Conn, config *Config) *Conn {
	return &Conn{conn: conn, isClient: true, config: orDefault(config)}
}

// Server returns a server-side TLS connection over conn. config must hold a
// certificate or GetCertificate.
func Server(conn net.Conn, config *Config) *Conn {
	return &Conn{conn: conn, config: orDefault(config)}
}

func orDefault(c *Config) *Config {
	if c == nil {
		return &Config{}
	}
	return c
}

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// LocalAddr returns the local network address.
func (c *Conn) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// RemoteAddr returns the remote network address.
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines.
func (c *Conn) SetDeadline(t time.Time) error {
	c.storeWriteDeadline(t)
	c.readDeadline.Store(toNanos(t))
	return c.conn.SetDeadline(t)
}

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.readDeadline.Store(toNanos(t))
	return c.conn.SetReadDeadline(t)
}

// SetWriteDeadline sets the write deadline. A Write that times out leaves
// the stream in an unknown state, so it is fatal for the connection.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.storeWriteDeadline(t)
	return c.conn.SetWriteDeadline(t)
}

func (c *Conn) storeWriteDeadline(t time.Time) { c.writeDeadline.Store(toNanos(t)) }

func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// earliest returns the sooner of t and the deadline n (0 = none).
func earliest(t time.Time, n int64) time.Time {
	if n != 0 && n < t.UnixNano() {
		return time.Unix(0, n)
	}
	return t
}

// Handshake runs the handshake if it has not run yet. Most programs need
// not call it: the first Read or Write does.
func (c *Conn) Handshake() error {
	return c.HandshakeContext(context.Background())
}

// HandshakeContext is Handshake bounded by ctx: when ctx is done before the
// handshake completes, the connection is closed and ctx's error returned.
func (c *Conn) HandshakeContext(ctx context.Context) (err error) {
	if c.handshakeDone.Load() {
		return nil
	}
	if ctx.Done() != nil {
		done := make(chan struct{})
		interrupted := make(chan error, 1)
		go func() {
			select {
			case <-ctx.Done():
				_ = c.conn.Close()
				interrupted <- ctx.Err()
			case <-done:
				interrupted <- nil
			}
		}()
		defer func() {
			close(done)
			if ctxErr := <-interrupted; ctxErr != nil && err != nil {
				err = ctxErr
				// Later calls report the cancellation too, not the closed
				// connection it caused.
				c.handshakeMu.Lock()
				if !c.handshakeDone.Load() {
					c.handshakeErr = ctxErr
				}
				c.handshakeMu.Unlock()
			}
		}()
	}
	c.handshakeMu.Lock()
	defer c.handshakeMu.Unlock()
	if c.handshakeDone.Load() {
		return nil
	}
	if c.handshakeErr != nil {
		return c.handshakeErr
	}
	c.handshakeErr = c.runHandshake()
	return c.handshakeErr
}

// runHandshake drives the state machine: read a message, hand it over,
// apply the actions, until the machine is done.
func (c *Conn) runHandshake() error {
	if !c.isClient && c.config.HandshakeTimeout > 0 {
		// The handshake bound applies on top of the application's own
		// deadlines: whichever comes first wins, and the application's are
		// restored afterwards.
		bound := time.Now().Add(c.config.HandshakeTimeout)
		_ = c.conn.SetReadDeadline(earliest(bound, c.readDeadline.Load()))
		_ = c.conn.SetWriteDeadline(earliest(bound, c.writeDeadline.Load()))
		defer func() {
			_ = c.conn.SetReadDeadline(fromNanos(c.readDeadline.Load()))
			_ = c.conn.SetWriteDeadline(fromNanos(c.writeDeadline.Load()))
		}()
	}
	params, err := c.handshakeParams(c.config)
	if err != nil {
		return c.fatal(alert.Wrap(alert.InternalError, err))
	}
	if get := c.config.GetConfigForClient; get != nil && !c.isClient {
		params.GetConfigForClient = c.configForClient(get, params)
	}
	c.takeHandshakeBufs()
	defer c.releaseHandshakeBufs()
	var trace []HandshakeMessage // sent, not yet flushed, for OnHandshakeMessage
	var offered *ClientSessionState
	if c.isClient && c.config.ClientSessionCache != nil {
		if cs, ok := c.config.ClientSessionCache.Get(c.sessionKey()); ok && cs != nil {
			offered, params.Session = cs, cs.state
		}
	}
	var m *handshake.Machine
	if c.isClient {
		var actions []handshake.Action
		m, actions, err = handshake.NewClient(params)
		if err != nil {
			return c.fatal(err)
		}
		c.setMachine(m)
		if err := c.apply(m, actions, &trace); err != nil {
			return err
		}
	} else {
		m = handshake.NewServer(params)
		c.setMachine(m)
	}
	for !m.Done() {
		msg, ccs, err := c.readHandshake()
		if err != nil {
			return err
		}
		var actions []handshake.Action
		if ccs {
			c.traceMessage("ChangeCipherSpec", 1, false, m.Version())
			actions, err = m.HandleCCS()
		} else {
			c.traceMessage(messageName(msg), len(msg), false, m.Version())
			actions, err = m.Handle(msg)
		}
		if err != nil {
			return c.fatal(err)
		}
		// RFC 8446, Section 5.1: a key change must fall on a record
		// boundary. Checked before any action is applied, so nothing the
		// machine queued (its Finished, say) goes out ahead of the alert.
		if err := c.checkKeyChangeAlignment(actions); err != nil {
			return c.fatal(err)
		}
		if err := c.checkFlightBoundary(m, actions); err != nil {
			return c.fatal(err)
		}
		if err := c.apply(m, actions, &trace); err != nil {
			return err
		}
	}
	// Only what the connection needs from now on is kept, so the machine
	// (settings, transcript, last messages) can be collected: that
	// matters for idle connections.
	r := m.Result()
	cache := c.config.ClientSessionCache
	c.est = summarize(r, true, c.isClient && cache != nil)
	c.setMachine(nil)
	if c.isClient && cache != nil {
		switch {
		case r.NewSession != nil:
			cache.Put(c.sessionKey(), &ClientSessionState{state: r.NewSession})
		case offered != nil && !r.DidResume && r.Version == offered.state.Version:
			// The server would not resume it: it is of no further use.
			cache.Put(c.sessionKey(), nil)
		}
	}
	c.handshakeDone.Store(true)
	return nil
}

// checkFlightBoundary fails when the machine is about to send a flight
// that the peer must see before it answers, yet handshake bytes from the
// peer are already buffered: they were sent before our flight, which the
// protocol never allows (RFC 8446, Section 5.1 for key changes; a
// ClientHello or a HelloRetryRequest must end its record likewise).
// Checked before any action applies, so nothing of the flight goes out
// ahead of the alert.
func (c *Conn) checkFlightBoundary(m *handshake.Machine, actions []handshake.Action) error {
	if m.Done() || !slices.ContainsFunc(actions, func(a handshake.Action) bool { return a.Kind == handshake.ActFlush }) {
		return nil
	}
	c.in.Lock()
	defer c.in.Unlock()
	if c.in.hs != nil && c.in.hs.Buffered() != 0 {
		return alert.New(alert.UnexpectedMessage, "handshake data received ahead of our flight")
	}
	return nil
}

// configForClient adapts a server's GetConfigForClient for the handshake
// machine, whose parameters so far are base. The chosen Config becomes the
// connection's: the rest of the handshake and of the connection (key log,
// message trace, tickets) follows it. Nothing else reads c.config while
// the handshake runs: Read and Write wait for it.
func (c *Conn) configForClient(get func(*ClientHelloInfo) (*Config, error), base *handshake.Params) func(*handshake.HelloInfo) (*handshake.Params, error) {
	return func(hi *handshake.HelloInfo) (*handshake.Params, error) {
		cfg, err := get(clientHelloInfo(hi))
		if err != nil || cfg == nil {
			return nil, chosenAlert(err)
		}
		p, err := c.handshakeParams(cfg)
		if err != nil {
			return nil, alert.Wrap(alert.InternalError, err)
		}
		// A Config chosen for one client that has no ticket keys of its
		// own seals and opens tickets with the listener Config's
		// automatic keys (as crypto/tls does), so that returning a new
		// Config per connection does not defeat resumption.
		if p.SealTicket != nil && base.SealTicket != nil && !cfg.hasOwnTicketKeys() {
			p.SealTicket, p.OpenTicket = base.SealTicket, base.OpenTicket
		}
		c.config = cfg
		return p, nil
	}
}

// handshakeParams translates cfg for the handshake machine, with its
// VerifyConnection hook.
func (c *Conn) handshakeParams(cfg *Config) (*handshake.Params, error) {
	params, err := cfg.params(c.isClient)
	if err != nil {
		return nil, err
	}
	if verify := cfg.VerifyConnection; verify != nil {
		params.VerifyConnection = func(r *handshake.Result) error {
			e := summarize(r, false, false)
			return chosenAlert(verify(e.state(false)))
		}
	}
	return params, nil
}

// sessionKey names this connection's server in the client session cache.
func (c *Conn) sessionKey() string {
	if c.config.ServerName != "" {
		return c.config.ServerName
	}
	return c.conn.RemoteAddr().String()
}

// checkKeyChangeAlignment fails when actions install new read keys while
// handshake bytes received under the old keys are still unconsumed.
func (c *Conn) checkKeyChangeAlignment(actions []handshake.Action) error {
	for _, a := range actions {
		if a.Kind != handshake.ActReadKeys {
			continue
		}
		c.in.Lock()
		buffered := c.in.hs != nil && c.in.hs.Buffered() != 0
		c.in.Unlock()
		if buffered {
			return alert.New(alert.UnexpectedMessage, "handshake message spans a key change")
		}
	}
	return nil
}

func (c *Conn) setMachine(m *handshake.Machine) {
	c.in.Lock()
	c.in.machine = m
	c.in.Unlock()
}

// apply carries out the machine's actions in order.
// Sent messages are traced when their flight is flushed; trace collects
// them until then.
func (c *Conn) apply(m *handshake.Machine, actions []handshake.Action, trace *[]HandshakeMessage) error {
	for _, a := range actions {
		var err error
		switch a.Kind {
		case handshake.ActSend:
			c.queueTrace(trace, messageName(a.Data), len(a.Data), m.Version())
			c.out.Lock()
			c.out.hsPending = append(c.out.hsPending, a.Data...)
			c.out.Unlock()
		case handshake.ActSendCCS:
			c.queueTrace(trace, "ChangeCipherSpec", 1, m.Version())
			c.out.Lock()
			c.out.packHandshake()
			c.out.buf = record.AppendHeader(c.out.buf, record.TypeChangeCipherSpec, wire.VersionTLS12, 1)
			c.out.buf = append(c.out.buf, 1)
			c.out.Unlock()
		case handshake.ActFlush:
			c.out.Lock()
			err = c.flushLocked()
			c.out.Unlock()
			c.emitTraces(trace)
		case handshake.ActWriteKeys:
			c.out.Lock()
			c.out.packHandshake()
			c.out.prot = a.Keys
			c.out.Unlock()
		case handshake.ActReadKeys:
			c.in.Lock()
			// RFC 8446, Section 5.1: "Handshake messages MUST NOT span key
			// changes. Implementations MUST verify that all messages
			// immediately preceding a key change align with a record
			// boundary; if not, then they MUST terminate the connection
			// with an "unexpected_message" alert."
			if c.in.hs.Buffered() != 0 {
				err = alert.New(alert.UnexpectedMessage, "handshake message spans a key change")
			}
			c.in.prot = a.Keys
			c.in.Unlock()
			if err != nil {
				return c.fatal(err)
			}
		case handshake.ActKeyLog:
			c.writeKeyLog(m.ClientRandom(), a.Label, a.Data)
		}
		if err != nil {
			return c.fatal(err)
		}
	}
	return nil
}

func (c *Conn) writeKeyLog(clientRandom []byte, label string, secret []byte) {
	w := c.config.KeyLogWriter
	if w == nil {
		return
	}
	line := make([]byte, 0, len(label)+2+2*len(clientRandom)+2*len(secret)+1)
	line = append(line, label...)
	line = append(line, ' ')
	line = appendHex(line, clientRandom)
	line = append(line, ' ')
	line = appendHex(line, secret)
	line = append(line, '\n')
	keyLogMu.Lock()
	_, _ = w.Write(line)
	keyLogMu.Unlock()
}

func appendHex(dst, b []byte) []byte {
	const digits = "0123456789abcdef"
	for _, v := range b {
		dst = append(dst, digits[v>>4], digits[v&15])
	}
	return dst
}

// stickyErr returns the connection's fatal error, if any.
func (c *Conn) stickyErr() error {
	if p := c.err.Load(); p != nil {
		return *p
	}
	return nil
}

// setErr makes err the connection's sticky error unless it has one
// already, and returns the sticky error.
func (c *Conn) setErr(err error) error {
	if c.err.CompareAndSwap(nil, &err) {
		return err
	}
	return *c.err.Load()
}

// fatal is the one place that turns an error into an alert on the wire: it
// sends the alert the error carries (internal_error when it carries none),
// once, and makes the error sticky. Network errors send nothing.
func (c *Conn) fatal(err error) error {
	if sticky := c.stickyErr(); sticky != nil {
		return sticky
	}
	// No alert goes out for an alert the peer sent, or for a transport
	// failure (the connection is gone). An error tagged with an alert is
	// a local decision and is always sent, even when it wraps a network
	// error (a VerifyConnection that fetched OCSP and timed out) or an
	// *AlertError a callback returned to choose the alert.
	var ae *AlertError
	var ne net.Error
	a, tagged := alert.Of(err)
	if !tagged && (errors.As(err, &ae) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &ne)) {
		return c.setErr(err)
	}
	if !tagged {
		a = alert.InternalError
	}
	var sticky error = &AlertError{Alert: Alert(a), Err: err}
	if !c.err.CompareAndSwap(nil, &sticky) {
		return *c.err.Load() // another goroutine's error came first
	}
	c.sendAlert(a, alert.LevelFatal)
	return sticky
}

// sendAlert writes an alert record, best effort, under the current write
// protection.
func (c *Conn) sendAlert(a alert.Alert, level uint8) {
	if !c.out.TryLock() {
		// A Write is blocked on the network; the alert cannot be sent
		// without waiting for it.
		return
	}
	defer c.out.Unlock()
	c.out.packHandshake()
	c.out.sealRecord(record.TypeAlert, []byte{level, byte(a)})
	_, _ = c.conn.Write(c.out.buf)
	c.out.buf = c.out.buf[:0]
}

// flushLocked writes the pending records. c.out is locked.
func (c *Conn) flushLocked() error {
	c.out.packHandshake()
	if len(c.out.buf) == 0 {
		return nil
	}
	_, err := c.conn.Write(c.out.buf)
	c.out.buf = c.out.buf[:0]
	c.out.releaseWriteBuf()
	if err != nil {
		return err
	}
	return nil
}

// ConnectionState returns what the handshake negotiated.
func (c *Conn) ConnectionState() ConnectionState {
	c.handshakeMu.Lock()
	defer c.handshakeMu.Unlock()
	if !c.handshakeDone.Load() {
		return ConnectionState{}
	}
	return c.est.state(true)
}
