package grpccreds_test

import (
	"context"
	"fmt"
	"log"
	"net"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/grpccreds"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
)

// A gRPC server and client, both secured by hush. The server's handler
// finds the hush connection state in the peer's AuthInfo.
func ExampleNewTLS() {
	cert, roots := examplePKI() // a real server: hush.LoadX509KeyPair

	srv := grpc.NewServer(
		grpc.Creds(grpccreds.NewTLS(&hush.Config{Certificates: []hush.Certificate{cert}})),
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			p, _ := peer.FromContext(ctx)
			state := p.AuthInfo.(grpccreds.AuthInfo).State
			fmt.Println("server:", hush.VersionName(state.Version), state.NegotiatedProtocol)
			return h(ctx, req)
		}))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Stop()

	_, port, _ := net.SplitHostPort(ln.Addr().String())
	conn, err := grpc.NewClient("localhost:"+port, // ServerName comes from the target: localhost
		grpc.WithTransportCredentials(grpccreds.NewTLS(&hush.Config{RootCAs: roots})))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	resp, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("client:", resp.Status)
	// Output:
	// server: TLS 1.3 h2
	// client: SERVING
}
