package wire

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// Handshake messages of RFC 8448 (TLS 1.3 traces), copied as the trace
// prints them: spaced hex over several lines. traceHexOther decodes them.

// traceHexOther decodes the spaced, multi-line hex of an RFC 8448 trace.
func traceHexOther(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad trace hex: %v", err)
	}
	return b
}

// rfc8448ServerCertificateOther is the Certificate of RFC 8448, Section 3, 445 octets.
const rfc8448ServerCertificateOther = `
	0b 00 01 b9 00 00 01 b5 00 01 b0 30 82
	01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a 86 48
	86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03
	72 73 61 30 1e 17 0d 31 36 30 37 33 30 30 31 32 33 35 39 5a 17
	0d 32 36 30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a 06
	03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7
	0d 01 01 01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4 bb 49 8f
	82 79 30 3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26
	d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c
	1a f1 9e aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc b0 52
	4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74
	80 30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 3e 2b d1 93
	ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 03
	01 00 01 a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06
	03 55 1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d 01
	01 0b 05 00 03 81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a
	72 67 17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea
	e8 f8 a5 8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01
	51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 be
	c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b
	1c 3b 84 e0 a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8
	96 12 29 ac 91 87 b4 2b 4d e1 00 00
`

// rfc8448ServerCertificateVerifyOther is the CertificateVerify of RFC 8448, Section 3, 136 octets.
const rfc8448ServerCertificateVerifyOther = `
	0f 00 00 84 08 04 00 80 5a 74 7c
	5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a
	b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07
	86 53 fa 6b ef 78 0c 5e a2 48 ee aa a7 85 c4 f3 94 ca b6 d3 0b
	be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44
	5c 9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a
	3d a5 04 3e 06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3
`

// rfc8448ServerFinishedOther is the Finished of RFC 8448, Section 3, 36 octets.
const rfc8448ServerFinishedOther = `
	14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb
	dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07
	18
`

// rfc8448ClientFinishedOther is the Finished of RFC 8448, Section 3, 36 octets.
const rfc8448ClientFinishedOther = `
	14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a
	c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce
	61
`

// rfc8448NewSessionTicketOther is the NewSessionTicket of RFC 8448, Section 3, 205 octets.
const rfc8448NewSessionTicketOther = `
	04 00 00 c9 00 00 00 1e fa d6 aa
	c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00
	00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c
	49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11
	72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28
	27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25
	a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c
	5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6
	17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50
	5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00
	04 00 00 04 00
`

// rfc8448EndOfEarlyDataOther is the EndOfEarlyData of RFC 8448, Section 4, 4 octets.
const rfc8448EndOfEarlyDataOther = `
	05 00 00 00
`

// rfc8448CertificateRequestOther is the CertificateRequest of RFC 8448, Section 6, 43 octets.
const rfc8448CertificateRequestOther = `
	0d 00 00 27 00 00 24 00 0d 00 20
	00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06
	01 02 01 04 02 05 02 06 02 02 02
`

// rfc8448ClientCertificateOther is the Certificate of RFC 8448, Section 6, 319 octets.
const rfc8448ClientCertificateOther = `
	0b 00 01 3b 00 00 01 37 00 01 32 30 82
	01 2e 30 81 d5 a0 03 02 01 02 02 01 07 30 0a 06 08 2a 86 48 ce
	3d 04 03 02 30 13 31 11 30 0f 06 03 55 04 03 13 08 65 63 64 73
	61 32 35 36 30 1e 17 0d 31 36 30 37 33 30 30 31 32 34 30 30 5a
	17 0d 32 36 30 37 33 30 30 31 32 34 30 30 5a 30 13 31 11 30 0f
	06 03 55 04 03 13 08 65 63 64 73 61 32 35 36 30 59 30 13 06 07
	2a 86 48 ce 3d 02 01 06 08 2a 86 48 ce 3d 03 01 07 03 42 00 04
	08 d5 30 16 15 75 f4 cf e7 f1 54 ee 34 48 18 00 86 00 1e 88 43
	1a 79 ee 62 ee 6e 2f 83 ef 38 ba 61 e9 fb 37 f3 4e 00 7a 7d f4
	d2 f5 b5 6d 1f 04 ec e4 5d 62 1f 46 84 06 f5 c3 a1 51 58 94 8d
	d0 a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55
	1d 0f 04 04 03 02 07 80 30 0a 06 08 2a 86 48 ce 3d 04 03 02 03
	48 00 30 45 02 21 00 df 30 fd 45 07 f5 ed d2 2c 1a 6f f8 6d b4
	79 ca 69 3f ee ca 3b 71 b3 f9 ef 55 6b 29 37 c0 59 4d 02 20 62
	e2 a4 72 50 d3 20 fe a8 3c 7e 2d cb 5b 76 a5 0e 02 00 c0 9a db
	d1 3f ee 94 6e 51 3e 01 1d 11 00 00
`

// rfc8448ClientCertificateVerifyOther is the CertificateVerify of RFC 8448, Section 6, 79 octets.
const rfc8448ClientCertificateVerifyOther = `
	0f 00 00 4b 04 03 00 47 30 45 02
	21 00 d7 a4 d3 4b d5 4f 55 fe e1 a8 96 25 67 8c 3d d5 e5 f6 0d
	ac 73 ec 94 0c 5c 7b 93 04 a0 20 84 a9 02 20 28 9f 59 5e d4 88
	b9 ac 68 9a 3d 19 2b 1a 8b b3 8f 34 af 78 74 c0 59 c9 80 6a 1f
	38 26 93 53 e8
`

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
			hex  string
			cert int
		}{
			{"server", rfc8448ServerCertificateOther, 0x1b0},
			{"client", rfc8448ClientCertificateOther, 0x132},
		} {
			msg := traceHexOther(t, c.hex)
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
			hex  string
			alg  uint16
			n    int
		}{
			{"server", rfc8448ServerCertificateVerifyOther, 0x0804, 128},
			{"client", rfc8448ClientCertificateVerifyOther, 0x0403, 71},
		} {
			msg := traceHexOther(t, c.hex)
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
		for _, h := range []string{rfc8448ServerFinishedOther, rfc8448ClientFinishedOther} {
			msg := traceHexOther(t, h)
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
		msg := traceHexOther(t, rfc8448NewSessionTicketOther)
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
		msg := traceHexOther(t, rfc8448EndOfEarlyDataOther)
		if err := ParseEndOfEarlyData(msg); err != nil {
			t.Fatal(err)
		}
		remarshal(t, "EndOfEarlyData", msg, MarshalEndOfEarlyData())
	})
	t.Run("CertificateRequest", func(t *testing.T) {
		msg := traceHexOther(t, rfc8448CertificateRequestOther)
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
			hex   string
			parse func([]byte) error
		}{
			{rfc8448ServerCertificateOther, func(b []byte) error { _, err := ParseCertificate13(b); return err }},
			{rfc8448ClientCertificateOther, func(b []byte) error { _, err := ParseCertificate13(b); return err }},
			{rfc8448ServerCertificateVerifyOther, func(b []byte) error { _, err := ParseCertificateVerify(b); return err }},
			{rfc8448NewSessionTicketOther, func(b []byte) error { _, err := ParseNewSessionTicket13(b); return err }},
			{rfc8448CertificateRequestOther, func(b []byte) error { _, err := ParseCertificateRequest13(b); return err }},
		} {
			prefixesOther(t, traceHexOther(t, c.hex), true, c.parse)
		}
	})
}
