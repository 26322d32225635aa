package hush

import (
	"errors"
	"sync"

	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/wire"
)

// outHalf is the writing direction: protection state and the buffer that
// records are sealed into.
type outHalf struct {
	sync.Mutex
	prot      *record.Protector // nil before keys are installed
	buf       []byte            // sealed records waiting to be written
	hsPending []byte            // handshake messages waiting to be packed into records
	closed    bool              // close_notify sent
	// handshaking: the handshake runs, so records are packed into pooled
	// buffers (flushLocked gives them back) and hsPending keeps its array
	// from one flight to the next.
	handshaking bool
	// keyUpdateAnswered: a KeyUpdate went out in answer to a request and
	// no application data since (one answer covers a run of requests).
	keyUpdateAnswered bool
	keyUpdatesSent    uint32 // for tests and diagnostics
}

// writeBatch is how much plaintext one Write seals before it hands the
// records to the network in one call.
const writeBatch = 64 << 10

// sealRecord appends one record of type typ with payload to buf,
// protected when keys are installed.
func (o *outHalf) sealRecord(typ uint8, payload []byte) {
	if o.prot == nil {
		o.buf = record.AppendHeader(o.buf, typ, wire.VersionTLS12, len(payload))
		o.buf = append(o.buf, payload...)
		return
	}
	o.buf = o.prot.Seal(o.buf, typ, payload, 0)
}

// packHandshake moves pending handshake messages into records under the
// current protection, several messages per record and at most 2^14 bytes
// each (RFC 8446, Section 5.1).
func (o *outHalf) packHandshake() {
	if o.handshaking {
		o.acquireWriteBuf()
	}
	for p := o.hsPending; len(p) > 0; {
		n := min(len(p), record.MaxPlaintext)
		o.sealRecord(record.TypeHandshake, p[:n])
		p = p[n:]
	}
	if o.handshaking {
		o.hsPending = o.hsPending[:0]
	} else {
		o.hsPending = nil
	}
}

var errShutdown = errors.New("hush: write after CloseWrite or Close")

// Write writes b as application data, running the handshake first if
// needed.
func (c *Conn) Write(b []byte) (int, error) {
	if err := c.Handshake(); err != nil {
		return 0, err
	}
	c.out.Lock()
	defer c.out.Unlock()
	if err := c.stickyErr(); err != nil {
		return 0, err
	}
	if c.out.closed {
		return 0, errShutdown
	}
	// The write buffer comes from the pool and goes back once flushed.
	c.out.acquireWriteBuf()
	defer c.out.releaseWriteBuf()
	if len(b) > 0 {
		c.out.keyUpdateAnswered = false
	}
	n := 0
	for len(b) > 0 {
		batch := 0
		for len(b) > 0 && batch < writeBatch {
			if c.out.prot.Exhausted() {
				if err := c.updateWriteKeyLocked(false); err != nil {
					return n, c.fatal(err)
				}
			}
			chunk := min(len(b), record.MaxPlaintext)
			c.out.buf = c.out.prot.Seal(c.out.buf, record.TypeApplicationData, b[:chunk], 0)
			b = b[chunk:]
			batch += chunk
		}
		if _, err := c.conn.Write(c.out.buf); err != nil {
			c.out.buf = c.out.buf[:0]
			return n, c.fatal(err)
		}
		c.out.buf = c.out.buf[:0]
		n += batch
	}
	return n, nil
}
