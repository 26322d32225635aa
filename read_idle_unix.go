//go:build unix

package hush

import (
	"io"
	"net"
	"os"
	"syscall"
)

// idleReader waits for a TCP connection to become readable without
// holding a read buffer: through syscall.RawConn it tries a non-blocking
// read into a pooled buffer and, when there is nothing to read, gives the
// buffer back before the runtime parks the goroutine until the socket is
// readable. A busy connection pays nothing extra (the first read
// succeeds); an idle one blocked in Read keeps no record buffer.
type idleReader struct {
	in   *inHalf
	rc   syscall.RawConn
	try  func(fd uintptr) bool // the method value, made once
	n    int
	errn error
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
		r = &idleReader{in: &c.in, rc: rc}
		r.try = r.read
		c.in.idle = r
	}
	r.n, r.errn = 0, nil
	if err := r.rc.Read(r.try); err != nil {
		if r.in.raw != nil && r.in.end == 0 {
			putRecordBuf(r.in.raw)
			r.in.raw = nil
		}
		return true, err
	}
	if r.errn != nil {
		putRecordBuf(r.in.raw)
		r.in.raw = nil
		return true, &net.OpError{Op: "read", Net: "tcp", Source: c.conn.LocalAddr(), Addr: c.conn.RemoteAddr(),
			Err: os.NewSyscallError("read", r.errn)}
	}
	if r.n == 0 {
		putRecordBuf(r.in.raw)
		r.in.raw = nil
		return true, io.EOF
	}
	r.in.end = r.n
	return true, nil
}

// read is the RawConn callback: one non-blocking read. It reports false
// (wait for readability) only on EAGAIN, after giving the buffer back.
func (r *idleReader) read(fd uintptr) bool {
	in := r.in
	if in.raw == nil {
		in.raw = getRecordBuf()
	}
	for {
		n, err := syscall.Read(int(fd), in.raw)
		switch err {
		case nil:
			r.n = n
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			putRecordBuf(in.raw)
			in.raw = nil
			return false
		}
		r.errn = err
		return true
	}
}
