package main

import "net"

// asyncConn is the shim's -async transport. BoringSSL's shim wraps its
// socket in a BIO that lets one byte through per call and answers
// "retry" otherwise, so the library must resume reads and writes that
// make partial progress. hush is blocking and has no retry state to
// resume, so the Go equivalent is a transport that delivers bytes one at
// a time: every Read returns at most one byte, and every Write goes to the
// socket one byte per call. hush's record layer must then reassemble each
// record header, body and handshake message from as many Reads as it has
// bytes, and the peer sees each of hush's flights arrive byte by byte.
type asyncConn struct {
	net.Conn
}

// Read reads at most one byte.
func (a asyncConn) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return a.Conn.Read(p)
}

// Write writes p to the socket one byte per call. It keeps io.Writer's
// contract (a short count only with an error), as hush expects of any
// net.Conn.
func (a asyncConn) Write(p []byte) (int, error) {
	for i := range p {
		if _, err := a.Conn.Write(p[i : i+1]); err != nil {
			return i, err
		}
	}
	return len(p), nil
}
