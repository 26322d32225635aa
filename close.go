package hush

import (
	"errors"
	"net"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/record"
)

// closeNotifyTimeout bounds the close_notify that Close sends when the
// application set no write deadline.
const closeNotifyTimeout = 5 * time.Second

// Close sends close_notify (when the handshake has completed), bounded by
// the write deadline, and closes the underlying connection.
func (c *Conn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return net.ErrClosed
	}
	var alertErr error
	if c.handshakeDone.Load() {
		alertErr = c.closeNotify()
	}
	if err := c.conn.Close(); err != nil {
		return err
	}
	return alertErr
}

// CloseWrite sends close_notify and shuts the write side of the underlying
// connection when it supports that (as *net.TCPConn does). Reading goes on.
func (c *Conn) CloseWrite() error {
	if !c.handshakeDone.Load() {
		return errors.New("hush: CloseWrite before the handshake completed")
	}
	if err := c.closeNotify(); err != nil {
		return err
	}
	if cw, ok := c.conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// closeNotify sends close_notify once. A Write blocked on the network holds
// the write lock; then the alert is skipped rather than waited for.
func (c *Conn) closeNotify() error {
	if !c.out.TryLock() {
		return nil
	}
	defer c.out.Unlock()
	if c.out.closed {
		return nil
	}
	c.out.closed = true
	if c.stickyErr() != nil {
		return nil
	}
	if c.writeDeadline.Load() == 0 {
		_ = c.conn.SetWriteDeadline(time.Now().Add(closeNotifyTimeout))
	}
	c.out.sealRecord(record.TypeAlert, []byte{alert.LevelWarning, byte(alert.CloseNotify)})
	_, err := c.conn.Write(c.out.buf)
	c.out.buf = c.out.buf[:0]
	return err
}
