package hush_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"

	"github.com/hushtls/hush"
)

// sharedKeys is a TicketKeySource. A fleet would read its keys from a
// secret store and refresh them in the background; the first key seals new
// tickets, all of them open tickets.
type sharedKeys struct{ keys [][32]byte }

func (s *sharedKeys) TicketKeys() ([][32]byte, error) { return s.keys, nil }

// Resumption with a shared ticket key source: two servers behind a load
// balancer share their session ticket keys, so a client that got a ticket
// from one resumes with the other. The client keeps its sessions in a
// ClientSessionCache.
func ExampleTicketKeySource() {
	var key [32]byte
	rand.Read(key[:])
	source := &sharedKeys{keys: [][32]byte{key}}

	cert, roots := examplePKI()
	serverA, stopA := exampleServer(&hush.Config{Certificates: []hush.Certificate{cert}, TicketKeySource: source}, "A")
	defer stopA()
	serverB, stopB := exampleServer(&hush.Config{Certificates: []hush.Certificate{cert}, TicketKeySource: source}, "B")
	defer stopB()

	client := &hush.Config{
		RootCAs:            roots,
		ServerName:         "localhost", // sessions are cached by server name
		ClientSessionCache: hush.NewLRUClientSessionCache(32),
	}
	for _, addr := range []string{serverA, serverB} {
		conn, err := hush.Dial("tcp", addr, client)
		if err != nil {
			log.Fatal(err)
		}
		// TLS 1.3 tickets arrive after the handshake: reading processes
		// them.
		from := make([]byte, 1)
		if _, err := io.ReadFull(conn, from); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("server %s, resumed: %v\n", from, conn.ConnectionState().DidResume)
		conn.Close()
	}
	// Output:
	// server A, resumed: false
	// server B, resumed: true
}
