package handshake

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"slices"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// downgradeTLS12 is the last 8 bytes of a TLS 1.3-capable server's random
// when it negotiates TLS 1.2 (RFC 8446, Section 4.1.3).
var downgradeTLS12 = []byte{0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01}

// keys12 derives the TLS 1.2 record protection of both directions from
// the master secret (RFC 5246, Section 6.3). The key block is wiped once
// the Protectors hold their copies of the keys.
func keys12(suite *suites.Suite, prf *keyschedule.Master12, clientRandom, serverRandom []byte) (client, server *record.Protector, err error) {
	defer prf.WipeKeyBlock()
	ck, sk, civ, siv := prf.KeyBlock12(clientRandom, serverRandom, suite.KeyLen, suite.IVLen)
	if client, err = record.NewTLS12(suite, ck, civ); err != nil {
		return nil, nil, alert.Wrap(alert.InternalError, err)
	}
	if server, err = record.NewTLS12(suite, sk, siv); err != nil {
		return nil, nil, alert.Wrap(alert.InternalError, err)
	}
	return client, server, nil
}

// masterSecret12 computes the extended master secret (RFC 7627, Section 4)
// from the transcript through ClientKeyExchange.
func (hs *shared) masterSecret12(suite *suites.Suite, preMaster []byte) []byte {
	master := keyschedule.ExtendedMasterSecret12(suite.Hash, preMaster, hs.transcript.SumTemp())
	hs.result.MasterSecret = master
	hs.result.ExtendedMasterSecret = true
	hs.keyLog("CLIENT_RANDOM", master)
	return master
}

// enablesSuite12 reports whether suitesFor(VersionTLS12) would list id,
// without building the list.
func (p *Params) enablesSuite12(id uint16) bool {
	if !slices.Contains(p.cipherSuites(), id) {
		return false
	}
	s, ok := suites.Lookup(id)
	return ok && s.Version == wire.VersionTLS12 && (s.KeyExchange != suites.KeyExchangeRSA || p.EnableRSAKex)
}

// keyFitsSuite reports whether a certificate key can serve a TLS 1.2 suite's
// key exchange (RFC 8422, Section 5.3; RFC 5246, Section 7.4.2).
func keyFitsSuite(pub any, s *suites.Suite) bool {
	switch pub.(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey:
		return s.KeyExchange == suites.KeyExchangeECDHE_ECDSA
	case *rsa.PublicKey:
		return s.KeyExchange == suites.KeyExchangeECDHE_RSA || s.KeyExchange == suites.KeyExchangeRSA
	}
	return false
}

// ecdheGroups12 lists the groups usable for TLS 1.2 ECDHE, in preference
// order: the hybrid is TLS 1.3 only.
func (p *Params) ecdheGroups12() []uint16 {
	var out []uint16
	for _, g := range p.curvePreferences() {
		if g != kex.X25519MLKEM768 && kex.Supported(g) {
			out = append(out, g)
		}
	}
	return out
}

// signedParams12 is what a TLS 1.2 ServerKeyExchange signature covers
// (RFC 8422, Section 5.4): client_random, server_random, ServerECDHParams.
func signedParams12(clientRandom, serverRandom, params []byte) []byte {
	return slices.Concat(clientRandom, serverRandom, params)
}

// checkFinished12 verifies a TLS 1.2 Finished in constant time
// (RFC 5246, Section 7.4.9).
func checkFinished12(prf *keyschedule.Master12, fromClient bool, th []byte, msg []byte) error {
	fin, err := wire.ParseFinished(msg)
	if err != nil {
		return err
	}
	want := prf.Finished12(fromClient, th)
	if len(fin.VerifyData) != len(want) {
		return alert.New(alert.DecodeError, "Finished of %d bytes, want %d", len(fin.VerifyData), len(want))
	}
	if !hmacEqual(fin.VerifyData, want) {
		return alert.New(alert.DecryptError, "peer Finished does not verify")
	}
	return nil
}

