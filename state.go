package hush

import (
	"crypto/x509"
	"errors"

	"github.com/hushtls/hush/internal/handshake"
	"github.com/hushtls/hush/internal/keyschedule"
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

func (c *Conn) stateFrom(r *handshake.Result, inHandshake bool) ConnectionState {
	cs := ConnectionState{
		Version:                     r.Version,
		HandshakeComplete:           !inHandshake,
		DidResume:                   r.DidResume,
		CurveID:                     CurveID(r.Group),
		SignatureScheme:             r.SignatureScheme,
		ClientSignatureScheme:       r.ClientSignatureScheme,
		NegotiatedProtocol:          r.ALPN,
		ServerName:                  r.ServerName,
		HelloRetryRequest:           r.HelloRetry,
		PeerCertificates:            r.PeerCertificates,
		VerifiedChains:              r.VerifiedChains,
		OCSPResponse:                r.OCSPResponse,
		SignedCertificateTimestamps: r.SCTs,
	}
	if r.Suite != nil {
		cs.CipherSuite = r.Suite.ID
	}
	if !inHandshake && r.Suite != nil {
		cs.ekm = exporter(r)
	}
	return cs
}

// exporter returns the keying material exporter for a completed handshake.
func exporter(r *handshake.Result) func(string, []byte, int) ([]byte, error) {
	h := r.Suite.Hash
	if r.Version == VersionTLS13 {
		secret := r.ExporterSecret
		return func(label string, context []byte, length int) ([]byte, error) {
			if length < 0 || length > keyschedule.MaxExport13(h) {
				return nil, errors.New("hush: exporter length out of range")
			}
			if len(label) > keyschedule.MaxExport13Label {
				return nil, errors.New("hush: exporter label too long")
			}
			return keyschedule.Export13(h, secret, label, context, length), nil
		}
	}
	master, cr, sr, ems := r.MasterSecret, r.ClientRandom, r.ServerRandom, r.ExtendedMasterSecret
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
