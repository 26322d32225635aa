package hush

import (
	"bytes"
	"crypto/x509"
	"errors"

	"github.com/hushtls/hush/internal/handshake"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/suites"
)

// ConnectionState describes a connection's negotiated parameters.
type ConnectionState struct {
	// Version is VersionTLS13 or VersionTLS12.
	Version uint16
	// HandshakeComplete is true once the handshake has finished.
	HandshakeComplete bool
	// DidResume is true when the session was resumed.
	DidResume bool
	// CipherSuite is the negotiated suite.
	CipherSuite uint16
	// CurveID is the key exchange group.
	CurveID CurveID
	// SignatureScheme is the scheme the server's signature used.
	SignatureScheme uint16
	// ClientSignatureScheme is the scheme of the client's CertificateVerify,
	// or 0 when the client sent no certificate.
	ClientSignatureScheme uint16
	// NegotiatedProtocol is the ALPN protocol, or empty.
	NegotiatedProtocol string
	// ServerName is the SNI host name the client sent.
	ServerName string
	// HelloRetryRequest is true when the server asked the client to retry
	// with another key share (TLS 1.3).
	HelloRetryRequest bool
	// PeerCertificates is the peer's chain, leaf first.
	PeerCertificates []*x509.Certificate
	// VerifiedChains are the chains verification built, when it ran.
	VerifiedChains [][]*x509.Certificate
	// OCSPResponse is the stapled OCSP response the server sent.
	OCSPResponse []byte
	// SignedCertificateTimestamps are the SCTs the server sent.
	SignedCertificateTimestamps [][]byte
	// TLSUnique is the tls-unique channel binding (RFC 5929, Section 3) of
	// a TLS 1.2 connection: the verify_data of the first Finished of its
	// handshake. hush requires the extended master secret, so it is also
	// set, and sound, on resumption (RFC 7627, Section 5.4). TLS 1.3 has no
	// tls-unique (use ExportKeyingMaterial, RFC 9266): nil there.
	TLSUnique []byte

	ekm func(label string, context []byte, length int) ([]byte, error)
}

// ExportKeyingMaterial derives keying material from the connection's
// secrets (RFC 8446, Section 7.5; RFC 5705 for TLS 1.2 with the extended
// master secret).
func (cs *ConnectionState) ExportKeyingMaterial(label string, context []byte, length int) ([]byte, error) {
	if cs.ekm == nil {
		return nil, errors.New("hush: ExportKeyingMaterial before the handshake completed")
	}
	return cs.ekm(label, context, length)
}

// established is what a completed handshake leaves for the rest of the
// connection's life: what ConnectionState reports, the secrets that
// ExportKeyingMaterial and KeyUpdate need, and nothing more. It replaces
// the handshake's whole Result, most of which is of no use afterwards, so
// that an idle connection stays small. The fields most connections never
// set (a peer's certificates, stapled data, TLS 1.2 randoms, a client's
// ticket state) are behind pointers that stay nil when unused.
type established struct {
	suite *suites.Suite
	// secrets holds, in TLS 1.3, the client application traffic secret,
	// the server's and the exporter master secret, each of the suite's
	// hash size, in one allocation; a KeyUpdate replaces its traffic
	// secret in place. In TLS 1.2 it is the master secret.
	secrets    []byte
	alpn       string
	serverName string
	peer       *peerCerts
	extra      *establishedExtra

	version, group, sigScheme, clientSigScheme uint16

	didResume, helloRetry, ems bool
}

// peerCerts is the peer's chain and the chains verification built.
type peerCerts struct {
	certs  []*x509.Certificate
	chains [][]*x509.Certificate
}

// establishedExtra holds what only some connections need after the
// handshake.
type establishedExtra struct {
	ocsp []byte
	scts [][]byte
	// randoms is client_random || server_random, for TLS 1.2 exporters.
	randoms []byte
	// tlsUnique is a TLS 1.2 connection's tls-unique channel binding.
	tlsUnique []byte
	// tickets is kept by a TLS 1.3 client with a session cache, to turn
	// the NewSessionTickets that follow the handshake into sessions. Its
	// traffic, exporter and master secrets are cleared: only the
	// resumption secret is needed.
	tickets *handshake.Result
}

