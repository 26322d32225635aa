package hush_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/hushtls/hush"
)

// Key logging: KeyLogWriter receives the connection's secrets in the NSS
// key log format, which Wireshark reads to decrypt a capture (for
// debugging only: whoever has the file can read the traffic). In a real
// program the writer is a file, e.g. the one SSLKEYLOGFILE names.
func ExampleConfig_keyLogWriter() {
	cert, roots := examplePKI()
	addr, stop := exampleServer(&hush.Config{Certificates: []hush.Certificate{cert}}, "hi")
	defer stop()

	var keyLog bytes.Buffer
	conn, err := hush.Dial("tcp", addr, &hush.Config{
		RootCAs:      roots,
		ServerName:   "localhost",
		KeyLogWriter: &keyLog,
	})
	if err != nil {
		log.Fatal(err)
	}
	io.ReadFull(conn, make([]byte, 2))
	conn.Close()

	// Each line: label, client random, secret (hex).
	for _, line := range strings.Split(strings.TrimSpace(keyLog.String()), "\n") {
		fields := strings.Fields(line)
		fmt.Println(fields[0], len(fields[1]), len(fields[2]))
	}
	// Output:
	// CLIENT_HANDSHAKE_TRAFFIC_SECRET 64 64
	// SERVER_HANDSHAKE_TRAFFIC_SECRET 64 64
	// CLIENT_TRAFFIC_SECRET_0 64 64
	// SERVER_TRAFFIC_SECRET_0 64 64
	// EXPORTER_SECRET 64 64
}
