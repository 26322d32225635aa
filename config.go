package hush

import (
	"crypto"
	"crypto/x509"
	"errors"
	"io"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/handshake"
)

// ClientAuthType declares the server's policy for client certificates, with
// crypto/tls's meanings.
type ClientAuthType int

// Client authentication policies.
const (
	// NoClientCert: no certificate is requested.
	NoClientCert ClientAuthType = iota
	// RequestClientCert: a certificate is requested but not required nor
	// verified.
	RequestClientCert
	// RequireAnyClientCert: a certificate is required but not verified.
	RequireAnyClientCert
	// VerifyClientCertIfGiven: a certificate is requested and, if sent,
	// verified against ClientCAs.
	VerifyClientCertIfGiven
	// RequireAndVerifyClientCert: a certificate is required and verified.
	RequireAndVerifyClientCert
)

// ClientHelloInfo is what a server's GetCertificate callback learns of the
// ClientHello.
type ClientHelloInfo struct {
	// ServerName is the requested host (SNI), or empty.
	ServerName string
	// CipherSuites, SupportedCurves, SignatureSchemes, SupportedProtos and
	// SupportedVersions are what the client offered.
	CipherSuites      []uint16
	SupportedCurves   []CurveID
	SignatureSchemes  []uint16
	SupportedProtos   []string
	SupportedVersions []uint16
}

// CertificateRequestInfo is what a client's GetClientCertificate callback
// learns of the server's CertificateRequest.
type CertificateRequestInfo struct {
	// AcceptableCAs are the DER-encoded distinguished names of the CAs the
	// server accepts (certificate_authorities); empty when it named none.
	AcceptableCAs [][]byte
	// SignatureSchemes are the schemes the server accepts for the
	// CertificateVerify.
	SignatureSchemes []SignatureScheme
	// Version is the negotiated TLS version.
	Version uint16
}

