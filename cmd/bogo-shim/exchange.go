package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"syscall"
	"time"

	"github.com/hushtls/hush"
)

// drainTimeout bounds how long a finished connection waits for the runner
// to close its side, so the shim's close never resets unread data.
const drainTimeout = 10 * time.Second

// dial connects to the runner and introduces the shim by its ID, an 8-byte
// little-endian integer.
func dial(c *testConfig) (*net.TCPConn, error) {
	host := "127.0.0.1"
	if c.ipv6 {
		host = "::1"
	}
	nc, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(c.port)))
	if err != nil {
		return nil, err
	}
	tcp := nc.(*net.TCPConn)
	var id [8]byte
	binary.LittleEndian.PutUint64(id[:], c.shimID)
	if _, err := tcp.Write(id[:]); err != nil {
		tcp.Close()
		return nil, err
	}
	return tcp, nil
}

// drainAndClose half-closes the socket, reads what the runner still sends
// until it closes, and closes: closing with unread data would reset the
// connection and could hide an alert from the runner.
func drainAndClose(tcp *net.TCPConn) {
	_ = tcp.CloseWrite()
	_ = tcp.SetReadDeadline(time.Now().Add(drainTimeout))
	_, _ = io.Copy(io.Discard, tcp)
	_ = tcp.Close()
}

// connect runs one connection of a test: dial, handshake, check, echo.
func connect(c *testConfig, isResume bool) error {
	cfg, err := c.hushConfig()
	if err != nil {
		return err
	}
	tcp, err := dial(c)
	if err != nil {
		return err
	}
	defer drainAndClose(tcp)
	// hush sees the socket without its CloseWrite: close_notify is sent by
	// the TLS layer and the TCP half-close left to drainAndClose, which
	// tolerates a runner that has already gone.
	var nc net.Conn = struct{ net.Conn }{tcp}
	if c.async {
		nc = asyncConn{nc}
	}
	var tc *hush.Conn
	if c.server {
		tc = hush.Server(nc, cfg)
	} else {
		tc = hush.Client(nc, cfg)
	}
	return exchange(tc, c, isResume)
}

// exchange runs the handshake and the application-data protocol of BoGo's
// shim over tc.
func exchange(tc *hush.Conn, c *testConfig, isResume bool) error {
	if !c.implicitHandshake {
		if err := tc.Handshake(); err != nil {
			return err
		}
		if c.handshakeTwice {
			if err := tc.Handshake(); err != nil {
				return fmt.Errorf("second Handshake: %w", err)
			}
		}
		cs := tc.ConnectionState()
		if err := c.checkState(&cs, isResume); err != nil {
			return err
		}
	}

	if c.exportKeyingMaterial > 0 {
		cs := tc.ConnectionState()
		var context []byte
		if c.useExportContext {
			context = []byte(c.exportContext)
		}
		ekm, err := cs.ExportKeyingMaterial(c.exportLabel, context, c.exportKeyingMaterial)
		if err != nil {
			return err
		}
		if _, err := tc.Write(ekm); err != nil {
			return err
		}
	}

	if c.exportTrafficSecrets {
		if err := writeTrafficSecrets(tc, c.keyLog, c.server); err != nil {
			return err
		}
	}

	if c.tlsUnique {
		u := tc.ConnectionState().TLSUnique
		if len(u) != 12 {
			return fmt.Errorf("failed to get tls-unique (%d bytes)", len(u))
		}
		if _, err := tc.Write(u); err != nil {
			return err
		}
	}

	if c.writeDifferentRecordSizes {
		buf := make([]byte, 32769)
		for i := range buf {
			buf[i] = 0x42
		}
		for _, n := range []int{0, 1, 255, 256, 257, 16383, 16384, 16385, 32767, 32768, 32769} {
			if _, err := tc.Write(buf[:n]); err != nil {
				return err
			}
		}
		return shutdown(tc, c)
	}

	if c.shimWritesFirst {
		if _, err := tc.Write([]byte("hello")); err != nil {
			return err
		}
	}
	if !c.shimShutsDown {
		if err := echo(tc, c); err != nil {
			return err
		}
		// The peer has sent close_notify and, as RFC 8446, Section 6.1
		// allows, need not wait for ours: it may have closed its socket
		// already. One write of our alert usually lands before the
		// peer's reset, but -async sends it a byte at a time and the
		// later bytes meet the reset, so a closed transport here is not
		// a failure.
		if err := shutdown(tc, c); err != nil && !peerGone(err) {
			return err
		}
		return nil
	}
	return shutdown(tc, c)
}

// peerGone reports whether err is the transport telling a writer that the
// peer has closed its socket.
func peerGone(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// echo answers each read with the same bytes XORed with 0xff until the
// peer's close_notify.
func echo(tc *hush.Conn, c *testConfig) error {
	size := 512 // small reads, so records are returned over several Reads
	if c.readSize > 0 {
		size = c.readSize
	}
	buf := make([]byte, size)
	for {
		n, err := tc.Read(buf)
		if n > 0 {
			if c.useExporterBetweenReads {
				cs := tc.ConnectionState()
				if _, err := cs.ExportKeyingMaterial("", nil, 1); err != nil {
					return fmt.Errorf("exporter between reads: %w", err)
				}
			}
			for i := range buf[:n] {
				buf[i] ^= 0xff
			}
			if _, werr := tc.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// shutdown sends close_notify and, with -shim-shuts-down and
// -check-close-notify, waits for the peer's.
func shutdown(tc *hush.Conn, c *testConfig) error {
	if err := tc.CloseWrite(); err != nil {
		return err
	}
	if c.shimShutsDown && c.checkCloseNotify {
		var b [1]byte
		n, err := tc.Read(b[:])
		switch {
		case n > 0:
			return errors.New("application data after close_notify was sent")
		case errors.Is(err, io.EOF):
			return nil
		default:
			return fmt.Errorf("waiting for close_notify: %w", err)
		}
	}
	return nil
}
