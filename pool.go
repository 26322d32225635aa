package hush

import (
	"sync"

	"github.com/hushtls/hush/internal/record"
)

// recordBufLen is the size of the pooled record buffers: four maximal TLS
// 1.3 records. A writer seals up to writeBatch (64 KiB) of plaintext into
// one before a single network write, and a reader takes in such a batch
// with one network read.
const recordBufLen = 4 * (record.HeaderLen + record.MaxCiphertext13)

// recordBufs holds record buffers of connections that have nothing in
// flight, so an idle connection keeps none: Read and Write take one when
// they start and give it back when they leave nothing buffered in it.
var recordBufs = sync.Pool{New: func() any { return new([recordBufLen]byte) }}

// handshakeBufs holds the smaller read buffers of handshakes: one record
// and room to read ahead (rawBufSize). A server waiting for a ClientHello
// holds one, no larger than before pooling.
var handshakeBufs = sync.Pool{New: func() any { return new([rawBufSize]byte) }}

// pendingBufLen is the room a handshake's outgoing messages get before
// they are packed into records: a flight with a certificate chain of a few
// kilobytes fits.
const pendingBufLen = 4 << 10

// pendingBufs holds the buffers handshakes collect their outgoing messages
// in (outHalf.hsPending).
var pendingBufs = sync.Pool{New: func() any { return new([pendingBufLen]byte) }}

// getRecordBuf returns a buffer of recordBufLen bytes.
func getRecordBuf() []byte { return recordBufs.Get().(*[recordBufLen]byte)[:] }

// putRecordBuf returns b to the pool it came from (or that its size fits);
// other buffers are left to the garbage collector.
func putRecordBuf(b []byte) {
	switch {
	case cap(b) >= recordBufLen:
		recordBufs.Put((*[recordBufLen]byte)(b[:recordBufLen]))
	case cap(b) == rawBufSize:
		handshakeBufs.Put((*[rawBufSize]byte)(b[:rawBufSize]))
	}
}

// releaseReadBuf gives the read buffer back when nothing is buffered in it,
// and drops a handshake reassembler that holds nothing once the handshake
// is over (a post-handshake message makes a new one). c.in is locked.
func (c *Conn) releaseReadBuf() {
	in := &c.in
	if in.start != in.end || len(in.plain) != 0 {
		return
	}
	if in.hs != nil && in.machine == nil && in.hs.Buffered() == 0 {
		in.hs = nil
	}
	if in.raw == nil {
		return
	}
	putRecordBuf(in.raw)
	in.raw = nil
	in.plain = nil // an empty slice still pins the buffer
	in.start, in.end = 0, 0
}

// acquireWriteBuf makes sure the write buffer is a pooled one. c.out is
// locked.
func (o *outHalf) acquireWriteBuf() {
	if cap(o.buf) < recordBufLen && len(o.buf) == 0 {
		o.buf = getRecordBuf()[:0]
	}
}

// releaseWriteBuf gives an empty write buffer back. c.out is locked.
func (o *outHalf) releaseWriteBuf() {
	if len(o.buf) == 0 && o.buf != nil {
		putRecordBuf(o.buf)
		o.buf = nil
	}
}

// takeHandshakeBufs gives the handshake a pooled read buffer (the write
// side takes one for each flight, see packHandshake and flushLocked), so
// that a handshake allocates no buffer; releaseHandshakeBufs gives them
// back once it is over, unless the peer's next records are already
// buffered.
func (c *Conn) takeHandshakeBufs() {
	c.in.Lock()
	if c.in.raw == nil {
		c.in.raw = handshakeBufs.Get().(*[rawBufSize]byte)[:]
		c.in.start, c.in.end = 0, 0
	}
	c.in.Unlock()
	c.out.Lock()
	c.out.handshaking = true
	if c.out.hsPending == nil {
		c.out.hsPending = pendingBufs.Get().(*[pendingBufLen]byte)[:0]
	}
	c.out.Unlock()
}

// releaseHandshakeBufs is the end of takeHandshakeBufs.
func (c *Conn) releaseHandshakeBufs() {
	c.in.Lock()
	c.releaseReadBuf()
	c.parkHandshakeLeftover()
	c.in.Unlock()
	c.out.Lock()
	c.out.handshaking = false
	if len(c.out.hsPending) == 0 {
		if cap(c.out.hsPending) == pendingBufLen {
			pendingBufs.Put((*[pendingBufLen]byte)(c.out.hsPending[:pendingBufLen]))
		}
		c.out.hsPending = nil
	}
	c.out.releaseWriteBuf()
	c.out.Unlock()
}

// maxParkedLeftover bounds what parkHandshakeLeftover copies.
const maxParkedLeftover = 4 << 10

// parkHandshakeLeftover handles a handshake that ends with a little of the
// peer's next records already read: typically the NewSessionTicket a TLS
// 1.3 server sends in the same flight as its Finished. A client that then
// only writes (or reads much later) would hold the whole pooled read buffer
// for those few bytes; instead they are copied into a buffer of their own
// size and the pooled one goes back (fill moves them into a pooled buffer
// again when more must be read). c.in is locked.
func (c *Conn) parkHandshakeLeftover() {
	in := &c.in
	n := in.end - in.start
	if in.raw == nil || len(in.raw) < rawBufSize || len(in.plain) != 0 || n == 0 || n > maxParkedLeftover {
		return
	}
	left := make([]byte, n)
	copy(left, in.raw[in.start:in.end])
	putRecordBuf(in.raw)
	in.raw, in.start, in.end = left, 0, n
}
