package grpccreds_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/grpccreds"
	"github.com/hushtls/hush/internal/testutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
)

// startGRPC serves the standard health service with creds and records the
// AuthInfo of each call.
func startGRPC(t *testing.T, creds credentials.TransportCredentials) (addr string, infos <-chan credentials.AuthInfo) {
	t.Helper()
	ch := make(chan credentials.AuthInfo, 16)
	record := func(ctx context.Context) {
		if p, ok := peer.FromContext(ctx); ok {
			select {
			case ch <- p.AuthInfo:
			default:
			}
		}
	}
	srv := grpc.NewServer(grpc.Creds(creds),
		grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			record(ctx)
			return h(ctx, req)
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			record(ss.Context())
			return h(srv, ss)
		}))
	hs := health.NewServer()
	hs.SetServingStatus("hush", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	return ln.Addr().String(), ch
}

// call runs a unary Check and a server-streaming Watch.
func call(t *testing.T, target string, creds credentials.TransportCredentials) error {
	t.Helper()
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(creds))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), testutil.Timeout)
	defer cancel()
	client := healthpb.NewHealthClient(conn)
	resp, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: "hush"})
	if err != nil {
		return err
	}
	if resp.Status != healthpb.HealthCheckResponse_SERVING {
		return errors.New("status " + resp.Status.String())
	}
	stream, err := client.Watch(ctx, &healthpb.HealthCheckRequest{Service: "hush"})
	if err != nil {
		return err
	}
	update, err := stream.Recv()
	if err != nil {
		return err
	}
	if update.Status != healthpb.HealthCheckResponse_SERVING {
		return errors.New("watch status " + update.Status.String())
	}
	return nil
}

func hushServerConfig(t *testing.T, chain *testutil.Chain) *hush.Config {
	t.Helper()
	cert, err := hush.X509KeyPair(chain.CertPEM, chain.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &hush.Config{Certificates: []hush.Certificate{cert}}
}

func cryptoTLSCert(t *testing.T, chain *testutil.Chain) tls.Certificate {
	t.Helper()
	cert, err := tls.X509KeyPair(chain.CertPEM, chain.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// TestHushBothSides: a real gRPC server and client, both over hush, for
// TLS 1.3 and TLS 1.2; the server sees grpccreds.AuthInfo.
func TestHushBothSides(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, tc := range []struct {
		name    string
		max     uint16
		version uint16
	}{
		{"TLS1.3", 0, hush.VersionTLS13},
		{"TLS1.2", hush.VersionTLS12, hush.VersionTLS12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, infos := startGRPC(t, grpccreds.NewTLS(hushServerConfig(t, chain)))
			_, port, _ := net.SplitHostPort(addr)
			// The target's host, localhost, is the name verified.
			client := grpccreds.NewTLS(&hush.Config{RootCAs: chain.RootPool, MaxVersion: tc.max})
			if err := call(t, "passthrough:///localhost:"+port, client); err != nil {
				t.Fatalf("RPC: %v", err)
			}
			for range 2 {
				info, ok := (<-infos).(grpccreds.AuthInfo)
				if !ok {
					t.Fatal("server AuthInfo is not a grpccreds.AuthInfo")
				}
				if info.State.Version != tc.version || info.State.NegotiatedProtocol != "h2" || info.State.ServerName != "localhost" {
					t.Errorf("server state: %s, ALPN %q, SNI %q", hush.VersionName(info.State.Version), info.State.NegotiatedProtocol, info.State.ServerName)
				}
				if info.SecurityLevel != credentials.PrivacyAndIntegrity || info.AuthType() != "tls" {
					t.Errorf("security level %v, auth type %q", info.SecurityLevel, info.AuthType())
				}
			}
		})
	}
}

// TestHushClientCryptoTLSServer: the hush client against gRPC's own
// crypto/tls credentials.
func TestHushClientCryptoTLSServer(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	addr, _ := startGRPC(t, credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cryptoTLSCert(t, chain)}}))
	client := grpccreds.NewTLS(&hush.Config{RootCAs: chain.RootPool, ServerName: "localhost"})
	if err := call(t, "passthrough:///"+addr, client); err != nil {
		t.Fatalf("RPC: %v", err)
	}
}

// TestCryptoTLSClientHushServer: gRPC's crypto/tls credentials against the
// hush server, with client certificates.
func TestCryptoTLSClientHushServer(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	clientChain := testutil.NewChain(t, testutil.Ed25519, "client.test")
	cfg := hushServerConfig(t, chain)
	cfg.ClientAuth = hush.RequireAndVerifyClientCert
	cfg.ClientCAs = clientChain.RootPool
	addr, infos := startGRPC(t, grpccreds.NewTLS(cfg))
	client := credentials.NewTLS(&tls.Config{
		RootCAs:      chain.RootPool,
		ServerName:   "localhost",
		Certificates: []tls.Certificate{cryptoTLSCert(t, clientChain)},
	})
	if err := call(t, "passthrough:///"+addr, client); err != nil {
		t.Fatalf("RPC: %v", err)
	}
	info := (<-infos).(grpccreds.AuthInfo)
	if len(info.State.PeerCertificates) == 0 || info.State.PeerCertificates[0].Subject.CommonName != "client.test" {
		t.Fatalf("server did not see the client certificate: %+v", info.State.PeerCertificates)
	}
}

// TestUntrustedServer: verification failures fail the RPC.
func TestUntrustedServer(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	other := testutil.NewChain(t, testutil.ECDSAP384)
	addr, _ := startGRPC(t, grpccreds.NewTLS(hushServerConfig(t, chain)))
	client := grpccreds.NewTLS(&hush.Config{RootCAs: other.RootPool, ServerName: "localhost"})
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(client))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("RPC to an untrusted server: %v, want a certificate error", err)
	}
}

// TestNoALPN: a server that does not negotiate h2 is refused.
func TestNoALPN(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cryptoTLSCert(t, chain)}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	creds := grpccreds.NewTLS(&hush.Config{RootCAs: chain.RootPool})
	_, _, err = creds.ClientHandshake(context.Background(), "localhost:443", raw)
	if err == nil || !strings.Contains(err.Error(), `ALPN "h2"`) {
		t.Fatalf("handshake without ALPN: %v", err)
	}
}

func TestInfoCloneOverride(t *testing.T) {
	creds := grpccreds.NewTLS(&hush.Config{ServerName: "a.test"})
	clone := creds.Clone()
	if err := clone.OverrideServerName("b.test"); err != nil {
		t.Fatal(err)
	}
	if creds.Info().ServerName != "a.test" || clone.Info().ServerName != "b.test" || creds.Info().SecurityProtocol != "tls" {
		t.Fatalf("Info: %+v and %+v", creds.Info(), clone.Info())
	}
}

func TestValidateAuthority(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256, "localhost", "alt.test")
	info := grpccreds.AuthInfo{State: hush.ConnectionState{PeerCertificates: []*x509.Certificate{chain.Leaf}}}
	if err := info.ValidateAuthority("alt.test:443"); err != nil {
		t.Errorf("alt.test: %v", err)
	}
	if err := info.ValidateAuthority("other.test"); err == nil {
		t.Error("other.test validated")
	}
}