// Config configures a client or a server. Fields have crypto/tls's
// meanings except where noted. A Config may be shared by many connections
// once in use; do not change it then.
type Config struct {
	// Rand is the source of randomness; nil means crypto/rand.
	Rand io.Reader
	// Time returns the current time for certificate verification; nil
	// means time.Now.
	Time func() time.Time

	// Certificates are the server's certificate chains (or the client's,
	// sent when the server requests one).
	Certificates []Certificate
	// GetCertificate, when set, picks the server certificate from the
	// ClientHello; returning nil, nil falls back to Certificates.
	GetCertificate func(*ClientHelloInfo) (*Certificate, error)
	// GetClientCertificate, when set, picks the client certificate when a
	// server asks for one, instead of Certificates. Returning nil or a
	// Certificate without a chain sends none (the server decides whether
	// that is acceptable); the chosen key must be able to sign one of the
	// requested SignatureSchemes. An error aborts the handshake with
	// internal_error, or the alert of an *AlertError it wraps.
	GetClientCertificate func(*CertificateRequestInfo) (*Certificate, error)
	// GetConfigForClient, when set on a server, is called once with the
	// first ClientHello and may return the Config for the rest of this
	// connection (nil keeps this one): certificates, versions, suites,
	// client authentication, ALPN, session tickets, callbacks and key
	// logging then all come from it. HandshakeTimeout and
	// MaxHandshakeMessageSize stay this Config's (they apply before the
	// ClientHello is read), and so do the session ticket keys unless the
	// returned Config has its own (SetSessionTicketKeys or
	// TicketKeySource), so that a new Config per connection still
	// resumes. An error aborts the handshake with internal_error, or the
	// alert of an *AlertError it wraps.
	GetConfigForClient func(*ClientHelloInfo) (*Config, error)

	// RootCAs verifies servers; nil means the system pool.
	RootCAs *x509.CertPool
	// ServerName is the host the client asks for (SNI) and verifies.
	ServerName string
	// InsecureSkipVerify turns off verification of the server's chain and
	// name. Only for tests.
	InsecureSkipVerify bool
	// ClientAuth is the server's client certificate policy.
	ClientAuth ClientAuthType
	// ClientCAs verifies client certificates.
	ClientCAs *x509.CertPool
	// VerifyPeerCertificate, when set, is called after normal verification
	// with the raw chain and the verified chains.
	VerifyPeerCertificate func(rawCerts [][]byte, verifiedChains [][]*x509.Certificate) error
	// VerifyConnection, when set, is called at the end of the handshake;
	// an error aborts it.
	VerifyConnection func(ConnectionState) error

	// NextProtos lists the ALPN protocols, in preference order.
	NextProtos []string

	// MinVersion and MaxVersion bound the version; zero means TLS 1.2 and
	// TLS 1.3. Versions below TLS 1.2 are not supported.
	MinVersion uint16
	MaxVersion uint16

	// CipherSuites is one ordered list for TLS 1.3 and TLS 1.2. On a server
	// it is the preference order, applied strictly (crypto/tls cannot do
	// this for TLS 1.3); on a client it is exactly what is offered. Nil
	// means the hardware-aware default of package suites, under which a
	// server also follows a client that lists ChaCha20-Poly1305 first.
	CipherSuites []uint16
	// CurvePreferences lists the key exchange groups in preference order.
	// The client sends a key share for the first (and for X25519 too when
	// the first is X25519MLKEM768); the server picks by this order.
	CurvePreferences []CurveID

	// SignatureSchemes lists the signature schemes this side advertises
	// (signature_algorithms) and accepts from the peer, in preference
	// order; nil means hush's defaults (no SHA-1). Which schemes a
	// certificate signs with is Certificate.SupportedSignatureAlgorithms.
	SignatureSchemes []SignatureScheme

	// EnableRSAKeyExchange allows the TLS 1.2 static-RSA key exchange. It
	// has no forward secrecy; off by default.
	EnableRSAKeyExchange bool

	// KeyLogWriter, when set, receives secrets in the NSS key log format
	// so tools like Wireshark can decrypt a capture. It breaks security;
	// use it only for debugging.
	KeyLogWriter io.Writer

	// OnHandshakeMessage, when set, is called for every handshake message
	// and change_cipher_spec record sent or received during the handshake,
	// in wire order: a window onto the flights for debugging and demos.
	OnHandshakeMessage func(HandshakeMessage)

	// ClientSessionCache, when set, lets a client resume sessions: TLS 1.3
	// tickets, TLS 1.2 tickets and session IDs.
	ClientSessionCache ClientSessionCache
	// ServerSessionCache, when set, lets a TLS 1.2 server resume sessions
	// by session ID as well as by ticket.
	ServerSessionCache ServerSessionCache
	// SessionTicketsDisabled turns off tickets: a server neither issues nor
	// accepts them, a client does not ask for them.
	SessionTicketsDisabled bool
	// TicketKeySource, when set, supplies the server's ticket keys (for a
	// fleet sharing keys); otherwise keys rotate automatically, or come
	// from SetSessionTicketKeys.
	TicketKeySource TicketKeySource
	// TicketKeyRotation is how often an automatic ticket key is replaced
	// (default 24 h); TicketKeyLifetime is how long a replaced key still
	// opens tickets (default 7 days).
	TicketKeyRotation time.Duration
	TicketKeyLifetime time.Duration
	// AllowPSKWithoutECDHE lets TLS 1.3 resumption skip the fresh (EC)DHE
	// exchange (psk_ke) when both sides set it. Such sessions lose forward
	// secrecy with respect to the ticket key; off by default.
	AllowPSKWithoutECDHE bool

	// MaxHandshakeMessageSize bounds one handshake message from the peer,
	// and so the memory a connection can be made to buffer during the
	// handshake; zero means DefaultMaxHandshakeMessageSize (64 KiB).
	MaxHandshakeMessageSize int

	// HandshakeTimeout bounds the whole handshake of a connection made by
	// Server or a Listener; zero means no bound beyond the deadlines.
	HandshakeTimeout time.Duration

	ticketKeys *ticketKeyring // shared by clones, created on first use

	// derived is a *derivedHolder: what params computes from the fields
	// alone, once per Config instead of once per connection. It is set
	// once (derivedHolder) and only ever accessed atomically until then;
	// clones start without it.
	derived unsafe.Pointer
}

// Clone returns a shallow copy of c.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	c.keyring() // clones share the ticket keys
	// The holder must exist before the plain copy below reads the field: it
	// is never written again, so that read cannot race with a handshake.
	c.derivedHolder()
	n := *c
	n.derived = nil // the clone derives its own (its fields may change)
	return &n
}

