package wire

import (
	"bytes"
	"testing"

	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

// TestRFC8448Other parses the trace's messages, checks a few fields, and
// requires Marshal to reproduce them byte for byte.
func TestRFC8448Other(t *testing.T) {
	remarshal := func(t *testing.T, name string, in, out []byte) {
		t.Helper()
		if !bytes.Equal(in, out) {
			t.Fatalf("%s: re-marshal differs:\n got %x\nwant %x", name, out, in)
		}
	}
	t.Run("Certificate", func(t *testing.T) {
		for _, c := range []struct {
			name string
			msg  []byte
			cert int
		}{
			{"server", rfc8448.S3Certificate, 0x1b0},
			{"client", rfc8448.S6ClientCertificate, 0x132},
		} {
			msg := c.msg
			m, err := ParseCertificate13(msg)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(m.CertificateRequestContext) != 0 || len(m.Entries) != 1 ||
				len(m.Entries[0].Data) != c.cert || len(m.Entries[0].Extensions) != 0 {
				t.Fatalf("%s: unexpected %+v", c.name, m)
			}
			remarshal(t, c.name, msg, m.Marshal())
		}
	})
	t.Run("CertificateVerify", func(t *testing.T) {
		for _, c := range []struct {
			name string
			msg  []byte
			alg  uint16
			n    int
		}{
			{"server", rfc8448.S3CertificateVerify, 0x0804, 128},
			{"client", rfc8448.S6ClientCertificateVerify, 0x0403, 71},
		} {
			msg := c.msg
			m, err := ParseCertificateVerify(msg)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if m.Algorithm != c.alg || len(m.Signature) != c.n {
				t.Fatalf("%s: algorithm %#04x, signature %d bytes", c.name, m.Algorithm, len(m.Signature))
			}
			remarshal(t, c.name, msg, m.Marshal())
		}
	})
	t.Run("Finished", func(t *testing.T) {
		for _, h := range [][]byte{rfc8448.S3ServerFinished, rfc8448.S3ClientFinished} {
			msg := h
			m, err := ParseFinished(msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.VerifyData) != 32 || !bytes.Equal(m.VerifyData, msg[4:]) {
				t.Fatalf("verify_data %x", m.VerifyData)
			}
			remarshal(t, "Finished", msg, m.Marshal())
		}
	})
	t.Run("NewSessionTicket", func(t *testing.T) {
		msg := rfc8448.S3NewSessionTicket
		m, err := ParseNewSessionTicket13(msg)
		if err != nil {
			t.Fatal(err)
		}
		if m.Lifetime != 30 || m.AgeAdd != 0xfad6aac5 || !bytes.Equal(m.Nonce, []byte{0, 0}) ||
			len(m.Ticket) != 0xb2 || !m.HasMaxEarlyData || m.MaxEarlyData != 1024 || len(m.Extensions) != 1 {
			t.Fatalf("unexpected %+v", m)
		}
		remarshal(t, "NewSessionTicket", msg, m.Marshal())
	})
	t.Run("EndOfEarlyData", func(t *testing.T) {
		msg := rfc8448.S4EndOfEarlyData
		if err := ParseEndOfEarlyData(msg); err != nil {
			t.Fatal(err)
		}
		remarshal(t, "EndOfEarlyData", msg, MarshalEndOfEarlyData())
	})
	t.Run("CertificateRequest", func(t *testing.T) {
		msg := rfc8448.S6CertificateRequest
		m, err := ParseCertificateRequest13(msg)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.CertificateRequestContext) != 0 || len(m.SignatureAlgorithms) != 15 ||
			m.SignatureAlgorithms[0] != 0x0403 || m.OCSPStapling || m.SCTs {
			t.Fatalf("unexpected %+v", m)
		}
		remarshal(t, "CertificateRequest", msg, m.Marshal())
	})
	t.Run("Prefixes", func(t *testing.T) {
		for _, c := range []struct {
			msg   []byte
			parse func([]byte) error
		}{
			{rfc8448.S3Certificate, func(b []byte) error { _, err := ParseCertificate13(b); return err }},
			{rfc8448.S6ClientCertificate, func(b []byte) error { _, err := ParseCertificate13(b); return err }},
			{rfc8448.S3CertificateVerify, func(b []byte) error { _, err := ParseCertificateVerify(b); return err }},
			{rfc8448.S3NewSessionTicket, func(b []byte) error { _, err := ParseNewSessionTicket13(b); return err }},
			{rfc8448.S6CertificateRequest, func(b []byte) error { _, err := ParseCertificateRequest13(b); return err }},
		} {
			prefixesOther(t, c.msg, true, c.parse)
		}
	})
}
