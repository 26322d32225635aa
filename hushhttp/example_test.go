package hushhttp_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/hushhttp"
)

// An HTTPS server over hush and a client through hushhttp.Transport: they
// negotiate HTTP/2, and the handler reads the TLS state from the request's
// context.
func ExampleServer() {
	cert, roots := examplePKI() // a real server: ListenAndServeTLS("cert.pem", "key.pem")
	srv := &hushhttp.Server{
		Config: &hush.Config{Certificates: []hush.Certificate{cert}},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cs := hushhttp.ConnectionState(r.Context())
			fmt.Fprintf(w, "%s, %s, ALPN %s", r.Proto, hush.VersionName(cs.Version), cs.NegotiatedProtocol)
		}),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	client := &http.Client{Transport: &hushhttp.Transport{Config: &hush.Config{RootCAs: roots}}}
	resp, err := client.Get("https://" + ln.Addr().String() + "/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output: HTTP/2.0, TLS 1.3, ALPN h2
}

// A Transport limited to HTTP/1.1.
func ExampleTransport_http11() {
	cert, roots := examplePKI()
	srv := &hushhttp.Server{
		Config: &hush.Config{Certificates: []hush.Certificate{cert}},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, r.Proto)
		}),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	tr := &hushhttp.Transport{Config: &hush.Config{RootCAs: roots}, DisableHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + ln.Addr().String() + "/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output: HTTP/1.1
}
