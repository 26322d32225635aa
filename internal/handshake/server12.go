package handshake

import (
	"crypto"
	"crypto/rsa"
	"crypto/subtle"
	"slices"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// server12 is what the TLS 1.2 server keeps after its first flight.
type server12 struct {
	shared  *shared
	ch      *wire.ClientHello
	suite   *suites.Suite
	cert    *Certificate
	key     *kex.PrivateKey // ECDHE ephemeral key; nil for static RSA
	request *wire.CertificateRequest12
	master  []byte
	prf     keyschedule.Master12 // the PRF keyed with master
	sh      *wire.ServerHello
}

// serverHello12 handles a ClientHello that negotiated TLS 1.2 and sends
// ServerHello through ServerHelloDone (RFC 5246, Section 7.3).
func (hs *shared) serverHello12(ch *wire.ClientHello) (state, error) {
	p := hs.p
	// RFC 7507, Section 3: "If TLS_FALLBACK_SCSV appears in
	// ClientHello.cipher_suites and the highest protocol version supported
	// by the server is higher than the version indicated by the client, the
	// server MUST respond with a fatal inappropriate_fallback alert".
	if slices.Contains(ch.CipherSuites, suites.TLS_FALLBACK_SCSV) && p.supports13() {
		return nil, alert.New(alert.InappropriateFallback, "client signalled a fallback to TLS 1.2, but TLS 1.3 is enabled")
	}
	// RFC 5246, Section 7.4.1.2: compression_methods "MUST contain ...
	// CompressionMethod.null".
	if !slices.Contains(ch.LegacyCompressionMethods, 0) {
		return nil, alert.New(alert.IllegalParameter, "ClientHello does not offer null compression")
	}
	if err := checkRenegotiationInfo(ch.SecureRenegotiationSupported, ch.SecureRenegotiation); err != nil {
		return nil, err
	}
	secureReneg := ch.SecureRenegotiationSupported || slices.Contains(ch.CipherSuites, suites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
	// RFC 7627, Section 5.3: a server that requires the extended master
	// secret "MUST abort" a full handshake without it. hush always does.
	if !ch.ExtendedMasterSecret {
		return nil, alert.New(alert.HandshakeFailure, "client does not support the extended master secret (RFC 7627)")
	}
	// RFC 8422, Section 5.1.2: a client that lists point formats without
	// the uncompressed one, while supporting elliptic curves, gets
	// "illegal_parameter".
	if ch.SupportedPoints != nil && !slices.Contains(ch.SupportedPoints, 0) &&
		slices.ContainsFunc(ch.SupportedGroups, func(g uint16) bool { return kex.Supported(g) && g != kex.X25519MLKEM768 }) {
		return nil, alert.New(alert.IllegalParameter, "client does not support uncompressed points")
	}
	if sess := hs.findSession12(ch); sess != nil {
		return hs.resume12(ch, sess, secureReneg)
	}
	return hs.fullHandshake12(ch, secureReneg)
}

// fullHandshake12 sends ServerHello through ServerHelloDone for a
// ClientHello that resumes nothing. It is apart from serverHello12 so that
// its large stack frame is not on the path of a resumption, which would
// otherwise make every resuming server goroutine grow its stack once more.
func (hs *shared) fullHandshake12(ch *wire.ClientHello, secureReneg bool) (state, error) {
	p := hs.p
	cert, err := hs.chooseCertificate(ch, wire.VersionTLS12)
	if err != nil {
		return nil, err
	}
	pub := cert.Key.Public()
	group := hs.chooseGroup12(ch)
	// An ECDHE suite needs a common group and a signature scheme the
	// client accepts for our key; static RSA needs neither.
	_, signErr := chooseScheme(cert, ch.SignatureAlgorithms, wire.VersionTLS12)
	suite := p.chooseSuite(wire.VersionTLS12, ch.CipherSuites, func(s *suites.Suite) bool {
		if !keyFitsSuite(pub, s) {
			return false
		}
		// RFC 8422, Section 5.1: no ECDSA suite with a certificate on a
		// curve the client did not offer.
		if s.KeyExchange == suites.KeyExchangeECDHE_ECDSA && !ecdsaCurveOffered(pub, ch.SupportedGroups) {
			return false
		}
		return s.KeyExchange == suites.KeyExchangeRSA || group != 0 && signErr == nil
	})
	if suite == nil {
		return nil, alert.New(alert.HandshakeFailure, "no TLS 1.2 cipher suite in common for a %T certificate", pub)
	}
	alpn, err := hs.chooseALPN(ch)
	if err != nil {
		return nil, err
	}

	random, err := hs.randomBytes(32)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	// RFC 8446, Section 4.1.3: a TLS 1.3 server negotiating TLS 1.2 "MUST
	// set the last 8 bytes of their Random value" to the sentinel.
	if p.supports13() {
		copy(random[24:], downgradeTLS12)
	}
	res := &hs.result
	res.Version = wire.VersionTLS12
	res.Suite = suite
	res.ServerRandom = random
	res.ALPN = alpn
	res.ServerName = ch.ServerName
	// The ServerHello and the states after it are allocated together
	// (built in place: see resume12).
	f := &full12{sh: wire.ServerHello{
		LegacyVersion:                wire.VersionTLS12,
		Random:                       random,
		CipherSuite:                  suite.ID,
		SecureRenegotiationSupported: secureReneg,
		ExtendedMasterSecret:         true,
		ALPNProtocol:                 alpn,
		TicketSupported:              ch.TicketSupported && p.ticketsEnabled(),
		// RFC 6066, Section 3: acknowledge the server_name we used.
		ServerNameAck: ch.ServerName != "",
		// RFC 6066, Section 8 and RFC 6962, Section 3.3: staple what the
		// client asked for and the certificate has.
		OCSPStapling: ch.OCSPStapling && len(cert.OCSPStaple) > 0,
	}}
	sh := &f.sh
	if ch.SCTs {
		sh.SCTs = cert.SCTs
	}
	if p.SessionCachePut != nil {
		// A fresh session ID names the session in our cache.
		if sh.LegacySessionIDEcho, err = hs.randomBytes(32); err != nil {
			return nil, alert.Wrap(alert.InternalError, err)
		}
	}
	if suite.KeyExchange != suites.KeyExchangeRSA && ch.SupportedPoints != nil {
		sh.SupportedPoints = f.points[:] // uncompressed (0) only
	}
	if p.ClientAuth != NoClientCert {
		hs.transcript.Retain() // the client's CertificateVerify signs the messages
	}
	hs.transcript.SetHash(suite.Hash)
	hs.transcript.Write(ch.Raw)
	hs.send(sh.Marshal())
	hs.send((&wire.Certificate12{Certificates: cert.Chain}).Marshal())
	if sh.OCSPStapling {
		hs.send((&wire.CertificateStatus{Response: cert.OCSPStaple}).Marshal())
	}

	st := &f.st
	st.shared, st.ch, st.suite, st.cert, st.sh = hs, ch, suite, cert, sh
	if suite.KeyExchange != suites.KeyExchangeRSA {
		if err := st.sendServerKeyExchange(group); err != nil {
			return nil, err
		}
	}
	if p.ClientAuth != NoClientCert {
		st.request = &wire.CertificateRequest12{
			CertificateTypes:    []uint8{1, 64}, // rsa_sign, ecdsa_sign
			SignatureAlgorithms: p.signatureSchemes(wire.VersionTLS12),
		}
		if p.ClientCAs != nil {
			st.request.CertificateAuthorities = p.ClientCAs.Subjects() //nolint:staticcheck // the wire wants subjects
		}
		hs.send(st.request.Marshal())
	}
	hs.send(wire.MarshalServerHelloDone())
	hs.act(Action{Kind: ActFlush})
	if st.request != nil {
		return &server12WaitCertificate{st}, nil
	}
	f.wait.server12 = st
	return &f.wait, nil
}

// full12 holds the ServerHello and server states of a full TLS 1.2
// handshake, which live as long as one another.
type full12 struct {
	sh     wire.ServerHello
	points [1]uint8 // sh.SupportedPoints: uncompressed only
	st     server12
	wait   server12WaitClientKeyExchange
}

// chooseGroup12 picks the ECDHE group: the server's most preferred group
// the client supports (RFC 8422, Section 5.1.1), or 0. Without
// supported_groups the client is taken to support P-256 (RFC 8422,
// Section 4: the server may use any curve; P-256 is what every client has).
func (hs *shared) chooseGroup12(ch *wire.ClientHello) uint16 {
	if ch.SupportedPoints != nil && !slices.Contains(ch.SupportedPoints, 0) {
		return 0
	}
	offered := ch.SupportedGroups
	if offered == nil {
		offered = []uint16{kex.P256}
	}
	for _, g := range hs.p.ecdheGroups12() {
		if slices.Contains(offered, g) {
			return g
		}
	}
	return 0
}

func (st *server12) sendServerKeyExchange(group uint16) error {
	hs := st.shared
	key, err := kex.GenerateKey(group, hs.rand())
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	st.key = key
	scheme, err := chooseScheme(st.cert, st.ch.SignatureAlgorithms, wire.VersionTLS12)
	if err != nil {
		return err
	}
	params := wire.ServerECDHEParams(group, key.PublicKey())
	signature, err := sig.Sign(st.cert.Key, scheme, hs.rand(), signedParams12(st.ch.Random, hs.result.ServerRandom, params))
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	hs.result.Group = group
	hs.result.SignatureScheme = scheme
	hs.send((&wire.ServerKeyExchangeECDHE{Group: group, PublicKey: key.PublicKey(), Params: params, Algorithm: scheme, Signature: signature}).Marshal())
	return nil
}

// server12WaitCertificate waits for the client's Certificate.
type server12WaitCertificate struct{ *server12 }

func (s *server12WaitCertificate) name() string { return "server12WaitCertificate" }

func (s *server12WaitCertificate) handle(msg []byte) (state, error) {
	hs := s.shared
	cm, err := expectMessage(msg, wire.TypeCertificate, wire.ParseCertificate12)
	if err != nil {
		return nil, err
	}
	hs.transcript.Write(msg)
	if len(cm.Certificates) == 0 {
		// RFC 5246, Section 7.4.6: a server that requires client
		// authentication "may respond with a fatal handshake failure alert".
		if hs.p.ClientAuth == RequireAnyClientCert || hs.p.ClientAuth == RequireAndVerifyClientCert {
			return nil, alert.New(alert.HandshakeFailure, "client sent no certificate")
		}
		return &server12WaitClientKeyExchange{s.server12}, nil
	}
	if _, err := hs.acceptPeerChain(cm.Certificates, false); err != nil {
		return nil, err
	}
	return &server12WaitClientKeyExchange{s.server12}, nil
}

// server12WaitClientKeyExchange waits for the ClientKeyExchange
// (RFC 5246, Section 7.4.7).
type server12WaitClientKeyExchange struct{ *server12 }

func (s *server12WaitClientKeyExchange) name() string { return "server12WaitClientKeyExchange" }

func (s *server12WaitClientKeyExchange) handle(msg []byte) (state, error) {
	hs := s.shared
	cke, err := expectMessage(msg, wire.TypeClientKeyExchange, wire.ParseClientKeyExchange)
	if err != nil {
		return nil, err
	}
	var preMaster []byte
	if s.key == nil {
		if preMaster, err = s.rsaPreMaster(cke); err != nil {
			return nil, err
		}
	} else {
		pub, err := cke.ECDHEPublic()
		if err != nil {
			return nil, err
		}
		if preMaster, err = s.key.SharedSecret(pub); err != nil {
			return nil, err
		}
	}
	hs.transcript.Write(msg)
	s.master = hs.masterSecret12(s.suite, preMaster)
	s.prf.Init(s.suite.Hash, s.master)
	if len(hs.result.PeerCertificates) > 0 {
		return &server12WaitCertificateVerify{s.server12}, nil
	}
	return s.expectCCS()
}

// rsaPreMaster decrypts a static-RSA premaster secret without an oracle.
// RFC 5246, Section 7.4.7.1: on a padding, length or version error the
// server must "generate a random 48-byte value and proceed using it as the
// premaster secret", so every bad input fails identically, at Finished.
func (s *server12WaitClientKeyExchange) rsaPreMaster(cke *wire.ClientKeyExchange) ([]byte, error) {
	hs := s.shared
	ct, err := cke.RSAEncryptedPremaster()
	if err != nil {
		return nil, err
	}
	decrypter, ok := s.cert.Key.(crypto.Decrypter)
	if !ok {
		return nil, alert.New(alert.InternalError, "certificate key cannot decrypt")
	}
	random, err := hs.randomBytes(48)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	// SessionKeyLen makes the decryption itself constant-time: on any
	// padding or length error it returns random bytes, not an error.
	decrypted, err := decrypter.Decrypt(hs.rand(), ct, &rsa.PKCS1v15DecryptOptions{SessionKeyLen: 48})
	if err != nil || len(decrypted) != 48 {
		// Only a ciphertext of the wrong size (public information) gets
		// here; it continues the same way.
		decrypted = random
	}
	// The version check must not branch either: it selects, in constant
	// time, between the decrypted value and the random one.
	v := s.ch.LegacyVersion
	good := subtle.ConstantTimeByteEq(decrypted[0], byte(v>>8)) & subtle.ConstantTimeByteEq(decrypted[1], byte(v))
	preMaster := make([]byte, 48)
	copy(preMaster, random)
	subtle.ConstantTimeCopy(good, preMaster, decrypted)
	return preMaster, nil
}

// server12WaitCertificateVerify checks the client's signature over the
// handshake messages (RFC 5246, Section 7.4.8).
type server12WaitCertificateVerify struct{ *server12 }

func (s *server12WaitCertificateVerify) name() string { return "server12WaitCertificateVerify" }

func (s *server12WaitCertificateVerify) handle(msg []byte) (state, error) {
	hs := s.shared
	cv, err := expectMessage(msg, wire.TypeCertificateVerify, wire.ParseCertificateVerify)
	if err != nil {
		return nil, err
	}
	if err := verifySignature12(hs.result.PeerCertificates[0].PublicKey, cv.Algorithm, s.request.SignatureAlgorithms,
		hs.transcript.Messages(), cv.Signature); err != nil {
		return nil, err
	}
	hs.result.ClientSignatureScheme = cv.Algorithm
	hs.transcript.Write(msg)
	return s.expectCCS()
}

func (s *server12) expectCCS() (state, error) {
	clientKeys, serverKeys, err := keys12(s.suite, &s.prf, s.shared.result.ClientRandom, s.shared.result.ServerRandom)
	if err != nil {
		return nil, err
	}
	return &server12WaitCCS{server12: s, clientKeys: clientKeys, serverKeys: serverKeys}, nil
}

// server12WaitCCS waits for the client's ChangeCipherSpec.
type server12WaitCCS struct {
	*server12
	clientKeys, serverKeys *record.Protector
	resumed                bool
	next                   server12WaitFinished // the state after the CCS, without an allocation of its own
}

func (s *server12WaitCCS) name() string { return "server12WaitCCS" }

func (s *server12WaitCCS) handle(msg []byte) (state, error) {
	return nil, alert.New(alert.UnexpectedMessage, "handshake message %d before the client's ChangeCipherSpec", msg[0])
}

func (s *server12WaitCCS) handleCCS() (state, error) {
	s.shared.act(Action{Kind: ActReadKeys, Keys: s.clientKeys})
	s.next = server12WaitFinished{s}
	return &s.next, nil
}

// server12WaitFinished verifies the client's Finished and answers with its
// own.
type server12WaitFinished struct{ *server12WaitCCS }

func (s *server12WaitFinished) name() string { return "server12WaitFinished" }

func (s *server12WaitFinished) handle(msg []byte) (state, error) {
	hs := s.shared
	if err := hs.receiveFinished12(&s.prf, true, msg); err != nil {
		return nil, err
	}
	if s.resumed {
		hs.done = true
		return nil, nil
	}
	if err := s.saveSession(); err != nil {
		return nil, err
	}
	hs.sendFinished12(&s.prf, false, s.serverKeys)
	hs.done = true
	return nil, nil
}
