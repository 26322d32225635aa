package handshake

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
	"testing"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// corruption is one row of the corruption table: alter one message of a
// scenario's handshake and name where the handshake must stop.
type corruption struct {
	scenario string // a scenario name from scenarios()
	what     string // what the row does, for the subtest name
	tamper   tamper

	// Where it must fail: the side whose machine returns the error, the
	// state that receives the offending message, which message that is,
	// and the alert. stall instead says no side fails and no side
	// completes (the handshake waits for a message that never comes).
	side  string
	state string
	on    string
	alert alert.Alert
	stall bool

	// bug, when set, describes a known library bug that makes the row fail
	// today: the row is then skipped instead of failed, and passes by
	// itself once the library is fixed.
	bug string
}

// setLength rewrites a handshake message's 24-bit length to fit its body.
func setLength(msg []byte) []byte {
	n := len(msg) - wire.HeaderLen
	msg[1], msg[2], msg[3] = byte(n>>16), byte(n>>8), byte(n)
	return msg
}

// flipAt flips the lowest bit of byte i of the message, counted from the
// end when i is negative.
func flipAt(i int) func(testing.TB, []byte) []byte {
	return func(t testing.TB, msg []byte) []byte {
		if i < 0 {
			i += len(msg)
		}
		msg[i] ^= 1
		return msg
	}
}

func truncateOne(_ testing.TB, msg []byte) []byte { return setLength(msg[:len(msg)-1]) }

func extendOne(_ testing.TB, msg []byte) []byte { return setLength(append(msg, 0)) }

func retype(typ wire.HandshakeType) func(testing.TB, []byte) []byte {
	return func(_ testing.TB, msg []byte) []byte {
		msg[0] = byte(typ)
		return msg
	}
}

func replaceWith(b []byte) func(testing.TB, []byte) []byte {
	return func(testing.TB, []byte) []byte { return b }
}

// serverRandomAt is the offset of the random in a ServerHello or
// ClientHello: header, then legacy_version.
const randomAt = wire.HeaderLen + 2

func editServerHello(f func(*wire.ServerHello)) func(testing.TB, []byte) []byte {
	return func(t testing.TB, msg []byte) []byte {
		sh, err := wire.ParseServerHello(msg)
		if err != nil {
			t.Fatalf("parsing the ServerHello to edit: %v", err)
		}
		f(sh)
		return sh.Marshal()
	}
}

func editClientHello(f func(*wire.ClientHello)) func(testing.TB, []byte) []byte {
	return func(t testing.TB, msg []byte) []byte {
		ch, err := wire.ParseClientHello(msg)
		if err != nil {
			t.Fatalf("parsing the ClientHello to edit: %v", err)
		}
		f(ch)
		return ch.Marshal()
	}
}

func editCertificateVerify(f func(*wire.CertificateVerify)) func(testing.TB, []byte) []byte {
	return func(t testing.TB, msg []byte) []byte {
		cv, err := wire.ParseCertificateVerify(msg)
		if err != nil {
			t.Fatalf("parsing the CertificateVerify to edit: %v", err)
		}
		f(cv)
		return cv.Marshal()
	}
}

// flipInLeaf flips a bit of the last byte of the first certificate of a
// TLS 1.3 (tls13) or TLS 1.2 Certificate message: the end of the leaf's
// signature, so it parses and fails to verify.
func flipInLeaf(tls13 bool) func(testing.TB, []byte) []byte {
	return func(t testing.TB, msg []byte) []byte {
		at := wire.HeaderLen
		if tls13 {
			at += 1 + int(msg[at]) // certificate_request_context
		}
		at += 3 // certificate_list length
		n := int(msg[at])<<16 | int(msg[at+1])<<8 | int(msg[at+2])
		msg[at+3+n-1] ^= 1
		return msg
	}
}

