//go:build !unix

package hush

// idleReader is not available on this platform: a Read blocked on the
// network holds its read buffer.
type idleReader struct{}

func (c *Conn) readIdle() (ok bool, err error) { return false, nil }