// summarize builds the established state from a handshake result. With
// final, the handshake is complete: the secrets are taken (into one block
// of their own), and everything that points into received handshake
// messages (randoms, stapled OCSP, SCTs) is copied, so that the
// connection keeps neither the machine nor those messages alive. Without
// final (for VerifyConnection, during the handshake) nothing is copied and
// no secret is taken. With keepTickets (a TLS 1.3 client with a session
// cache) the state for NewSessionTickets is kept too.
func summarize(r *handshake.Result, final, keepTickets bool) established {
	e := established{
		suite:           r.Suite,
		alpn:            r.ALPN,
		serverName:      r.ServerName,
		version:         r.Version,
		group:           r.Group,
		sigScheme:       r.SignatureScheme,
		clientSigScheme: r.ClientSignatureScheme,
		didResume:       r.DidResume,
		helloRetry:      r.HelloRetry,
		ems:             r.ExtendedMasterSecret,
	}
	if r.PeerCertificates != nil || r.VerifiedChains != nil {
		e.peer = &peerCerts{certs: r.PeerCertificates, chains: r.VerifiedChains}
	}
	var x establishedExtra
	if !final {
		x.ocsp, x.scts, x.tlsUnique = r.OCSPResponse, r.SCTs, r.TLSUnique
	} else {
		x.ocsp = bytes.Clone(r.OCSPResponse)
		if r.SCTs != nil {
			x.scts = make([][]byte, len(r.SCTs))
			for i, s := range r.SCTs {
				x.scts[i] = bytes.Clone(s)
			}
		}
		switch {
		case r.Version == VersionTLS13 && r.Suite != nil:
			h := r.Suite.Hash.Size()
			e.secrets = make([]byte, 0, 3*h)
			e.secrets = append(e.secrets, r.ClientTrafficSecret...)
			e.secrets = append(e.secrets, r.ServerTrafficSecret...)
			e.secrets = append(e.secrets, r.ExporterSecret...)
			if len(e.secrets) != 3*h {
				// The machine always derives all three; never export
				// from a short block.
				e.secrets = nil
			}
			if keepTickets && r.ResumptionSecret != nil {
				t := *r
				t.ClientTrafficSecret, t.ServerTrafficSecret, t.ExporterSecret, t.MasterSecret = nil, nil, nil, nil
				t.ClientRandom, t.ServerRandom = nil, nil
				t.OCSPResponse, t.SCTs = x.ocsp, x.scts
				t.NewSession = nil
				x.tickets = &t
			}
		case r.Version == VersionTLS12:
			// One allocation for the master secret and, after it, the
			// (public) randoms; wiping e.secrets clears only the secret.
			// The tls-unique value (public too) follows.
			m := len(r.MasterSecret)
			n := len(r.ClientRandom) + len(r.ServerRandom)
			b := make([]byte, 0, m+n+len(r.TLSUnique))
			b = append(append(append(b, r.MasterSecret...), r.ClientRandom...), r.ServerRandom...)
			b = append(b, r.TLSUnique...)
			e.secrets, x.randoms = b[:m:m], b[m:m+n:m+n]
			if len(r.TLSUnique) > 0 {
				x.tlsUnique = b[m+n:]
			}
		}
	}
	if x.ocsp != nil || x.scts != nil || x.randoms != nil || x.tickets != nil || x.tlsUnique != nil {
		e.extra = &x
	}
	return e
}

// trafficSecret returns this side's current TLS 1.3 application traffic
// secret for writing (write) or reading, inside e.secrets: a KeyUpdate
// overwrites it there.
func (e *established) trafficSecret(isClient, write bool) []byte {
	h := e.suite.Hash.Size()
	if isClient == write { // the client's secret
		return e.secrets[:h:h]
	}
	return e.secrets[h : 2*h : 2*h]
}

// state returns the ConnectionState for e; complete is false while the
// handshake runs (VerifyConnection), when no exporter is available.
func (e *established) state(complete bool) ConnectionState {
	cs := ConnectionState{
		Version:               e.version,
		HandshakeComplete:     complete,
		DidResume:             e.didResume,
		CurveID:               CurveID(e.group),
		SignatureScheme:       e.sigScheme,
		ClientSignatureScheme: e.clientSigScheme,
		NegotiatedProtocol:    e.alpn,
		ServerName:            e.serverName,
		HelloRetryRequest:     e.helloRetry,
	}
	if e.peer != nil {
		cs.PeerCertificates, cs.VerifiedChains = e.peer.certs, e.peer.chains
	}
	if e.extra != nil {
		cs.OCSPResponse, cs.SignedCertificateTimestamps = e.extra.ocsp, e.extra.scts
		cs.TLSUnique = e.extra.tlsUnique
	}
	if e.suite != nil {
		cs.CipherSuite = e.suite.ID
		if complete {
			cs.ekm = e.exporter()
		}
	}
	return cs
}

// exporter returns the keying material exporter for a completed handshake.
func (e *established) exporter() func(string, []byte, int) ([]byte, error) {
	h := e.suite.Hash
	if e.version == VersionTLS13 {
		n := h.Size()
		var secret []byte
		if len(e.secrets) == 3*n {
			secret = e.secrets[2*n : 3*n : 3*n]
		}
		return func(label string, context []byte, length int) ([]byte, error) {
			if secret == nil {
				return nil, errors.New("hush: no exporter secret")
			}
			if length < 0 || length > keyschedule.MaxExport13(h) {
				return nil, errors.New("hush: exporter length out of range")
			}
			if len(label) > keyschedule.MaxExport13Label {
				return nil, errors.New("hush: exporter label too long")
			}
			return keyschedule.Export13(h, secret, label, context, length), nil
		}
	}
	master, ems := e.secrets, e.ems
	var cr, sr []byte
	if e.extra != nil && len(e.extra.randoms) == 64 {
		cr, sr = e.extra.randoms[:32:32], e.extra.randoms[32:]
	}
	return func(label string, context []byte, length int) ([]byte, error) {
		// RFC 7627, Section 5.4 and RFC 5705, Section 4: exporters without
		// the extended master secret are unsafe, and some labels are
		// reserved for the protocol itself.
		if !ems {
			return nil, errors.New("hush: ExportKeyingMaterial needs the extended master secret in TLS 1.2")
		}
		switch label {
		case "client finished", "server finished", "master secret", "key expansion", "extended master secret":
			return nil, errors.New("hush: reserved exporter label")
		}
		if length < 0 {
			return nil, errors.New("hush: negative exporter length")
		}
		if len(context) > keyschedule.MaxExport12Context {
			return nil, errors.New("hush: exporter context too long")
		}
		return keyschedule.Export12(h, master, cr, sr, label, context, context != nil, length), nil
	}
}