// derivedConfig is the part of a connection's handshake parameters that
// depends only on the Config: the converted certificates (whose leaf
// x509.ParseCertificate would otherwise parse at every handshake when
// Certificate.Leaf is nil), the signature schemes, the curve preferences
// and the ticket callbacks. It is immutable once built and shared by every
// connection of its Config; the handshake only reads it.
type derivedConfig struct {
	// What it was derived from. A Config must not change once in use, but
	// a copy of a Config (by value, not Clone) shares the holder and may
	// then change its fields before its first use: an entry is used only
	// by its own Config, and only while the slices it was derived from are
	// still the Config's.
	owner    *Config
	certs    *Certificate
	nCerts   int
	schemes  *SignatureScheme
	nSchemes int
	curves   *CurveID
	nCurves  int
	// certIDs identifies each Certificate's fields as they were, so that
	// an element replaced in place (same slice, same length) is noticed
	// too: serving a replaced certificate or key silently would defeat a
	// rotation.
	certIDs []certIdentity

	certificates     []*handshake.Certificate
	signatureSchemes []uint16
	curvePreferences []uint16
	sealTicket       func(state []byte) ([]byte, error)
	openTicket       func(ticket []byte) ([]byte, bool)
}

// derivedHolder holds a Config's derivedConfig; it is shared by the
// Config's connections (and by copies made by value).
type derivedHolder struct {
	p atomic.Pointer[derivedConfig]
}

// derivedHolder returns c's holder, creating it on first use.
func (c *Config) derivedHolder() *derivedHolder {
	if h := (*derivedHolder)(atomic.LoadPointer(&c.derived)); h != nil {
		return h
	}
	h := new(derivedHolder)
	if atomic.CompareAndSwapPointer(&c.derived, nil, unsafe.Pointer(h)) {
		return h
	}
	return (*derivedHolder)(atomic.LoadPointer(&c.derived))
}

// matches reports whether d was derived from c as it is now.
func (d *derivedConfig) matches(c *Config) bool {
	if d.owner != c ||
		d.certs != unsafe.SliceData(c.Certificates) || d.nCerts != len(c.Certificates) ||
		d.schemes != unsafe.SliceData(c.SignatureSchemes) || d.nSchemes != len(c.SignatureSchemes) ||
		d.curves != unsafe.SliceData(c.CurvePreferences) || d.nCurves != len(c.CurvePreferences) ||
		len(d.certIDs) != len(c.Certificates) {
		return false
	}
	for i := range c.Certificates {
		if !d.certIDs[i].matches(&c.Certificates[i]) {
			return false
		}
	}
	return true
}

// certIdentity is what a Certificate's fields were when it was converted:
// the slices by data pointer and length, the leaf and the key by identity.
// Bytes changed inside the same slices are not seen (a Config must not
// change once in use), but a field or element replaced is.
type certIdentity struct {
	chain, ocsp, scts, algs unsafe.Pointer
	nChain, nOCSP, nSCTs    int
	nAlgs                   int
	leaf                    *x509.Certificate
	key                     keyIdentity
}

// keyIdentity identifies a private key without comparing it with ==,
// which panics for a key type that is not comparable (ed25519.PrivateKey
// is a slice). Only pointer and slice keys have an identity; any other
// kind never matches, so it is converted again at every handshake, as
// before the per-Config cache.
type keyIdentity struct {
	typ reflect.Type
	ptr uintptr
	n   int
}

func identifyKey(k any) keyIdentity {
	v := reflect.ValueOf(k)
	switch v.Kind() {
	case reflect.Pointer, reflect.UnsafePointer:
		return keyIdentity{typ: v.Type(), ptr: v.Pointer()}
	case reflect.Slice:
		return keyIdentity{typ: v.Type(), ptr: v.Pointer(), n: v.Len()}
	}
	return keyIdentity{}
}