// verifySignature12 checks a TLS 1.2 signature whose scheme must be one we
// offered and must fit the key.
func verifySignature12(pub any, scheme uint16, offered []uint16, signed, signature []byte) error {
	if !slices.Contains(offered, scheme) || !sig.KeyMatches(pub, scheme, wire.VersionTLS12) {
		return alert.New(alert.IllegalParameter, "peer signed with %s, which was not offered or does not fit its key", sig.Name(scheme))
	}
	if err := sig.Verify(pub, scheme, signed, signature); err != nil {
		return alert.Wrap(alert.DecryptError, err)
	}
	return nil
}

// checkRenegotiationInfo applies RFC 5746, Section 3.4/3.6 on the initial
// handshake: the renegotiated_connection field must be empty.
func checkRenegotiationInfo(present bool, data []byte) error {
	if present && len(data) != 0 {
		return alert.New(alert.HandshakeFailure, "non-empty renegotiation_info on the initial handshake")
	}
	return nil
}

func isDowngradeRandom(random []byte) bool {
	return len(random) == 32 && bytes.Equal(random[24:], downgradeTLS12)
}

// A second ChangeCipherSpec is a protocol violation (RFC 5246, Section
// 7.1): the Finished states embed the CCS states for their data but must not
// inherit their acceptance of one.
func (s *client12WaitFinished) handleCCS() (state, error) { return nil, errDuplicateCCS }
func (s *server12WaitFinished) handleCCS() (state, error) { return nil, errDuplicateCCS }

var errDuplicateCCS = alert.New(alert.UnexpectedMessage, "second change_cipher_spec")

// certTypeRequested applies RFC 5246, Section 7.4.4: the client
// certificate's key type must be among the server's certificate_types
// (rsa_sign = 1; ecdsa_sign = 64, which RFC 8422 also uses for Ed25519).
func certTypeRequested(pub any, types []uint8) bool {
	var want uint8
	switch pub.(type) {
	case *rsa.PublicKey:
		want = 1
	case *ecdsa.PublicKey, ed25519.PublicKey:
		want = 64
	default:
		return false
	}
	return slices.Contains(types, want)
}

// receiveFinished12 takes the peer's TLS 1.2 Finished: it must verify over
// the transcript so far, then joins it, and the VerifyConnection hook runs.
func (hs *shared) receiveFinished12(prf *keyschedule.Master12, fromClient bool, msg []byte) error {
	if err := expectType(msg, wire.TypeFinished); err != nil {
		return err
	}
	if err := checkFinished12(prf, fromClient, hs.transcript.SumTemp(), msg); err != nil {
		return err
	}
	hs.noteFirstFinished(msg[wire.HeaderLen:])
	hs.transcript.Write(msg)
	return hs.runVerifyConnection()
}

// sendFinished12 sends ChangeCipherSpec, switches to the new write keys
// and sends this side's Finished over the transcript so far (RFC 5246,
// Section 7.4.9: Finished is the first message protected by the just
// negotiated keys), then flushes the flight.
func (hs *shared) sendFinished12(prf *keyschedule.Master12, fromClient bool, keys *record.Protector) {
	hs.act(Action{Kind: ActSendCCS})
	hs.act(Action{Kind: ActWriteKeys, Keys: keys})
	verifyData := prf.Finished12(fromClient, hs.transcript.SumTemp())
	hs.noteFirstFinished(verifyData)
	hs.send((&wire.Finished{VerifyData: verifyData}).Marshal())
	hs.act(Action{Kind: ActFlush})
}

// noteFirstFinished keeps the verify_data of the handshake's first
// Finished, sent or received: the tls-unique channel binding (RFC 5929,
// Section 3.1: "the first Finished message sent in the most recent
// handshake"), the client's in a full handshake and the server's in an
// abbreviated one. hush requires the extended master secret, so the
// binding is also sound across resumption (RFC 7627, Section 5.4).
func (hs *shared) noteFirstFinished(verifyData []byte) {
	if hs.result.TLSUnique != nil {
		return
	}
	if len(verifyData) <= len(hs.tlsUnique) {
		// Every TLS 1.2 suite's verify_data is 12 bytes: keep it inline.
		n := copy(hs.tlsUnique[:], verifyData)
		hs.result.TLSUnique = hs.tlsUnique[:n:n]
		return
	}
	hs.result.TLSUnique = bytes.Clone(verifyData)
}
