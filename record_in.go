package hush

import (
	"errors"
	"io"
	"net"
	"sync"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/handshake"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/wire"
)

// DefaultMaxHandshakeMessageSize bounds one handshake message unless
// Config.MaxHandshakeMessageSize says otherwise: large enough for real
// certificate chains, small enough that a peer cannot make us buffer much.
const DefaultMaxHandshakeMessageSize = 64 << 10

// maxWarningAlertsInRow bounds the TLS 1.2 warning alerts a peer may send
// without application data between them.
const maxWarningAlertsInRow = 16

// maxCCSInHandshake bounds the TLS 1.3 compatibility change_cipher_spec
// records: a well-behaved peer sends one.
const maxCCSInHandshake = 16

// maxEmptyRecordsInRow bounds empty application data records in a row.
const maxEmptyRecordsInRow = 32

// inHalf is the reading direction.
type inHalf struct {
	sync.Mutex
	prot    *record.Protector // nil before keys are installed
	raw     []byte            // bytes read from the network; raw[start:end] unconsumed
	start   int
	end     int
	plain   []byte // decrypted application data not yet returned by Read
	hs      *wire.Reassembler
	machine *handshake.Machine // during the handshake

	earlyDataSkipped int // server: bytes of declined 0-RTT data discarded

	// The small fields together, for a small Conn: the counters are
	// bounded by the max...InRow constants, far below 255.
	eof           bool  // close_notify received
	ccsInRow      uint8 // TLS 1.3 compatibility change_cipher_spec records received
	emptyInRow    uint8 // empty application data records since the last non-empty one
	ccsPending    bool  // a TLS 1.2 ChangeCipherSpec waits for the handshake loop
	earlyDataOver bool  // server: a record opened, so early data is over
	warningsInRow uint8 // TLS 1.2 warning alerts since the last application data

	idle *idleReader // waits for the network without a buffer (read_idle_unix.go)
}

// rawBufSize holds the largest TLS 1.2 record plus room to read ahead.
const rawBufSize = record.HeaderLen + record.MaxCiphertext12 + 4096

func (c *Conn) reassembler() *wire.Reassembler {
	in := &c.in
	if in.hs == nil {
		in.hs = wire.NewReassembler(c.config.maxHandshakeMessage())
	}
	return in.hs
}

