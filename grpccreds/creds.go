// Package grpccreds secures gRPC with hush: NewTLS returns a
// credentials.TransportCredentials for grpc.WithTransportCredentials (client)
// and grpc.Creds (server).
//
// It lives in its own Go module, github.com/hushtls/hush/grpccreds, so that
// programs that use hush without gRPC do not depend on google.golang.org/grpc.
package grpccreds

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/hushtls/hush"
	"google.golang.org/grpc/credentials"
)

// alpnH2 is the ALPN protocol gRPC runs on: HTTP/2 (RFC 9113, Section 3.2).
const alpnH2 = "h2"

// NewTLS returns transport credentials that run hush with config. The
// same credentials serve clients and servers: a client needs RootCAs (nil
// means the system roots) and may leave ServerName empty, in which case the
// host of the gRPC target's authority is used; a server needs a
// certificate. "h2" is added to config.NextProtos when it is missing, and
// the handshake fails unless the peer agrees to it, as gRPC requires.
// config is copied; later changes to it have no effect.
func NewTLS(config *hush.Config) credentials.TransportCredentials {
	cfg := config.Clone()
	if cfg == nil {
		cfg = &hush.Config{}
	}
	if !slices.Contains(cfg.NextProtos, alpnH2) {
		cfg.NextProtos = append([]string{alpnH2}, cfg.NextProtos...)
	}
	return &creds{config: cfg}
}

// NewServerTLSFromFile returns server credentials with the PEM certificate
// chain and key in the given files.
func NewServerTLSFromFile(certFile, keyFile string) (credentials.TransportCredentials, error) {
	cert, err := hush.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	return NewTLS(&hush.Config{Certificates: []hush.Certificate{cert}}), nil
}

// creds implements credentials.TransportCredentials.
type creds struct {
	config *hush.Config
}

// AuthInfo is what a gRPC peer learns of the connection: on a server, from
// peer.FromContext(ctx).AuthInfo.(grpccreds.AuthInfo). It plays the part
// of credentials.TLSInfo.
type AuthInfo struct {
	credentials.CommonAuthInfo
	// State is the hush connection state: version, suite, peer
	// certificates, ALPN...
	State hush.ConnectionState
}

// AuthType returns "tls".
func (AuthInfo) AuthType() string { return "tls" }

// ValidateAuthority checks that the server's certificate is valid for an
// authority that a call overrides with grpc.CallAuthority.
func (a AuthInfo) ValidateAuthority(authority string) error {
	host := hostOf(authority)
	if len(a.State.PeerCertificates) == 0 {
		return errors.New("hush: no peer certificate to validate the authority against")
	}
	return a.State.PeerCertificates[0].VerifyHostname(host)
}

func newAuthInfo(state hush.ConnectionState) AuthInfo {
	return AuthInfo{
		CommonAuthInfo: credentials.CommonAuthInfo{SecurityLevel: credentials.PrivacyAndIntegrity},
		State:          state,
	}
}

// ClientHandshake runs the client side of the handshake over rawConn,
// bounded by ctx.
func (c *creds) ClientHandshake(ctx context.Context, authority string, rawConn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	cfg := c.config
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = hostOf(authority)
	}
	return establish(ctx, hush.Client(rawConn, cfg))
}

// ServerHandshake runs the server side of the handshake over rawConn. gRPC
// bounds it with a deadline on rawConn (grpc.ConnectionTimeout); the
// config's HandshakeTimeout applies too.
func (c *creds) ServerHandshake(rawConn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return establish(context.Background(), hush.Server(rawConn, c.config))
}

// establish runs conn's handshake and insists on HTTP/2 (checkALPN); on
// failure conn is closed.
func establish(ctx context.Context, conn *hush.Conn) (net.Conn, credentials.AuthInfo, error) {
	if err := conn.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, nil, err
	}
	state := conn.ConnectionState()
	if err := checkALPN(state); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, newAuthInfo(state), nil
}

// checkALPN insists on HTTP/2: gRPC over TLS without ALPN "h2" is refused
// by current gRPC implementations, so hush refuses it on both sides too.
func checkALPN(state hush.ConnectionState) error {
	if state.NegotiatedProtocol != alpnH2 {
		return fmt.Errorf("hush: the peer did not negotiate ALPN %q (got %q), which gRPC over TLS requires", alpnH2, state.NegotiatedProtocol)
	}
	return nil
}

// Info describes the security protocol.
func (c *creds) Info() credentials.ProtocolInfo {
	return credentials.ProtocolInfo{SecurityProtocol: "tls", ServerName: c.config.ServerName}
}

// Clone returns a copy of the credentials.
func (c *creds) Clone() credentials.TransportCredentials {
	return &creds{config: c.config.Clone()}
}

// OverrideServerName sets the name the client verifies.
//
// Deprecated: gRPC deprecates it; use grpc.WithAuthority, or set
// Config.ServerName before NewTLS.
func (c *creds) OverrideServerName(name string) error {
	c.config = c.config.Clone()
	c.config.ServerName = name
	return nil
}

// hostOf strips the port from an authority ("host:port" or "host").
func hostOf(authority string) string {
	if host, _, err := net.SplitHostPort(authority); err == nil {
		return host
	}
	return authority
}