// rsaKeyExchange builds a static-RSA ClientKeyExchange encrypted to the
// server's key from the premaster secret pm (nil: random bytes of the
// modulus length are sent as the ciphertext).
func rsaKeyExchange(t *testing.T, chain *testutil.Chain, pm []byte, ctLen int) func(testing.TB, []byte) []byte {
	pub := chain.Leaf.PublicKey.(*rsa.PublicKey)
	return func(t testing.TB, _ []byte) []byte {
		var ct []byte
		if pm != nil {
			var err error
			if ct, err = rsa.EncryptPKCS1v15(rand.Reader, pub, pm); err != nil {
				t.Fatal(err)
			}
		} else {
			ct = make([]byte, ctLen)
			rand.Read(ct)
			ct[0] &= 0x7f // below the modulus, so only the padding is wrong
		}
		return wire.NewClientKeyExchangeRSA(ct).Marshal()
	}
}

func premaster(version uint16, n int) []byte {
	pm := make([]byte, n)
	rand.Read(pm)
	pm[0], pm[1] = byte(version>>8), byte(version)
	return pm
}

// explicitCorruptions are the hand-written rows: each names the alert the
// RFC asks for and the state that must detect it.
func explicitCorruptions(t *testing.T) []corruption {
	rsaChain := testutil.NewChain(t, testutil.RSA2048)
	rsaModulus := rsaChain.Leaf.PublicKey.(*rsa.PublicKey).Size()
	var rows []corruption
	add := func(c ...corruption) { rows = append(rows, c...) }

	// TLS 1.3, one round trip.
	add(
		corruption{scenario: "TLS13/default", what: "ServerHello random bit",
			tamper: tamper{target: "S:ServerHello", edit: flipAt(randomAt)},
			// The transcripts diverge: the first check over it is the
			// signature (RFC 8446, Section 4.4.3).
			side: client, state: "client13WaitCertVerify", on: "S:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS13/default", what: "ClientHello random bit",
			tamper: tamper{target: "C:ClientHello", edit: flipAt(randomAt)},
			side:   client, state: "client13WaitCertVerify", on: "S:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS13/default", what: "ServerHello key share bit",
			tamper: tamper{target: "S:ServerHello", edit: flipAt(-7)}, // the share's last byte, before supported_versions
			side:   client, state: "client13WaitCertVerify", on: "S:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS13/default", what: "ServerHello suite not offered",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) {
				sh.CipherSuite = suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
			})},
			side: client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/default", what: "ServerHello session ID not echoed",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.LegacySessionIDEcho[0] ^= 1 })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/default", what: "ServerHello supported_versions 0x0302",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.SupportedVersion = 0x0302 })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/default", what: "ServerHello without key_share",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.HasServerShare = false })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.MissingExtension},
		corruption{scenario: "TLS13/default", what: "ServerHello share for a group without client share",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.ServerShare.Group = 0x0017 })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/default", what: "ServerHello with extended_master_secret",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = true })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/default", what: "EncryptedExtensions with unsolicited ALPN",
			tamper: tamper{target: "S:EncryptedExtensions", edit: replaceWith((&wire.EncryptedExtensions{ALPNProtocol: "h2", HasALPN: true}).Marshal())},
			side:   client, state: "client13WaitEncryptedExtensions", on: "S:EncryptedExtensions", alert: alert.UnsupportedExtension},
		corruption{scenario: "TLS13/default", what: "empty server Certificate",
			tamper: tamper{target: "S:Certificate", edit: replaceWith((&wire.Certificate13{}).Marshal())},
			side:   client, state: "client13WaitCertOrCertRequest", on: "S:Certificate", alert: alert.DecodeError},
		corruption{scenario: "TLS13/default", what: "server leaf signature bit",
			tamper: tamper{target: "S:Certificate", edit: flipInLeaf(true)},
			side:   client, state: "client13WaitCertOrCertRequest", on: "S:Certificate", alert: alert.BadCertificate},
		corruption{scenario: "TLS13/default", what: "CertificateVerify signature bit",
			tamper: tamper{target: "S:CertificateVerify", edit: flipAt(-1)},
			side:   client, state: "client13WaitCertVerify", on: "S:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS13/default", what: "CertificateVerify with PKCS1 scheme",
			tamper: tamper{target: "S:CertificateVerify", edit: editCertificateVerify(func(cv *wire.CertificateVerify) { cv.Algorithm = sig.PKCS1WithSHA256 })},
			side:   client, state: "client13WaitCertVerify", on: "S:CertificateVerify", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/default", what: "server Finished bit",
			tamper: tamper{target: "S:Finished", edit: flipAt(-1)},
			side:   client, state: "client13WaitFinished", on: "S:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS13/default", what: "client Finished bit",
			tamper: tamper{target: "C:Finished", edit: flipAt(-1)},
			side:   server, state: "server13WaitFinished", on: "C:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS13/default", what: "ClientHello without key_share",
			tamper: tamper{target: "C:ClientHello", edit: editClientHello(func(ch *wire.ClientHello) { ch.KeyShares, ch.HasKeyShare = nil, false })},
			side:   server, state: "serverWaitClientHello", on: "C:ClientHello", alert: alert.MissingExtension},
		corruption{scenario: "TLS13/default", what: "ClientHello with compression",
			tamper: tamper{target: "C:ClientHello", edit: editClientHello(func(ch *wire.ClientHello) { ch.LegacyCompressionMethods = []uint8{1, 0} })},
			side:   server, state: "serverWaitClientHello", on: "C:ClientHello", alert: alert.IllegalParameter},

		corruption{scenario: "TLS13/default", what: "drop ClientHello",
			tamper: tamper{target: "C:ClientHello", drop: true}, stall: true},
		corruption{scenario: "TLS13/default", what: "drop ServerHello",
			tamper: tamper{target: "S:ServerHello", drop: true},
			side:   client, state: "client13WaitServerHello", on: "S:EncryptedExtensions", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS13/default", what: "drop EncryptedExtensions",
			tamper: tamper{target: "S:EncryptedExtensions", drop: true},
			side:   client, state: "client13WaitEncryptedExtensions", on: "S:Certificate", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS13/default", what: "drop Certificate",
			tamper: tamper{target: "S:Certificate", drop: true},
			side:   client, state: "client13WaitCertOrCertRequest", on: "S:CertificateVerify", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS13/default", what: "drop CertificateVerify",
			tamper: tamper{target: "S:CertificateVerify", drop: true},
			side:   client, state: "client13WaitCertVerify", on: "S:Finished", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS13/default", what: "drop server Finished",
			tamper: tamper{target: "S:Finished", drop: true}, stall: true},
		corruption{scenario: "TLS13/default", what: "drop client Finished",
			tamper: tamper{target: "C:Finished", drop: true}, stall: true},
	)

	// TLS 1.3 with a HelloRetryRequest.
	add(
		corruption{scenario: "TLS13/HelloRetryRequest", what: "ClientHello2 changes random",
			tamper: tamper{target: "C:ClientHello#2", edit: flipAt(randomAt)},
			side:   server, state: "serverWaitClientHello2", on: "C:ClientHello#2", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/HelloRetryRequest", what: "ClientHello2 cookie bit",
			tamper: tamper{target: "C:ClientHello#2", edit: editClientHello(func(ch *wire.ClientHello) { ch.Cookie[0] ^= 1 })},
			side:   server, state: "serverWaitClientHello2", on: "C:ClientHello#2", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/HelloRetryRequest", what: "HelloRetryRequest asks for the group already sent",
			tamper: tamper{target: "S:HelloRetryRequest", edit: editServerHello(func(sh *wire.ServerHello) { sh.SelectedGroup = 0x001d })},
			side:   client, state: "client13WaitServerHello", on: "S:HelloRetryRequest", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/HelloRetryRequest", what: "HelloRetryRequest asks for a group not offered",
			tamper: tamper{target: "S:HelloRetryRequest", edit: editServerHello(func(sh *wire.ServerHello) { sh.SelectedGroup = 0x0018 })},
			side:   client, state: "client13WaitServerHello", on: "S:HelloRetryRequest", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/HelloRetryRequest", what: "ServerHello suite differs from HelloRetryRequest",
			tamper: tamper{target: "S:HelloRetryRequest", edit: editServerHello(func(sh *wire.ServerHello) {
				if sh.CipherSuite == suites.TLS_AES_128_GCM_SHA256 {
					sh.CipherSuite = suites.TLS_CHACHA20_POLY1305_SHA256
				} else {
					sh.CipherSuite = suites.TLS_AES_128_GCM_SHA256
				}
			})},
			side: client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/HelloRetryRequest", what: "drop HelloRetryRequest",
			tamper: tamper{target: "S:HelloRetryRequest", drop: true}, stall: true},
	)

	// TLS 1.3 with client authentication.
	add(
		corruption{scenario: "TLS13/ClientCert/ECDSA-P256", what: "client CertificateVerify signature bit",
			tamper: tamper{target: "C:CertificateVerify", edit: flipAt(-1)},
			side:   server, state: "server13WaitCertVerify", on: "C:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS13/ClientCert/RSA-2048", what: "client CertificateVerify signature bit",
			tamper: tamper{target: "C:CertificateVerify", edit: flipAt(-1)},
			side:   server, state: "server13WaitCertVerify", on: "C:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS13/ClientCert/Ed25519", what: "client CertificateVerify signature bit",
			tamper: tamper{target: "C:CertificateVerify", edit: flipAt(-1)},
			side:   server, state: "server13WaitCertVerify", on: "C:CertificateVerify", alert: alert.DecryptError},
		// With client authentication the server cannot compute the
		// client's Finished in advance (the client's Certificate and
		// CertificateVerify come first); a bad one is still decrypt_error.
		corruption{scenario: "TLS13/ClientCert/ECDSA-P256", what: "client Finished bit",
			tamper: tamper{target: "C:Finished", edit: flipAt(-1)},
			side:   server, state: "server13WaitFinished", on: "C:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS13/ClientCert/ECDSA-P256", what: "empty client Certificate",
			tamper: tamper{target: "C:Certificate", edit: replaceWith((&wire.Certificate13{}).Marshal())},
			side:   server, state: "server13WaitCertificate", on: "C:Certificate", alert: alert.CertificateRequired},
		corruption{scenario: "TLS13/ClientCert/ECDSA-P256", what: "client leaf signature bit",
			tamper: tamper{target: "C:Certificate", edit: flipInLeaf(true)},
			side:   server, state: "server13WaitCertificate", on: "C:Certificate", alert: alert.BadCertificate},
		corruption{scenario: "TLS13/ClientCert/ECDSA-P256", what: "drop CertificateRequest",
			tamper: tamper{target: "S:CertificateRequest", drop: true},
			// The client's transcript lacks the request, so the server's
			// signature over it fails.
			side: client, state: "client13WaitCertVerify", on: "S:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS13/ClientCert/ECDSA-P256", what: "drop client Certificate",
			tamper: tamper{target: "C:Certificate", drop: true},
			side:   server, state: "server13WaitCertificate", on: "C:CertificateVerify", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS13/ClientCert/ECDSA-P256", what: "drop client CertificateVerify",
			tamper: tamper{target: "C:CertificateVerify", drop: true},
			side:   server, state: "server13WaitCertVerify", on: "C:Finished", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS13/ALPN", what: "EncryptedExtensions with ALPN not offered",
			tamper: tamper{target: "S:EncryptedExtensions", edit: replaceWith((&wire.EncryptedExtensions{ALPNProtocol: "spdy/3", HasALPN: true}).Marshal())},
			side:   client, state: "client13WaitEncryptedExtensions", on: "S:EncryptedExtensions", alert: alert.IllegalParameter},
	)

	// TLS 1.2, ECDHE.
	add(
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "ServerHello random bit",
			tamper: tamper{target: "S:ServerHello", edit: flipAt(randomAt)},
			// RFC 8422, Section 5.4: the signature covers both randoms.
			side: client, state: "client12WaitServerKeyExchange", on: "S:ServerKeyExchange", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "ServerKeyExchange signature bit",
			tamper: tamper{target: "S:ServerKeyExchange", edit: flipAt(-1)},
			side:   client, state: "client12WaitServerKeyExchange", on: "S:ServerKeyExchange", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ECDHE-RSA", what: "ServerKeyExchange signature bit",
			tamper: tamper{target: "S:ServerKeyExchange", edit: flipAt(-1)},
			side:   client, state: "client12WaitServerKeyExchange", on: "S:ServerKeyExchange", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "ServerKeyExchange public key bit",
			tamper: tamper{target: "S:ServerKeyExchange", edit: flipAt(wire.HeaderLen + 4 + 3)},
			side:   client, state: "client12WaitServerKeyExchange", on: "S:ServerKeyExchange", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "ClientKeyExchange public key bit",
			tamper: tamper{target: "C:ClientKeyExchange", edit: flipAt(-1)},
			side:   server, state: "server12WaitFinished", on: "C:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "client Finished bit",
			tamper: tamper{target: "C:Finished", edit: flipAt(-1)},
			side:   server, state: "server12WaitFinished", on: "C:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "server Finished bit",
			tamper: tamper{target: "S:Finished", edit: flipAt(-1)},
			side:   client, state: "client12WaitFinished", on: "S:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "ServerHello without extended_master_secret",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = false })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.HandshakeFailure},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "ServerHello with a TLS 1.3 suite",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.CipherSuite = suites.TLS_AES_128_GCM_SHA256 })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS12/server-max-1.2", what: "ServerHello with downgrade sentinel",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { copy(sh.Random[24:], downgradeTLS12) })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "ClientHello without extended_master_secret",
			tamper: tamper{target: "C:ClientHello", edit: editClientHello(func(ch *wire.ClientHello) { ch.ExtendedMasterSecret = false })},
			side:   server, state: "serverWaitClientHello", on: "C:ClientHello", alert: alert.HandshakeFailure},

		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "drop Certificate",
			tamper: tamper{target: "S:Certificate", drop: true},
			side:   client, state: "client12WaitCertificate", on: "S:ServerKeyExchange", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "drop ServerKeyExchange",
			tamper: tamper{target: "S:ServerKeyExchange", drop: true},
			side:   client, state: "client12WaitServerKeyExchange", on: "S:ServerHelloDone", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "drop ServerHelloDone",
			tamper: tamper{target: "S:ServerHelloDone", drop: true}, stall: true},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "drop ClientKeyExchange",
			tamper: tamper{target: "C:ClientKeyExchange", drop: true},
			side:   server, state: "server12WaitClientKeyExchange", on: "C:ChangeCipherSpec", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "drop client ChangeCipherSpec",
			tamper: tamper{target: "C:ChangeCipherSpec", drop: true},
			side:   server, state: "server12WaitCCS", on: "C:Finished", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "drop server ChangeCipherSpec",
			tamper: tamper{target: "S:ChangeCipherSpec", drop: true},
			side:   client, state: "client12WaitCCS", on: "S:Finished", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/ECDHE-ECDSA", what: "drop client Finished",
			tamper: tamper{target: "C:Finished", drop: true}, stall: true},
	)

	// TLS 1.2 with client authentication.
	add(
		corruption{scenario: "TLS12/ClientCert/ECDSA-P256", what: "client CertificateVerify signature bit",
			tamper: tamper{target: "C:CertificateVerify", edit: flipAt(-1)},
			side:   server, state: "server12WaitCertificateVerify", on: "C:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ClientCert/RSA-2048", what: "client CertificateVerify signature bit",
			tamper: tamper{target: "C:CertificateVerify", edit: flipAt(-1)},
			side:   server, state: "server12WaitCertificateVerify", on: "C:CertificateVerify", alert: alert.DecryptError},
		corruption{scenario: "TLS12/ClientCert/ECDSA-P256", what: "empty client Certificate",
			tamper: tamper{target: "C:Certificate", edit: replaceWith((&wire.Certificate12{}).Marshal())},
			side:   server, state: "server12WaitCertificate", on: "C:Certificate", alert: alert.HandshakeFailure},
		corruption{scenario: "TLS12/ClientCert/ECDSA-P256", what: "client leaf signature bit",
			tamper: tamper{target: "C:Certificate", edit: flipInLeaf(false)},
			side:   server, state: "server12WaitCertificate", on: "C:Certificate", alert: alert.BadCertificate},
		corruption{scenario: "TLS12/ClientCert/ECDSA-P256", what: "drop CertificateRequest",
			tamper: tamper{target: "S:CertificateRequest", drop: true},
			side:   server, state: "server12WaitCertificate", on: "C:ClientKeyExchange", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/ClientCert/ECDSA-P256", what: "drop client CertificateVerify",
			tamper: tamper{target: "C:CertificateVerify", drop: true},
			side:   server, state: "server12WaitCertificateVerify", on: "C:ChangeCipherSpec", alert: alert.UnexpectedMessage},
	)

	// Resumption.
	add(
		corruption{scenario: "TLS13/resumption", what: "PSK binder bit",
			// pre_shared_key is the last extension and its binder the
			// ClientHello's last bytes. RFC 8446, Section 4.2.11: a binder
			// that does not verify is a decrypt_error.
			tamper: tamper{target: "C:ClientHello", edit: flipAt(-1)},
			side:   server, state: "serverWaitClientHello", on: "C:ClientHello", alert: alert.DecryptError},
		corruption{scenario: "TLS13/resumption", what: "server Finished bit",
			tamper: tamper{target: "S:Finished", edit: flipAt(-1)},
			side:   client, state: "client13WaitFinished", on: "S:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS13/resumption", what: "client Finished bit",
			tamper: tamper{target: "C:Finished", edit: flipAt(-1)},
			side:   server, state: "server13WaitFinished", on: "C:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS13/resumption", what: "ServerHello selects a PSK not offered",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) { sh.SelectedIdentity = 1 })},
			side:   client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS13/resumption", what: "drop EncryptedExtensions",
			tamper: tamper{target: "S:EncryptedExtensions", drop: true},
			side:   client, state: "client13WaitEncryptedExtensions", on: "S:Finished", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/resumption", what: "server Finished bit",
			tamper: tamper{target: "S:Finished", edit: flipAt(-1)},
			side:   client, state: "client12WaitFinished", on: "S:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS12/resumption", what: "client Finished bit",
			tamper: tamper{target: "C:Finished", edit: flipAt(-1)},
			side:   server, state: "server12WaitFinished", on: "C:Finished", alert: alert.DecryptError},
		corruption{scenario: "TLS12/resumption", what: "drop NewSessionTicket",
			// RFC 5077, Section 3.2: the ServerHello's empty session_ticket
			// says a NewSessionTicket follows, in the abbreviated handshake
			// too (Figure 2).
			tamper: tamper{target: "S:NewSessionTicket", drop: true},
			side:   client, state: "client12WaitCCS", on: "S:ChangeCipherSpec", alert: alert.UnexpectedMessage},
		corruption{scenario: "TLS12/resumption", what: "ServerHello with another suite",
			tamper: tamper{target: "S:ServerHello", edit: editServerHello(func(sh *wire.ServerHello) {
				sh.CipherSuite = suites.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
			})},
			side: client, state: "client13WaitServerHello", on: "S:ServerHello", alert: alert.IllegalParameter},
		corruption{scenario: "TLS12/tickets-issued", what: "drop NewSessionTicket",
			tamper: tamper{target: "S:NewSessionTicket", drop: true},
			side:   client, state: "client12WaitCCS", on: "S:ChangeCipherSpec", alert: alert.UnexpectedMessage},
	)

	// TLS 1.2 static RSA. RFC 5246, Section 7.4.7.1: a bad padding, length
	// or version must not be distinguishable; the server continues with a
	// random premaster secret, so every one of these fails in the same
	// state, on the client's Finished, with the same alert.
	const rsaState, rsaOn = "server12WaitFinished", "C:Finished"
	for _, c := range []struct {
		what string
		edit func(testing.TB, []byte) []byte
	}{
		{"ClientKeyExchange ciphertext bit", flipAt(-1)},
		{"premaster with wrong version", rsaKeyExchange(t, rsaChain, premaster(0x0302, 48), 0)},
		{"premaster of 47 bytes", rsaKeyExchange(t, rsaChain, premaster(wire.VersionTLS12, 47), 0)},
		{"premaster of 49 bytes", rsaKeyExchange(t, rsaChain, premaster(wire.VersionTLS12, 49), 0)},
		{"random ciphertext (wrong padding)", rsaKeyExchange(t, rsaChain, nil, rsaModulus)},
		{"ciphertext one byte short", rsaKeyExchange(t, rsaChain, nil, rsaModulus-1)},
		{"well-formed premaster the client does not know", rsaKeyExchange(t, rsaChain, premaster(wire.VersionTLS12, 48), 0)},
	} {
		add(corruption{scenario: "TLS12/RSA", what: c.what,
			tamper: tamper{target: "C:ClientKeyExchange", edit: c.edit},
			side:   server, state: rsaState, on: rsaOn, alert: alert.DecryptError})
	}
	add(
		corruption{scenario: "TLS12/RSA", what: "ServerHello random bit",
			tamper: tamper{target: "S:ServerHello", edit: flipAt(randomAt)},
			side:   server, state: "server12WaitFinished", on: "C:Finished", alert: alert.DecryptError},
	)
	return rows
}

