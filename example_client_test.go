package hush_test

import (
	"fmt"
	"io"
	"log"

	"github.com/hushtls/hush"
)

// A client: Dial connects, runs the handshake and verifies the server.
func ExampleDial() {
	cert, roots := examplePKI()
	addr, stop := exampleServer(&hush.Config{Certificates: []hush.Certificate{cert}}, "hello\n")
	defer stop()

	conn, err := hush.Dial("tcp", addr, &hush.Config{
		RootCAs:    roots, // nil: the system roots
		ServerName: "localhost",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	cs := conn.ConnectionState()
	fmt.Println(hush.VersionName(cs.Version), cs.PeerCertificates[0].Subject.CommonName)

	greeting := make([]byte, 6)
	if _, err := io.ReadFull(conn, greeting); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", greeting)
	// Output:
	// TLS 1.3 localhost
	// "hello\n"
}
