package hush_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"

	"github.com/hushtls/hush"
)

// A listener behind net/http: NewListener wraps a TCP listener so that
// http.Server serves HTTPS with hush. net/http speaks HTTP/2 only over
// crypto/tls connections, so this serves HTTP/1.1; package hushhttp serves
// HTTP/2 and HTTP/1.1 and gives handlers the hush ConnectionState.
func ExampleNewListener() {
	cert, roots := examplePKI()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello over %s", r.Proto)
	})}
	go srv.Serve(hush.NewListener(tcp, &hush.Config{
		Certificates: []hush.Certificate{cert},
		NextProtos:   []string{"http/1.1"},
	}))
	defer srv.Close()

	// Any HTTPS client works; here, Go's own.
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := client.Get("https://localhost:" + portOf(tcp.Addr()) + "/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(body))
	// Output: 200 OK hello over HTTP/1.1
}

func portOf(a net.Addr) string {
	_, port, _ := net.SplitHostPort(a.String())
	return port
}
