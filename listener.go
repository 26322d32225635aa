package hush

import (
	"context"
	"net"
	"strings"
)

type listener struct {
	net.Listener
	config *Config
}

// Accept returns the next connection as a server-side *Conn. It does not
// run the handshake: that happens on first use, so a slow client never
// blocks Accept.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return Server(c, l.config), nil
}

// NewListener wraps inner so that Accept returns server-side *Conn values.
func NewListener(inner net.Listener, config *Config) net.Listener {
	return &listener{Listener: inner, config: config}
}

// Listen listens on laddr and returns a listener of TLS connections.
// config must hold a certificate or GetCertificate.
func Listen(network, laddr string, config *Config) (net.Listener, error) {
	if config == nil || (len(config.Certificates) == 0 && config.GetCertificate == nil) {
		return nil, errNoCertificates
	}
	l, err := net.Listen(network, laddr)
	if err != nil {
		return nil, err
	}
	return NewListener(l, config), nil
}

// Dialer dials TLS connections. NetDialer, when nil, is a zero net.Dialer.
type Dialer struct {
	NetDialer *net.Dialer
	Config    *Config
}

// Dial connects to addr and runs the handshake.
func (d *Dialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext connects to addr and runs the handshake, both bounded by ctx.
// The returned net.Conn is a *Conn.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := d.NetDialer
	if nd == nil {
		nd = new(net.Dialer)
	}
	c, err := dial(ctx, nd, network, addr, d.Config)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Dial connects to addr and runs the handshake. When config.ServerName is
// empty, the host part of addr is used.
func Dial(network, addr string, config *Config) (*Conn, error) {
	return dial(context.Background(), new(net.Dialer), network, addr, config)
}

// DialWithDialer is Dial with a custom net.Dialer, whose Timeout and
// Deadline bound the handshake too.
func DialWithDialer(dialer *net.Dialer, network, addr string, config *Config) (*Conn, error) {
	return dial(context.Background(), dialer, network, addr, config)
}

func dial(ctx context.Context, nd *net.Dialer, network, addr string, config *Config) (*Conn, error) {
	if nd.Timeout != 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, nd.Timeout)
		defer cancel()
	}
	if !nd.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, nd.Deadline)
		defer cancel()
	}
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	config = orDefault(config)
	if config.ServerName == "" {
		host := addr
		if i := strings.LastIndex(addr, ":"); i >= 0 {
			host = addr[:i]
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		config = config.Clone()
		config.ServerName = host
	}
	conn := Client(raw, config)
	if err := conn.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, err
	}
	return conn, nil
}
