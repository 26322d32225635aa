//go:build unix

package hush

import (
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// idleParkDelay is how long a Read waits on a silent connection before the
// AEAD states of both directions are parked (record.Protector.Park): long
// enough that a busy connection never rebuilds them, short enough that an
// idle one soon costs only its keys. One sweeper goroutine for the whole
// process does the parking (see idleSweeper), every idleSweepEvery; a
// connection is parked on the idleParkAfter-th sweep after it fell silent,
// so between idleParkDelay and idleParkDelay+idleSweepEvery of silence.
const (
	idleParkDelay  = 50 * time.Millisecond
	idleSweepEvery = idleParkDelay / 2
	idleParkAfter  = uint32(idleParkDelay/idleSweepEvery) + 1
)

// idleReader waits for a TCP connection to become readable without
// holding a read buffer: through syscall.RawConn it tries a non-blocking
// read into a pooled buffer and, when there is nothing to read, gives the
// buffer back before the runtime parks the goroutine until the socket is
// readable. A busy connection pays nothing extra (the first read
// succeeds); an idle one blocked in Read keeps no record buffer, and after
// idleParkDelay no AEAD state either.
type idleReader struct {
	rc  syscall.RawConn
	try func(fd uintptr) bool // the callback (Conn.readNow), made once

	// While waiting is true the reading goroutine is parked in the poller
	// and does not touch c.in, whose lock it holds: the sweeper may then
	// park the read Protector. mu orders the two goroutines.
	mu      sync.Mutex
	since   uint32 // the sweeper's epoch when waiting began
	n       int32  // bytes the last read returned (at most recordBufLen)
	errno   int32  // its error, 0 for none
	waiting bool
	listed  bool // in idleSweeper.conns; guarded by idleSweeper.mu
}

// idleSweeper parks the protectors of connections that have been waiting
// for idleParkDelay. One goroutine serves every connection, and runs only
// while some connection waits, so an idle connection costs no timer and no
// goroutine of its own.
var idleSweeper struct {
	mu      sync.Mutex
	conns   []*Conn // waiting in readIdle, or were when listed
	running bool
	epoch   atomic.Uint32 // sweeps done; wraps, compared by difference
}

// readIdle reads into a pooled read buffer, waiting without one. ok is
// false when the connection does not support it; the caller then reads
// the ordinary way. c.in is locked and in.raw is nil.
func (c *Conn) readIdle() (ok bool, err error) {
	r := c.in.idle
	if r == nil {
		tc, isTCP := c.conn.(*net.TCPConn)
		if !isTCP {
			return false, nil
		}
		rc, err := tc.SyscallConn()
		if err != nil {
			return false, nil
		}
		r = &idleReader{rc: rc, try: c.readNow}
		c.in.idle = r
	}
	in := &c.in
	r.n, r.errno = 0, 0
	err = r.rc.Read(r.try)
	c.resumeIdle()
	if err != nil {
		if in.raw != nil && in.end == 0 {
			putRecordBuf(in.raw)
			in.raw = nil
		}
		return true, err
	}
	if r.errno != 0 {
		putRecordBuf(in.raw)
		in.raw = nil
		return true, &net.OpError{Op: "read", Net: "tcp", Source: c.conn.LocalAddr(), Addr: c.conn.RemoteAddr(),
			Err: os.NewSyscallError("read", syscall.Errno(r.errno))}
	}
	if r.n == 0 {
		putRecordBuf(in.raw)
		in.raw = nil
		return true, io.EOF
	}
	in.end = int(r.n)
	return true, nil
}

// readNow is the RawConn callback: one non-blocking read. It reports
// false (wait for readability) only on EAGAIN, after giving the buffer
// back.
func (c *Conn) readNow(fd uintptr) bool {
	c.resumeIdle()
	in, r := &c.in, c.in.idle
	if in.raw == nil {
		in.raw = getRecordBuf()
	}
	for {
		n, err := syscall.Read(int(fd), in.raw)
		switch err {
		case nil:
			r.n = int32(n)
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			putRecordBuf(in.raw)
			in.raw = nil
			c.suspendIdle()
			return false
		}
		r.errno = int32(syscall.EIO)
		if errno, ok := err.(syscall.Errno); ok {
			r.errno = int32(errno)
		}
		return true
	}
}

// suspendIdle marks the reader as waiting and makes sure the sweeper will
// look at it.
func (c *Conn) suspendIdle() {
	r := c.in.idle
	r.mu.Lock()
	r.waiting = true
	r.since = idleSweeper.epoch.Load()
	r.mu.Unlock()
	sw := &idleSweeper
	sw.mu.Lock()
	if !r.listed {
		r.listed = true
		sw.conns = append(sw.conns, c)
	}
	if !sw.running {
		sw.running = true
		go sweepIdle()
	}
	sw.mu.Unlock()
}

// resumeIdle ends a wait: from here on the reading goroutine owns c.in
// again.
func (c *Conn) resumeIdle() {
	r := c.in.idle
	if !r.waiting { // only this goroutine sets waiting
		return
	}
	r.mu.Lock()
	r.waiting = false
	r.mu.Unlock()
}

// sweepIdle is the sweeper goroutine: every idleSweepEvery it parks the
// readers that have waited long enough and drops from its list those that
// are parked or no longer waiting. It exits when the list is empty.
func sweepIdle() {
	for {
		time.Sleep(idleSweepEvery)
		if !sweepOnce() {
			return
		}
	}
}

// sweepOnce is one sweep; it reports whether the sweeper must go on.
func sweepOnce() bool {
	sw := &idleSweeper
	epoch := sw.epoch.Add(1)
	sw.mu.Lock()
	defer sw.mu.Unlock()
	kept := sw.conns[:0]
	for _, c := range sw.conns {
		if c.parkIfIdle(epoch) {
			kept = append(kept, c)
		} else {
			c.in.idle.listed = false
		}
	}
	clear(sw.conns[len(kept):]) // no stale pointers keep connections alive
	sw.conns = kept
	if len(kept) == 0 {
		sw.conns = nil // an empty list keeps no array
		sw.running = false
		return false
	}
	return true
}

// parkIfIdle parks the connection's protectors if its reader has waited
// idleParkDelay, and reports whether it must stay on the list (it waits,
// not yet parked). The read Protector is parked while the reader waits;
// the write Protector too, unless a Write is under way. The sweeper reads
// c.in.idle, which the reading goroutine set before it first waited.
func (c *Conn) parkIfIdle(epoch uint32) bool {
	r := c.in.idle
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.waiting {
		return false
	}
	if epoch-r.since < idleParkAfter {
		return true
	}
	if c.in.prot != nil {
		c.in.prot.Park()
	}
	if c.out.TryLock() {
		if c.out.prot != nil && len(c.out.buf) == 0 && len(c.out.hsPending) == 0 {
			c.out.prot.Park()
		}
		c.out.Unlock()
	}
	return false
}