// fill makes sure raw[start:end] holds at least n bytes.
func (c *Conn) fill(n int) error {
	in := &c.in
	if in.raw == nil {
		in.raw = make([]byte, rawBufSize)
	}
	if in.end-in.start >= n {
		return nil
	}
	if len(in.raw) < rawBufSize {
		// The bytes parkHandshakeLeftover kept: move them into a pooled
		// buffer to read the rest.
		buf := getRecordBuf()
		in.end = copy(buf, in.raw[in.start:in.end])
		in.start = 0
		in.raw = buf
	}
	if in.start > 0 && len(in.raw)-in.start < n {
		copy(in.raw, in.raw[in.start:in.end])
		in.end -= in.start
		in.start = 0
	}
	for in.end-in.start < n {
		m, err := c.conn.Read(in.raw[in.end:])
		in.end += m
		if err != nil {
			if in.end-in.start >= n {
				return nil
			}
			if errors.Is(err, io.EOF) {
				// A stream that ends without close_notify may have been
				// truncated by an attacker: never report it as a clean EOF.
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// readRecord reads and opens one record and dispatches it: application
// data lands in in.plain, handshake bytes in the reassembler, alerts and
// change_cipher_spec are handled. c.in is locked.
func (c *Conn) readRecord() error {
	in := &c.in
	if err := c.fill(record.HeaderLen); err != nil {
		return c.readErr(err)
	}
	hdr := record.ParseHeader(in.raw[in.start:])
	limit := record.MaxPlaintext
	if in.prot != nil {
		limit = record.MaxCiphertext13
		if in.prot.Version() == wire.VersionTLS12 {
			limit = record.MaxCiphertext12
		}
	}
	switch hdr.Type {
	case record.TypeChangeCipherSpec, record.TypeAlert, record.TypeHandshake, record.TypeApplicationData:
	default:
		// RFC 8446, Section 5: "If a TLS implementation receives an
		// unexpected record type, it MUST terminate the connection with an
		// "unexpected_message" alert."
		return c.fatal(alert.New(alert.UnexpectedMessage, "unknown record type %d", hdr.Type))
	}
	if hdr.Version>>8 != 3 {
		return c.fatal(alert.New(alert.DecodeError, "record version %#04x is not TLS", hdr.Version))
	}
	// RFC 8446, Section 5.2: "If a TLSCiphertext ... has a length greater
	// than 2^14 + 256 octets, the receiving endpoint MUST terminate the
	// connection with a "record_overflow" alert."
	if hdr.Length > limit {
		return c.fatal(alert.New(alert.RecordOverflow, "record of %d bytes exceeds %d", hdr.Length, limit))
	}
	if err := c.fill(record.HeaderLen + hdr.Length); err != nil {
		return c.readErr(err)
	}
	rec := in.raw[in.start : in.start+record.HeaderLen+hdr.Length]
	in.start += len(rec)
	if in.start == in.end {
		in.start, in.end = 0, 0
	}

	typ, payload := hdr.Type, rec[record.HeaderLen:]
	vers := c.version()
	tls13 := vers != wire.VersionTLS12
	if typ == record.TypeChangeCipherSpec {
		if tls13 {
			return c.handleCCS13(payload)
		}
		return c.handleCCS12(payload)
	}
	skipping := c.skippingEarlyData(typ, len(rec))
	if skipping && in.prot == nil {
		return nil // after a HelloRetryRequest: every encrypted record is early data
	}
	if in.prot != nil {
		if tls13 && typ != record.TypeApplicationData {
			// RFC 8446, Section 5.2: protected records all carry the
			// outer type application_data.
			return c.fatal(alert.New(alert.UnexpectedMessage, "unprotected record of type %d after keys are in use", typ))
		}
		var err error
		typ, payload, err = in.prot.Open(rec)
		if err != nil {
			if skipping {
				return nil // early data under a key we never derived
			}
			return c.fatal(err)
		}
		in.earlyDataOver = true
	}
	switch typ {
	case record.TypeApplicationData:
		if !c.handshakeDone.Load() || in.machine != nil {
			return c.fatal(alert.New(alert.UnexpectedMessage, "application data before the handshake completed"))
		}
		if in.hs != nil && in.hs.Buffered() != 0 {
			return c.fatal(alert.New(alert.UnexpectedMessage, "application data inside a fragmented handshake message"))
		}
		// Empty records are allowed (traffic analysis countermeasures) but
		// a run of them is bounded: a peer must not keep Read spinning.
		if len(payload) == 0 {
			in.emptyInRow++
			if in.emptyInRow > maxEmptyRecordsInRow {
				return c.fatal(alert.New(alert.UnexpectedMessage, "more than %d empty records in a row", maxEmptyRecordsInRow))
			}
		} else {
			in.emptyInRow = 0
		}
		in.plain = payload
		in.warningsInRow = 0
		return nil
	case record.TypeHandshake:
		// RFC 8446, Section 5.1: "Implementations MUST NOT send
		// zero-length fragments of Handshake types".
		if len(payload) == 0 {
			return c.fatal(alert.New(alert.UnexpectedMessage, "empty handshake record"))
		}
		if err := c.reassembler().Write(payload); err != nil {
			return c.fatal(err)
		}
		return nil
	case record.TypeAlert:
		return c.handleAlert(payload)
	case record.TypeChangeCipherSpec:
		// RFC 8446, Section 5: "An implementation ... which receives a
		// protected change_cipher_spec record MUST abort the handshake with
		// an "unexpected_message" alert."
		return c.fatal(alert.New(alert.UnexpectedMessage, "protected change_cipher_spec record"))
	}
	return c.fatal(alert.New(alert.UnexpectedMessage, "unknown inner content type %d", typ))
}

// readErr turns a network error while reading into the right result: a
// timeout stays retryable, anything else is fatal.
func (c *Conn) readErr(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return err
	}
	return c.fatal(err)
}

// handleCCS13 applies RFC 8446, Section 5: "An implementation may receive an
// unencrypted record of type change_cipher_spec consisting of the single
// byte value 0x01 at any time after the first ClientHello message has been
// sent or received and before the peer's Finished message has been received
// and MUST simply drop it without further processing."
func (c *Conn) handleCCS13(payload []byte) error {
	m := c.in.machine
	if m == nil || !m.MiddleboxCompat() || (!c.isClient && m.StateName() == "serverWaitClientHello") {
		return c.fatal(alert.New(alert.UnexpectedMessage, "change_cipher_spec outside the TLS 1.3 handshake"))
	}
	if len(payload) != 1 || payload[0] != 1 {
		return c.fatal(alert.New(alert.UnexpectedMessage, "malformed change_cipher_spec"))
	}
	// RFC 8446, Section 5.1: when a handshake message is fragmented, no
	// other record may come between its fragments.
	if c.in.hs != nil && c.in.hs.Buffered() != 0 {
		return c.fatal(alert.New(alert.UnexpectedMessage, "change_cipher_spec inside a fragmented handshake message"))
	}
	c.in.ccsInRow++
	if c.in.ccsInRow > maxCCSInHandshake {
		return c.fatal(alert.New(alert.UnexpectedMessage, "more than %d change_cipher_spec records", maxCCSInHandshake))
	}
	c.traceMessage("ChangeCipherSpec", 1, false, m.Version())
	return nil
}

// maxEarlyDataSkipped bounds the 0-RTT data a server discards: hush
// issues no ticket that allows early data, so an honest client sends none,
// but one with a ticket from elsewhere may try.
const maxEarlyDataSkipped = 1 << 16

// skippingEarlyData reports whether a record of type typ is early data the
// server must skip, and counts it. RFC 8446, Section 4.2.10: a server that
// declines 0-RTT "skips past early data by attempting to deprotect
// received records using the handshake traffic key, discarding records
// which fail deprotection (up to the configured max_early_data_size)";
// after a HelloRetryRequest it skips "all records with an external content
// type of "application_data"". c.in is locked.
func (c *Conn) skippingEarlyData(typ uint8, n int) bool {
	in := &c.in
	if c.isClient || in.earlyDataOver || in.machine == nil || !in.machine.EarlyDataOffered() || typ != record.TypeApplicationData {
		return false
	}
	in.earlyDataSkipped += n
	return in.earlyDataSkipped <= maxEarlyDataSkipped
}

// version returns the negotiated version, or 0 before it is known. c.in is
// locked.
func (c *Conn) version() uint16 {
	if c.in.machine != nil {
		return c.in.machine.Version()
	}
	if c.handshakeDone.Load() {
		return c.est.version
	}
	return 0
}

// handleCCS12 accepts the TLS 1.2 ChangeCipherSpec (RFC 5246, Section 7.1)
// where the handshake expects it; the handshake loop applies it.
func (c *Conn) handleCCS12(payload []byte) error {
	in := &c.in
	if in.machine == nil || in.prot != nil {
		return c.fatal(alert.New(alert.UnexpectedMessage, "unexpected change_cipher_spec"))
	}
	if len(payload) != 1 || payload[0] != 1 {
		return c.fatal(alert.New(alert.DecodeError, "malformed change_cipher_spec"))
	}
	// The keys change here: no handshake message may straddle it.
	if in.hs != nil && in.hs.Buffered() != 0 {
		return c.fatal(alert.New(alert.UnexpectedMessage, "change_cipher_spec inside a handshake message"))
	}
	in.ccsPending = true
	return nil
}

// handleAlert processes a received alert record.
func (c *Conn) handleAlert(payload []byte) error {
	if len(payload) != 2 {
		return c.fatal(alert.New(alert.DecodeError, "alert record of %d bytes", len(payload)))
	}
	level, code := payload[0], alert.Alert(payload[1])
	if level != alert.LevelWarning && level != alert.LevelFatal {
		return c.fatal(alert.New(alert.IllegalParameter, "alert with level %d", level))
	}
	if code == alert.CloseNotify {
		c.in.eof = true
		return io.EOF
	}
	// RFC 5246, Section 7.2: warning alerts let the connection go on. TLS
	// 1.2 peers send them (no_renegotiation, user_canceled); a run of them
	// without data is bounded so a peer cannot keep us busy forever.
	// Before the version is known the peer may be speaking TLS 1.2 (a
	// server's unrecognized_name warning comes with its ServerHello); an
	// alert code nobody defines is an error either way.
	if v := c.version(); level == alert.LevelWarning && (v == wire.VersionTLS12 || v == 0 && code.Known()) {
		c.in.warningsInRow++
		if c.in.warningsInRow > maxWarningAlertsInRow {
			return c.fatal(alert.New(alert.UnexpectedMessage, "more than %d warning alerts in a row", maxWarningAlertsInRow))
		}
		return nil
	}
	// RFC 8446, Section 6: "All alerts listed in Section 6.2 MUST be sent
	// with AlertLevel=fatal and MUST be treated as error alerts when
	// received regardless of the AlertLevel in the message." user_canceled
	// is the one closure alert besides close_notify; it is followed by
	// close_notify, so it is dropped here.
	if code == alert.UserCanceled && level == alert.LevelWarning {
		return nil
	}
	err := &AlertError{Alert: Alert(code), Received: true}
	return c.setErr(err)
}

// readHandshake returns the next complete handshake message during the
// handshake, or ccs true when a TLS 1.2 ChangeCipherSpec arrived.
func (c *Conn) readHandshake() (msg []byte, ccs bool, err error) {
	c.in.Lock()
	defer c.in.Unlock()
	for {
		if err := c.stickyErr(); err != nil {
			return nil, false, err
		}
		if msg, ok := c.reassembler().Next(); ok {
			return msg, false, nil
		}
		if c.in.ccsPending {
			c.in.ccsPending = false
			return nil, true, nil
		}
		if err := c.readRecord(); err != nil {
			if err == io.EOF {
				return nil, false, c.fatal(io.ErrUnexpectedEOF)
			}
			return nil, false, err
		}
	}
}

// Read reads application data, running the handshake first if needed. It
// returns io.EOF once the peer has sent close_notify, and
// io.ErrUnexpectedEOF when the stream ends without one.
func (c *Conn) Read(b []byte) (int, error) {
	if err := c.Handshake(); err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	c.in.Lock()
	defer c.in.Unlock()
	// Nothing left in flight: the read buffer goes back to the pool.
	defer c.releaseReadBuf()
	n := 0
	for n == 0 {
		if len(c.in.plain) > 0 {
			n = copy(b, c.in.plain)
			c.in.plain = c.in.plain[n:]
			break
		}
		if c.in.eof {
			return 0, io.EOF
		}
		if err := c.stickyErr(); err != nil {
			return 0, err
		}
		m, err := c.readInto(b)
		if err != nil {
			return 0, err
		}
		n = m
	}
	// Fill the rest of b from records already buffered, without blocking.
	for n < len(b) && len(c.in.plain) == 0 && c.bufferedRecord() {
		m, err := c.readInto(b[n:])
		if err != nil {
			break // reported by the next Read
		}
		n += m
		m = copy(b[n:], c.in.plain)
		c.in.plain = c.in.plain[m:]
		n += m
	}
	return n, nil
}

// bufferedRecord reports whether a complete application data record is
// already in the raw buffer.
func (c *Conn) bufferedRecord() bool {
	in := &c.in
	if in.end-in.start < record.HeaderLen {
		return false
	}
	hdr := record.ParseHeader(in.raw[in.start:])
	return hdr.Type == record.TypeApplicationData && in.end-in.start >= record.HeaderLen+hdr.Length
}
