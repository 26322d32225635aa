package hush

import (
	"errors"
	"io"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/wire"
)

// readInto reads and processes the next record, blocking if none is
// buffered. An application data record whose fragment fits in dst is
// decrypted straight into dst (saving the copy out of the read buffer) and
// its length returned; every other record goes through readRecord, which
// leaves application data in c.in.plain, and 0 is returned. c.in is
// locked.
func (c *Conn) readInto(dst []byte) (int, error) {
	in := &c.in
	if in.start == in.end {
		if err := c.waitRecord(); err != nil {
			if errors.Is(err, io.EOF) {
				// A stream that ends without close_notify may have been
				// truncated: never a clean EOF.
				err = io.ErrUnexpectedEOF
			}
			return 0, c.readErr(err)
		}
	}
	rec := c.fastRecord(len(dst))
	if rec == nil {
		if err := c.readRecord(); err != nil {
			return 0, err
		}
		return 0, c.handlePostHandshake()
	}
	typ, pt, err := in.prot.OpenTo(dst, rec)
	if err != nil {
		return 0, c.fatal(err)
	}
	switch typ {
	case record.TypeApplicationData:
		in.warningsInRow = 0
		if len(pt) > 0 {
			c.keyUpdatesInRow = 0
			in.emptyInRow = 0
		} else if in.emptyInRow++; in.emptyInRow > maxEmptyRecordsInRow {
			return 0, c.fatal(alert.New(alert.UnexpectedMessage, "more than %d empty records in a row", maxEmptyRecordsInRow))
		}
		return len(pt), nil
	case record.TypeHandshake:
		// RFC 8446, Section 5.1: "Implementations MUST NOT send
		// zero-length fragments of Handshake types".
		if len(pt) == 0 {
			return 0, c.fatal(alert.New(alert.UnexpectedMessage, "empty handshake record"))
		}
		if err := c.reassembler().Write(pt); err != nil {
			return 0, c.fatal(err)
		}
		return 0, c.handlePostHandshake()
	case record.TypeAlert:
		return 0, c.handleAlert(pt)
	}
	return 0, c.fatal(alert.New(alert.UnexpectedMessage, "unexpected content type %d", typ))
}

// fastRecord returns the next record, complete in the read buffer and
// consumed from it, when it can be opened straight into a caller's buffer
// of room bytes: a protected application_data record after the handshake,
// with a well-formed header, no handshake message in progress, and a
// fragment no longer than room. Otherwise it returns nil and consumes
// nothing; readRecord then handles the record and any error it holds.
func (c *Conn) fastRecord(room int) []byte {
	in := &c.in
	if in.end-in.start < record.HeaderLen || in.prot == nil || in.machine != nil || !c.handshakeDone.Load() ||
		(in.hs != nil && in.hs.Buffered() != 0) {
		return nil
	}
	hdr := record.ParseHeader(in.raw[in.start:])
	limit := record.MaxCiphertext13
	if in.prot.Version() == wire.VersionTLS12 {
		limit = record.MaxCiphertext12
	}
	if hdr.Type != record.TypeApplicationData || hdr.Version>>8 != 3 || hdr.Length > limit || hdr.Length > room {
		return nil
	}
	if c.fill(record.HeaderLen+hdr.Length) != nil {
		// readRecord meets the error again and reports it.
		return nil
	}
	rec := in.raw[in.start : in.start+record.HeaderLen+hdr.Length]
	in.start += len(rec)
	if in.start == in.end {
		in.start, in.end = 0, 0
	}
	return rec
}

// waitRecord blocks until the network has bytes for the empty read
// buffer. Over TCP on Unix it waits without holding a buffer (see
// idleReader); otherwise it takes one from the pool and reads into it.
// c.in is locked.
func (c *Conn) waitRecord() error {
	in := &c.in
	in.start, in.end = 0, 0
	if in.raw == nil {
		if ok, err := c.readIdle(); ok {
			return err
		}
		in.raw = getRecordBuf()
	}
	return c.fill(1)
}