// genericCorruptions derives rows from a clean run of each scenario: every
// message, truncated or lengthened by one byte (with its length fixed up),
// fails to decode where it is received; given a type no handshake state
// expects, or delivered twice, it is an unexpected_message.
func genericCorruptions(t *testing.T, scs []scenario, names ...string) []corruption {
	var rows []corruption
	for _, sc := range scs {
		if !containsString(names, sc.name) {
			continue
		}
		r, _ := runScenario(t, sc, nil)
		if r.fail != nil || !r.done() {
			t.Fatalf("%s: the clean run does not complete", sc.name)
		}
		for _, st := range r.steps {
			if st.msg[2:] == ccsName {
				rows = append(rows, corruption{scenario: sc.name, what: "duplicate " + st.msg,
					tamper: tamper{target: st.msg, dup: true},
					side:   st.to, state: st.after, on: st.msg, alert: alert.UnexpectedMessage})
				continue
			}
			if !st.empty {
				rows = append(rows, corruption{scenario: sc.name, what: "truncate " + st.msg,
					tamper: tamper{target: st.msg, edit: truncateOne},
					side:   st.to, state: st.before, on: st.msg, alert: alert.DecodeError})
			}
			rows = append(rows,
				corruption{scenario: sc.name, what: "extend " + st.msg,
					tamper: tamper{target: st.msg, edit: extendOne},
					side:   st.to, state: st.before, on: st.msg, alert: alert.DecodeError},
				corruption{scenario: sc.name, what: "retype " + st.msg,
					tamper: tamper{target: st.msg, edit: retype(wire.TypeKeyUpdate)},
					side:   st.to, state: st.before, on: st.msg, alert: alert.UnexpectedMessage},
				corruption{scenario: sc.name, what: "duplicate " + st.msg,
					tamper: tamper{target: st.msg, dup: true},
					side:   st.to, state: st.after, on: st.msg, alert: alert.UnexpectedMessage},
			)
		}
	}
	return rows
}