func identifyCert(c *Certificate) certIdentity {
	return certIdentity{
		chain: unsafe.Pointer(unsafe.SliceData(c.Certificate)), nChain: len(c.Certificate),
		ocsp: unsafe.Pointer(unsafe.SliceData(c.OCSPStaple)), nOCSP: len(c.OCSPStaple),
		scts: unsafe.Pointer(unsafe.SliceData(c.SignedCertificateTimestamps)), nSCTs: len(c.SignedCertificateTimestamps),
		algs: unsafe.Pointer(unsafe.SliceData(c.SupportedSignatureAlgorithms)), nAlgs: len(c.SupportedSignatureAlgorithms),
		leaf: c.Leaf,
		key:  identifyKey(c.PrivateKey),
	}
}

func (id *certIdentity) matches(c *Certificate) bool {
	return id.key.typ != nil && identifyCert(c) == *id
}

// derive returns c's derivedConfig, computing it on the first call (or
// when the slices it came from were replaced). A certificate that cannot
// be converted fails every call, as it did per connection: failures are
// not kept. Two connections starting at once may both compute it; one
// result wins, and both are equal.
func (c *Config) derive() (*derivedConfig, error) {
	h := c.derivedHolder()
	if d := h.p.Load(); d != nil && d.matches(c) {
		return d, nil
	}
	d := &derivedConfig{
		owner:            c,
		certs:            unsafe.SliceData(c.Certificates),
		nCerts:           len(c.Certificates),
		schemes:          unsafe.SliceData(c.SignatureSchemes),
		nSchemes:         len(c.SignatureSchemes),
		curves:           unsafe.SliceData(c.CurvePreferences),
		nCurves:          len(c.CurvePreferences),
		signatureSchemes: schemesToUint16(c.SignatureSchemes),
	}
	// The keyring pointer never changes once created; binding it here
	// spares every ticket the global lock of c.keyring().
	kr := c.keyring()
	d.sealTicket = func(state []byte) ([]byte, error) { return c.sealTicket(kr, state) }
	d.openTicket = func(ticket []byte) ([]byte, bool) { return c.openTicket(kr, ticket) }
	if len(c.CurvePreferences) > 0 {
		d.curvePreferences = make([]uint16, len(c.CurvePreferences))
		for i, g := range c.CurvePreferences {
			d.curvePreferences[i] = uint16(g)
		}
	}
	if len(c.Certificates) > 0 {
		d.certificates = make([]*handshake.Certificate, len(c.Certificates))
		d.certIDs = make([]certIdentity, len(c.Certificates))
		for i := range c.Certificates {
			d.certIDs[i] = identifyCert(&c.Certificates[i])
			hc, err := c.Certificates[i].internal()
			if err != nil {
				return nil, err
			}
			d.certificates[i] = hc
		}
	}
	h.p.Store(d)
	return d, nil
}

var keyLogMu sync.Mutex

func (c *Config) maxHandshakeMessage() int {
	if c.MaxHandshakeMessageSize > 0 {
		return c.MaxHandshakeMessageSize
	}
	return DefaultMaxHandshakeMessageSize
}

func (c *Config) minVersion() uint16 {
	if c.MinVersion == 0 || c.MinVersion < VersionTLS12 {
		return VersionTLS12
	}
	return c.MinVersion
}

func (c *Config) maxVersion() uint16 {
	if c.MaxVersion == 0 || c.MaxVersion > VersionTLS13 {
		return VersionTLS13
	}
	return c.MaxVersion
}

var errNoCertificates = errors.New("hush: server Config has neither Certificates nor GetCertificate nor GetConfigForClient")

