package hush

import (
	"strconv"

	"github.com/hushtls/hush/internal/wire"
)

// HandshakeMessage describes one handshake message (or change_cipher_spec
// record) as it crosses the wire, for Config.OnHandshakeMessage.
type HandshakeMessage struct {
	// Type is the RFC name: "ClientHello", "ServerHello",
	// "HelloRetryRequest", "EncryptedExtensions", "ChangeCipherSpec", ...
	Type string
	// Len is the message's size in bytes, header included.
	Len int
	// Sent is true for messages this side sent, false for received ones.
	Sent bool
	// Version is the negotiated version when known, else 0.
	Version uint16
}

// messageName names a raw handshake message.
func messageName(msg []byte) string {
	if n, ok := wire.MessageName(msg); ok {
		return n
	}
	return "HandshakeType(" + strconv.Itoa(int(msg[0])) + ")"
}

func (c *Conn) traceMessage(name string, n int, sent bool, version uint16) {
	if f := c.config.OnHandshakeMessage; f != nil {
		f(HandshakeMessage{Type: name, Len: n, Sent: sent, Version: version})
	}
}

// queueTrace records a sent message; it is reported when its flight is
// written, so the callback sees the wire order even though messages are
// queued earlier (the TLS 1.3 client queues its change_cipher_spec as soon
// as it has the ServerHello).
func (c *Conn) queueTrace(trace *[]HandshakeMessage, name string, n int, version uint16) {
	if c.config.OnHandshakeMessage != nil {
		*trace = append(*trace, HandshakeMessage{Type: name, Len: n, Sent: true, Version: version})
	}
}

func (c *Conn) emitTraces(trace *[]HandshakeMessage) {
	for _, m := range *trace {
		c.config.OnHandshakeMessage(m)
	}
	*trace = nil
}
