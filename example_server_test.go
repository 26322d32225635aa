package hush_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"time"

	"github.com/hushtls/hush"
)

// A server: Listen returns a net.Listener whose connections are *hush.Conn;
// the handshake runs on the first Read or Write, in the connection's own
// goroutine, so a slow client never blocks Accept.
func ExampleListen() {
	cert, roots := examplePKI() // a real server: hush.LoadX509KeyPair("cert.pem", "key.pem")
	ln, err := hush.Listen("tcp", "127.0.0.1:0", &hush.Config{
		Certificates:     []hush.Certificate{cert},
		HandshakeTimeout: 10 * time.Second, // drop clients that stall the handshake
	})
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func(conn net.Conn) {
				defer conn.Close()
				io.Copy(conn, conn) // echo
			}(conn)
		}
	}()

	// A client, to show the server at work.
	conn, err := hush.Dial("tcp", ln.Addr().String(), &hush.Config{RootCAs: roots, ServerName: "localhost"})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "ping")
	conn.CloseWrite() // close_notify: the echo loop ends
	reply, err := io.ReadAll(conn)
	fmt.Printf("%s %v\n", reply, err)
	// Output: ping <nil>
}