// corruptChainBug is a library bug the leaf-signature rows find.
const corruptChainBug = "certAlert maps every x509.UnknownAuthorityError to unknown_ca, also when the " +
	"presented chain is corrupt (the leaf's signature does not verify under the intermediate sent with it); " +
	"RFC 8446, Section 6.2 names bad_certificate for \"signatures that did not verify correctly\""

// genericExceptions adjusts generic rows whose message is legal in the
// state it reaches, so another check catches it.
var genericExceptions = map[string]func(*corruption){
	// The first ClientHello again, in place of the second: it is a
	// ClientHello, but one that does not echo the cookie.
	"TLS13/HelloRetryRequest/duplicate C:ClientHello": func(c *corruption) { c.alert = alert.IllegalParameter },
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCorruption(t *testing.T) {
	scs := scenarios(t)
	byName := map[string]scenario{}
	for _, sc := range scs {
		byName[sc.name] = sc
	}
	rows := explicitCorruptions(t)
	generic := genericCorruptions(t, scs,
		"TLS13/default", "TLS13/HelloRetryRequest", "TLS13/ClientCert/ECDSA-P256",
		"TLS12/ECDHE-ECDSA", "TLS12/RSA", "TLS12/ClientCert/RSA-2048",
		"TLS13/resumption", "TLS12/tickets-issued", "TLS12/resumption")
	for i := range generic {
		if fix, ok := genericExceptions[generic[i].scenario+"/"+generic[i].what]; ok {
			fix(&generic[i])
		}
	}
	rows = append(rows, generic...)
	for _, row := range rows {
		t.Run(row.scenario+"/"+row.what, func(t *testing.T) {
			t.Parallel()
			sc, ok := byName[row.scenario]
			if !ok {
				t.Fatalf("no scenario %q", row.scenario)
			}
			tam := row.tamper
			r, _ := runScenario(t, sc, &tam)
			if !r.tamperHit {
				t.Fatalf("no message %s in the handshake: %v", tam.target, r.deliveries)
			}
			if row.stall {
				if r.fail != nil {
					t.Fatalf("%s failed in %s on %s with %v: %v; want a stall", r.fail.side, r.fail.state, r.fail.msg, r.fail.alert(), r.fail.err)
				}
				if r.done() {
					t.Fatal("both sides completed; want a stall")
				}
				return
			}
			if r.fail == nil {
				if row.bug != "" {
					t.Skipf("known library bug: %s\nno failure (client done %v, server done %v)", row.bug, r.c.m.Done(), r.s.m.Done())
				}
				t.Fatalf("no failure (client done %v, server done %v); want %s to fail in %s with %v",
					r.c.m.Done(), r.s.m.Done(), row.side, row.state, row.alert)
			}
			f := r.fail
			if f.side != row.side || f.state != row.state || f.msg != row.on || f.alert() != row.alert {
				if row.bug != "" {
					t.Skipf("known library bug: %s\n%s failed in %s on %s with %v (%v)", row.bug, f.side, f.state, f.msg, f.alert(), f.err)
				}
				t.Errorf("%s failed in %s on %s with %v (%v)\nwant %s failing in %s on %s with %v",
					f.side, f.state, f.msg, f.alert(), f.err, row.side, row.state, row.on, row.alert)
			}
			if !strings.HasPrefix(f.err.Error(), "hush: ") {
				t.Errorf("error %q does not begin with \"hush: \"", f.err)
			}
			// A machine that returned an error accepts nothing more.
			m := r.c.m
			if f.side == server {
				m = r.s.m
			}
			if _, err := m.Handle((&wire.Finished{VerifyData: make([]byte, 32)}).Marshal()); err == nil {
				t.Error("the failed machine accepted another message")
			}
		})
	}
}

// TestStaticRSANoOracle runs every bad static-RSA ClientKeyExchange of the
// table and checks that they end identically: same side, state, message,
// alert and error text. A difference would be a padding or version oracle
// (RFC 5246, Section 7.4.7.1).
func TestStaticRSANoOracle(t *testing.T) {
	var sc scenario
	for _, s := range scenarios(t) {
		if s.name == "TLS12/RSA" {
			sc = s
		}
	}
	var first string
	for _, row := range explicitCorruptions(t) {
		if row.scenario != sc.name || row.tamper.target != "C:ClientKeyExchange" {
			continue
		}
		tam := row.tamper
		r, _ := runScenario(t, sc, &tam)
		if r.fail == nil {
			t.Fatalf("%s: no failure", row.what)
		}
		got := fmt.Sprintf("%s %s %s %v %q", r.fail.side, r.fail.state, r.fail.msg, r.fail.alert(), r.fail.err)
		if first == "" {
			first = got
			t.Logf("every bad ClientKeyExchange: %s", got)
			continue
		}
		if got != first {
			t.Errorf("%s ends as\n %s\nothers as\n %s", row.what, got, first)
		}
	}
	if first == "" {
		t.Fatal("no static-RSA ClientKeyExchange rows")
	}
}
