package handshake

import (
	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/wire"
)

// chooseClientCertificate picks the certificate a client answers a
// CertificateRequest with, and the scheme it signs with; a nil certificate
// means an empty Certificate message.
//
// With GetClientCertificate the application chooses; its certificate must
// be able to sign one of the schemes the server asked for, since the
// application vouched for it (handshake_failure otherwise), and its error
// aborts the handshake (internal_error unless it chose an alert).
// Without it, the first configured certificate whose key can sign a
// requested scheme (and, in TLS 1.2, is of a requested certificate type)
// is used; when none fits, the client sends no certificate (RFC 8446,
// Section 4.4.2.4; RFC 5246, Section 7.4.6) and lets the server decide.
func (hs *shared) chooseClientCertificate(version uint16, schemes []uint16, cas [][]byte, certTypes []uint8) (*Certificate, uint16, error) {
	p := hs.p
	if p.GetClientCertificate != nil {
		c, err := p.GetClientCertificate(&CertRequestInfo{AcceptableCAs: cas, SignatureSchemes: schemes, Version: version})
		if err != nil {
			return nil, 0, alert.Default(alert.InternalError, err)
		}
		if c == nil || len(c.Chain) == 0 {
			return nil, 0, nil
		}
		scheme, err := chooseScheme(c, schemes, version)
		if err != nil {
			return nil, 0, err
		}
		return c, scheme, nil
	}
	for _, c := range p.Certificates {
		if version == wire.VersionTLS12 && !certTypeRequested(c.Key.Public(), certTypes) {
			continue
		}
		if scheme, err := chooseScheme(c, schemes, version); err == nil {
			return c, scheme, nil
		}
	}
	return nil, 0, nil
}
