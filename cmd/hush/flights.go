package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/hushtls/hush"
)

// traceRecorder collects handshake messages from Config.OnHandshakeMessage.
// Only the client's callback is recorded: it sees every message of the
// handshake once, in wire order, so nothing is printed twice.
type traceRecorder struct {
	mu   sync.Mutex
	msgs []hush.HandshakeMessage
}

func (t *traceRecorder) record(m hush.HandshakeMessage) {
	t.mu.Lock()
	t.msgs = append(t.msgs, m)
	t.mu.Unlock()
}

func (t *traceRecorder) messages() []hush.HandshakeMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]hush.HandshakeMessage(nil), t.msgs...)
}

// wireMessage is a recorded message with what the demo infers about it.
type wireMessage struct {
	hush.HandshakeMessage
	// FromClient is true for client → server.
	FromClient bool
	// Encrypted is true when the message travelled in protected records.
	Encrypted bool
}

// flight is a run of consecutive messages from the same sender.
type flight struct {
	FromClient bool
	Messages   []wireMessage
}

// groupFlights turns the client's view of the handshake into flights and
// marks which messages were encrypted. version is the negotiated version,
// or 0 when the handshake failed before it was known.
//
// The trace reports a sent message when it is queued, not when it is
// written. That differs from the wire in one place: a TLS 1.3 client queues
// its compatibility ChangeCipherSpec as soon as it has read ServerHello
// (RFC 8446, Appendix D.4), but it goes out in the same write as the
// client's second flight. So a client ChangeCipherSpec is held back until
// the next message the client sends.
func groupFlights(msgs []hush.HandshakeMessage, version uint16) []flight {
	if version == 0 {
		for _, m := range msgs {
			version = max(version, m.Version)
		}
	}
	is13 := version == hush.VersionTLS13
	var (
		ordered []hush.HandshakeMessage
		held    []hush.HandshakeMessage
	)
	for _, m := range msgs {
		switch {
		case is13 && m.Sent && m.Type == "ChangeCipherSpec":
			held = append(held, m)
		case m.Sent:
			ordered = append(ordered, held...)
			held = nil
			ordered = append(ordered, m)
		default:
			ordered = append(ordered, m)
		}
	}
	ordered = append(ordered, held...)

	var (
		flights     []flight
		serverHello bool              // TLS 1.3: handshake keys are in use after it
		ccsSent     = map[bool]bool{} // TLS 1.2: keys are in use after the sender's ChangeCipherSpec
	)
	for _, m := range ordered {
		fromClient := m.Sent // the recorder is the client
		var encrypted bool
		switch {
		case m.Type == "ChangeCipherSpec":
			// Never encrypted: in TLS 1.2 it switches the sender's keys
			// on, in TLS 1.3 it is a no-op for middleboxes.
			ccsSent[fromClient] = true
		case is13:
			encrypted = serverHello
		default:
			encrypted = ccsSent[fromClient]
		}
		if m.Type == "ServerHello" {
			serverHello = true
		}
		wm := wireMessage{HandshakeMessage: m, FromClient: fromClient, Encrypted: encrypted}
		if n := len(flights); n > 0 && flights[n-1].FromClient == fromClient {
			flights[n-1].Messages = append(flights[n-1].Messages, wm)
			continue
		}
		flights = append(flights, flight{FromClient: fromClient, Messages: []wireMessage{wm}})
	}
	return flights
}

func direction(fromClient bool) string {
	if fromClient {
		return "client → server"
	}
	return "server → client"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// printFlights writes the flights as an aligned table with a closing note
// on encryption.
func printFlights(w io.Writer, flights []flight, version uint16) {
	nameWidth := len("ChangeCipherSpec")
	total, byClient, byServer, count := 0, 0, 0, 0
	for _, f := range flights {
		for _, m := range f.Messages {
			nameWidth = max(nameWidth, len(m.Type))
			total += m.Len
			count++
			if m.FromClient {
				byClient += m.Len
			} else {
				byServer += m.Len
			}
		}
	}
	for i, f := range flights {
		fmt.Fprintf(w, "  Flight %d  %s\n", i+1, direction(f.FromClient))
		for _, m := range f.Messages {
			protection := "plaintext"
			if m.Encrypted {
				protection = "encrypted"
			}
			note := ""
			if m.Type == "ChangeCipherSpec" && version == hush.VersionTLS13 {
				note = "  (no-op, for middlebox compatibility)"
			}
			unit := "bytes"
			if m.Len == 1 {
				unit = "byte "
			}
			fmt.Fprintf(w, "    %-*s %6d %s  %s%s\n", nameWidth, m.Type, m.Len, unit, protection, note)
		}
	}
	fmt.Fprintf(w, "  %s in %s: %d bytes (client → server %d, server → client %d)\n",
		plural(count, "message", "messages"), plural(len(flights), "flight", "flights"), total, byClient, byServer)
	fmt.Fprintln(w, "  Sizes include the 4-byte handshake header, not the record layer.")
	switch version {
	case hush.VersionTLS13:
		fmt.Fprintln(w, "  TLS 1.3: everything after ServerHello is encrypted, certificate included.")
	case hush.VersionTLS12:
		fmt.Fprintln(w, "  TLS 1.2: only what follows each side's ChangeCipherSpec (its Finished) is")
		fmt.Fprintln(w, "  encrypted; the certificate travels in the clear.")
	}
}
