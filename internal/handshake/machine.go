// Package handshake holds the client and server handshake state machines for
// TLS 1.3 (RFC 8446) and TLS 1.2 (RFC 5246). It does no I/O: a Machine
// consumes one handshake message at a time and returns the ordered list of
// Actions the connection must apply (send these bytes, install these keys,
// log this secret, the handshake is done). The connection owns the wire, the
// locks, the deadlines and the alerts.
package handshake

import (
	"crypto"
	"crypto/x509"
	"io"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// ActionKind says what an Action asks the connection to do.
type ActionKind int

// The actions, applied by the connection in order.
const (
	// ActSend queues Data, a complete handshake message, under the current
	// write protection.
	ActSend ActionKind = iota
	// ActSendCCS queues the dummy change_cipher_spec record of RFC 8446,
	// Appendix D.4 (or the real one of TLS 1.2), unprotected.
	ActSendCCS
	// ActFlush writes everything queued to the network.
	ActFlush
	// ActReadKeys installs Keys for reading. Secret is the traffic secret
	// it came from (TLS 1.3), kept for KeyUpdate.
	ActReadKeys
	// ActWriteKeys flushes what is queued under the old protection, then
	// installs Keys for writing.
	ActWriteKeys
	// ActKeyLog writes one NSS key log line: Label, the client random and
	// Data.
	ActKeyLog
	// ActExpectCCS tells the connection a TLS 1.2 ChangeCipherSpec must come
	// next; ActReadKeys follows when it arrives (see Machine.HandleCCS).
	ActExpectCCS
)

// Action is one step the connection applies.
type Action struct {
	Kind   ActionKind
	Data   []byte
	Keys   *record.Protector
	Secret []byte
	Label  string
}

// Certificate is a certificate chain with its private key.
type Certificate struct {
	Chain      [][]byte
	Key        crypto.Signer
	Leaf       *x509.Certificate
	OCSPStaple []byte
	SCTs       [][]byte
	// Schemes, when set, are the schemes this key may sign with, in
	// preference order.
	Schemes []uint16
}

// HelloInfo is what a server's GetCertificate callback sees.
type HelloInfo struct {
	ServerName        string
	CipherSuites      []uint16
	SupportedGroups   []uint16
	SignatureSchemes  []uint16
	SupportedProtos   []string
	SupportedVersions []uint16
}

// CertRequestInfo is what a client's GetClientCertificate callback sees of
// the server's CertificateRequest.
type CertRequestInfo struct {
	// AcceptableCAs are the DER distinguished names the server listed
	// (certificate_authorities, RFC 8446, Section 4.2.4; RFC 5246, Section
	// 7.4.4), possibly none.
	AcceptableCAs    [][]byte
	SignatureSchemes []uint16
	Version          uint16
}

// ClientAuth modes, with crypto/tls's meanings and values.
const (
	NoClientCert = iota
	RequestClientCert
	RequireAnyClientCert
	VerifyClientCertIfGiven
	RequireAndVerifyClientCert
)

// Params is the part of the connection's configuration the handshake needs.
type Params struct {
	IsClient bool
	Rand     io.Reader
	Time     func() time.Time

	MinVersion, MaxVersion uint16
	// CipherSuites is the preference (server) or offer (client) list; when
	// StrictSuiteOrder is false the server may follow a client that puts
	// ChaCha20-Poly1305 first.
	CipherSuites     []uint16
	StrictSuiteOrder bool
	CurvePreferences []uint16
	EnableRSAKex     bool

	Certificates []*Certificate
	// SignatureSchemes are advertised in signature_algorithms and accepted
	// from the peer, in preference order; nil means sig's defaults.
	SignatureSchemes []uint16
	GetCertificate   func(*HelloInfo) (*Certificate, error)
	// GetConfigForClient, when set on a server, is called with the first
	// ClientHello; the Params it returns (if not nil) replace these for
	// the rest of the handshake.
	GetConfigForClient func(*HelloInfo) (*Params, error)
	// GetClientCertificate, when set, chooses the client's certificate
	// instead of Certificates; a nil result means none.
	GetClientCertificate func(*CertRequestInfo) (*Certificate, error)

	ServerName         string
	InsecureSkipVerify bool
	RootCAs            *x509.CertPool
	ClientAuth         int
	ClientCAs          *x509.CertPool
	NextProtos         []string

	VerifyPeerCertificate func(rawCerts [][]byte, verifiedChains [][]*x509.Certificate) error
	// VerifyConnection is called with the result before the handshake
	// completes; an error aborts it.
	VerifyConnection func(*Result) error

	// Resumption. Session is the client's cached session to offer, if any.
	Session *SessionState
	// SessionCacheEnabled tells a client it can keep sessions, so it asks
	// for tickets.
	SessionCacheEnabled bool
	// SessionTicketsDisabled turns tickets off on both sides.
	SessionTicketsDisabled bool
	// AllowPSKWithoutECDHE lets TLS 1.3 resumption skip the fresh (EC)DHE
	// (psk_ke, RFC 8446 Section 4.2.9) when both sides allow it.
	AllowPSKWithoutECDHE bool
	// SealTicket and OpenTicket protect server tickets; nil disables them.
	SealTicket func(state []byte) ([]byte, error)
	OpenTicket func(ticket []byte) ([]byte, bool)
	// SessionCacheGet and SessionCachePut are the server's TLS 1.2
	// session-ID cache; nil disables session IDs.
	SessionCacheGet func(id []byte) ([]byte, bool)
	SessionCachePut func(id []byte, state []byte)
}

// ticketsEnabled reports whether a server issues and accepts tickets.
func (p *Params) ticketsEnabled() bool {
	return !p.SessionTicketsDisabled && p.SealTicket != nil && p.OpenTicket != nil
}

// Result is what a completed handshake established.
type Result struct {
	// TLSUnique is the tls-unique channel binding of a TLS 1.2 handshake
	// (RFC 5929): the verify_data of its first Finished.
	TLSUnique       []byte
	Version         uint16
	Suite           *suites.Suite
	Group           uint16
	SignatureScheme uint16 // the scheme the server signed with
	// ClientSignatureScheme is the scheme of the client's CertificateVerify.
	ClientSignatureScheme uint16
	ALPN                  string
	ServerName            string
	PeerCertificates      []*x509.Certificate
	VerifiedChains        [][]*x509.Certificate
	OCSPResponse          []byte
	SCTs                  [][]byte
	DidResume             bool
	ClientRandom          []byte
	ServerRandom          []byte
	HelloRetry            bool

	// TLS 1.3 secrets the connection keeps after the handshake.
	ClientTrafficSecret []byte
	ServerTrafficSecret []byte
	ExporterSecret      []byte
	// ResumptionSecret is set only on a client that keeps sessions (for
	// the NewSessionTickets that follow); a server derives it only for
	// the tickets it sends during the handshake and keeps none.
	ResumptionSecret []byte

	// TLS 1.2.
	MasterSecret         []byte
	ExtendedMasterSecret bool

	// AuthTime is when the peer was authenticated: now for a full
	// handshake, the original time for a resumption.
	AuthTime time.Time
	// NewSession is a TLS 1.2 session the client may store for later
	// resumption (TLS 1.3 sessions come from NewSessionTicket afterwards).
	NewSession *SessionState
	// rawPeerCertificates is the peer chain as received, for sessions.
	rawPeerCertificates [][]byte
}

// state is one state of a handshake state machine.
type state interface {
	handle(msg []byte) (state, error)
	name() string
}

// expectType checks that msg is the message the current state waits for.
// RFC 8446, Section 6.2 and RFC 5246, Section 7.2.2: a message that is
// "inappropriate" here is an "unexpected_message".
func expectType(msg []byte, want wire.HandshakeType) error {
	if wire.HandshakeType(msg[0]) != want {
		return alert.New(alert.UnexpectedMessage, "unexpected handshake message type %d, want %d", msg[0], want)
	}
	return nil
}

// expectMessage is expectType followed by the message's parser: the opening
// of every state that waits for exactly one message type.
func expectMessage[M any](msg []byte, want wire.HandshakeType, parse func([]byte) (M, error)) (M, error) {
	if err := expectType(msg, want); err != nil {
		var zero M
		return zero, err
	}
	return parse(msg)
}

// Machine runs one handshake.
type Machine struct {
	hs    *shared
	state state
}

// Handle consumes one complete handshake message and returns the actions to
// apply. An error carries the alert to send.
func (m *Machine) Handle(msg []byte) ([]Action, error) {
	if m.state == nil {
		return nil, alert.New(alert.UnexpectedMessage, "handshake message after the handshake")
	}
	if len(msg) < wire.HeaderLen {
		m.state = nil
		return nil, alert.Decode("handshake message")
	}
	next, err := m.state.handle(msg)
	if err != nil {
		m.state = nil
		return nil, err
	}
	m.state = next
	return m.hs.take(), nil
}

// HandleCCS consumes a TLS 1.2 ChangeCipherSpec.
func (m *Machine) HandleCCS() ([]Action, error) {
	c, ok := m.state.(ccsHandler)
	if !ok {
		m.state = nil
		return nil, alert.New(alert.UnexpectedMessage, "unexpected change_cipher_spec")
	}
	next, err := c.handleCCS()
	if err != nil {
		m.state = nil
		return nil, err
	}
	m.state = next
	return m.hs.take(), nil
}

type ccsHandler interface {
	handleCCS() (state, error)
}

// Done reports whether the handshake has completed.
func (m *Machine) Done() bool { return m.hs.done }

// Result returns what the handshake established; valid once Done.
func (m *Machine) Result() *Result { return &m.hs.result }

// StateName names the current state, for diagnostics and tests.
func (m *Machine) StateName() string {
	if m.state == nil {
		return "none"
	}
	return m.state.name()
}

// Version returns the negotiated version so far (0 before ServerHello).
func (m *Machine) Version() uint16 { return m.hs.result.Version }

// ClientRandom returns the client random, for key log lines.
func (m *Machine) ClientRandom() []byte { return m.hs.result.ClientRandom }

// MiddleboxCompat reports whether a TLS 1.3 change_cipher_spec from the
// peer may still arrive and must be dropped (RFC 8446, Section 5).
func (m *Machine) MiddleboxCompat() bool {
	return m.hs.result.Version != 0x0303 && !m.hs.done
}
