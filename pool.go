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

// getRecordBuf returns a buffer of recordBufLen bytes.
func getRecordBuf() []byte { return recordBufs.Get().(*[recordBufLen]byte)[:] }

// putRecordBuf returns b to the pool when it is one of the pool's buffers
// (or as large); smaller buffers, from the handshake, are left to the
// garbage collector.
func putRecordBuf(b []byte) {
	if cap(b) < recordBufLen {
		return
	}
	recordBufs.Put((*[recordBufLen]byte)(b[:recordBufLen]))
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

// takeHandshakeBufs gives the handshake pooled read and write buffers, so
// that a handshake allocates none; releaseHandshakeBufs gives them back
// once it is over, unless the peer's next records are already buffered.
func (c *Conn) takeHandshakeBufs() {
	c.in.Lock()
	if c.in.raw == nil {
		c.in.raw = getRecordBuf()
		c.in.start, c.in.end = 0, 0
	}
	c.in.Unlock()
	c.out.Lock()
	c.out.acquireWriteBuf()
	c.out.Unlock()
}

// releaseHandshakeBufs is the end of takeHandshakeBufs.
func (c *Conn) releaseHandshakeBufs() {
	c.in.Lock()
	c.releaseReadBuf()
	c.in.Unlock()
	c.out.Lock()
	c.out.releaseWriteBuf()
	c.out.Unlock()
}