// params translates the public configuration into the handshake's.
func (c *Config) params(isClient bool) (*handshake.Params, error) {
	d, err := c.derive()
	if err != nil {
		return nil, err
	}
	p := &handshake.Params{
		IsClient:               isClient,
		Rand:                   c.Rand,
		Time:                   c.Time,
		MinVersion:             c.minVersion(),
		MaxVersion:             c.maxVersion(),
		CipherSuites:           c.CipherSuites,
		StrictSuiteOrder:       len(c.CipherSuites) > 0,
		EnableRSAKex:           c.EnableRSAKeyExchange,
		ServerName:             c.ServerName,
		InsecureSkipVerify:     c.InsecureSkipVerify,
		RootCAs:                c.RootCAs,
		ClientAuth:             int(c.ClientAuth),
		ClientCAs:              c.ClientCAs,
		NextProtos:             c.NextProtos,
		SignatureSchemes:       d.signatureSchemes,
		CurvePreferences:       d.curvePreferences,
		Certificates:           d.certificates,
		SessionTicketsDisabled: c.SessionTicketsDisabled,
		SessionCacheEnabled:    isClient && c.ClientSessionCache != nil,
		AllowPSKWithoutECDHE:   c.AllowPSKWithoutECDHE,
	}
	if !isClient {
		if !c.SessionTicketsDisabled {
			p.SealTicket, p.OpenTicket = d.sealTicket, d.openTicket
		}
		if cache := c.ServerSessionCache; cache != nil {
			p.SessionCacheGet = func(id []byte) ([]byte, bool) { return cache.Get(string(id)) }
			p.SessionCachePut = func(id, state []byte) { cache.Put(string(id), state) }
		}
	}
	if verify := c.VerifyPeerCertificate; verify != nil {
		p.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
			return chosenAlert(verify(raw, chains))
		}
	}
	if c.GetCertificate != nil {
		get := c.GetCertificate
		p.GetCertificate = func(hi *handshake.HelloInfo) (*handshake.Certificate, error) {
			cert, err := get(clientHelloInfo(hi))
			if err != nil || cert == nil {
				return nil, chosenAlert(err)
			}
			return cert.internal()
		}
	}
	if get := c.GetClientCertificate; get != nil && isClient {
		p.GetClientCertificate = func(ri *handshake.CertRequestInfo) (*handshake.Certificate, error) {
			info := &CertificateRequestInfo{AcceptableCAs: ri.AcceptableCAs, Version: ri.Version}
			for _, s := range ri.SignatureSchemes {
				info.SignatureSchemes = append(info.SignatureSchemes, SignatureScheme(s))
			}
			cert, err := get(info)
			if err != nil || cert == nil || len(cert.Certificate) == 0 {
				return nil, chosenAlert(err)
			}
			return cert.internal()
		}
	}
	if isClient {
		if c.ServerName == "" && !c.InsecureSkipVerify {
			return nil, errors.New("hush: either ServerName or InsecureSkipVerify must be set in the Config")
		}
	} else if len(c.Certificates) == 0 && c.GetCertificate == nil && c.GetConfigForClient == nil {
		return nil, errNoCertificates
	}
	return p, nil
}

// clientHelloInfo converts what the handshake saw of a ClientHello for the
// server's callbacks.
func clientHelloInfo(hi *handshake.HelloInfo) *ClientHelloInfo {
	info := &ClientHelloInfo{
		ServerName:        hi.ServerName,
		CipherSuites:      hi.CipherSuites,
		SignatureSchemes:  hi.SignatureSchemes,
		SupportedProtos:   hi.SupportedProtos,
		SupportedVersions: hi.SupportedVersions,
	}
	for _, g := range hi.SupportedGroups {
		info.SupportedCurves = append(info.SupportedCurves, CurveID(g))
	}
	return info
}

// chosenAlert tags a callback's error with the alert it chose, when it is
// or wraps an *AlertError that hush could send (see AlertError); otherwise
// it returns err unchanged and the caller's default alert applies.
func chosenAlert(err error) error {
	var ae *AlertError
	if err == nil || !errors.As(err, &ae) || ae.Received {
		return err
	}
	switch alert.Alert(ae.Alert) {
	case alert.CloseNotify, alert.UserCanceled:
		return err
	}
	return alert.Wrap(alert.Alert(ae.Alert), err)
}

// internal converts a Certificate for the handshake.
func (c *Certificate) internal() (*handshake.Certificate, error) {
	if len(c.Certificate) == 0 {
		return nil, errors.New("hush: Certificate has no certificate chain")
	}
	signer, ok := c.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, errors.New("hush: certificate private key does not implement crypto.Signer")
	}
	leaf := c.Leaf
	if leaf == nil {
		var err error
		if leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
			return nil, err
		}
	}
	return &handshake.Certificate{
		Chain:      c.Certificate,
		Key:        signer,
		Leaf:       leaf,
		OCSPStaple: c.OCSPStaple,
		SCTs:       c.SignedCertificateTimestamps,
		Schemes:    schemesToUint16(c.SupportedSignatureAlgorithms),
	}, nil
}
