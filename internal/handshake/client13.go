package handshake

import (
	"bytes"
	"crypto/hmac"
	"slices"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// client13WaitServerHello is RFC 8446, Appendix A.1 WAIT_SH.
type client13WaitServerHello struct {
	*clientStart
	hrr *wire.ServerHello // the HelloRetryRequest, once one was received
}

func (s *client13WaitServerHello) name() string { return "client13WaitServerHello" }

func (s *client13WaitServerHello) handle(msg []byte) (state, error) {
	hs := s.hs()
	sh, err := expectMessage(msg, wire.TypeServerHello, wire.ParseServerHello)
	if err != nil {
		return nil, err
	}
	if sh.SupportedVersion == 0 {
		// No supported_versions: the server chose TLS 1.2 or older.
		return s.handleServerHello12(sh)
	}
	// RFC 8446, Section 4.1.3: "If the "supported_versions" extension in the
	// ServerHello contains a version not offered by the client or contains
	// a version prior to TLS 1.3, the client MUST abort the handshake with
	// an "illegal_parameter" alert."
	if sh.SupportedVersion != wire.VersionTLS13 || !slices.Contains(s.versions, wire.VersionTLS13) {
		return nil, alert.New(alert.IllegalParameter, "server selected version %#x in supported_versions", sh.SupportedVersion)
	}
	if sh.LegacyVersion != wire.VersionTLS12 {
		return nil, alert.New(alert.IllegalParameter, "TLS 1.3 ServerHello with legacy_version %#x", sh.LegacyVersion)
	}
	// RFC 8446, Section 4.1.3: "A client which receives a
	// legacy_session_id_echo field that does not match what it sent in the
	// ClientHello MUST abort the handshake with an "illegal_parameter" alert."
	if !bytes.Equal(sh.LegacySessionIDEcho, s.hello.LegacySessionID) {
		return nil, alert.New(alert.IllegalParameter, "server did not echo legacy_session_id")
	}
	if sh.LegacyCompressionMethod != 0 {
		return nil, alert.New(alert.IllegalParameter, "server selected compression method %d", sh.LegacyCompressionMethod)
	}
	// RFC 8446, Section 4.1.3: "A client which receives a cipher suite that
	// was not offered MUST abort the handshake with an "illegal_parameter"
	// alert."
	suite := s.offeredSuite(sh.CipherSuite)
	if suite == nil || suite.Version != wire.VersionTLS13 {
		return nil, alert.New(alert.IllegalParameter, "server selected cipher suite %#04x that was not offered", sh.CipherSuite)
	}
	if err := s.checkUnsolicited(sh.Extensions, "ServerHello"); err != nil {
		return nil, err
	}
	for _, e := range sh.Extensions {
		switch e.Type {
		case wire.ExtKeyShare, wire.ExtSupportedVersions, wire.ExtPreSharedKey, wire.ExtCookie:
		default:
			return nil, alert.New(alert.IllegalParameter, "extension %d not allowed in a TLS 1.3 ServerHello", e.Type)
		}
	}
	if sh.IsHelloRetryRequest() {
		return s.handleHelloRetryRequest(sh, suite)
	}
	if s.hrr != nil && sh.CipherSuite != s.hrr.CipherSuite {
		// RFC 8446, Section 4.1.4: "Upon receiving the ServerHello, clients
		// MUST check that the cipher suite supplied in the ServerHello is
		// the same as that in the HelloRetryRequest and otherwise abort the
		// handshake with an "illegal_parameter" alert."
		return nil, alert.New(alert.IllegalParameter, "ServerHello cipher suite differs from the HelloRetryRequest's")
	}
	resumed := false
	if sh.HasSelectedIdentity {
		// RFC 8446, Section 4.2.11: the selected identity must be one the
		// client offered, and the suite must fit the PSK's hash; otherwise
		// "illegal_parameter".
		if s.psk == nil || int(sh.SelectedIdentity) >= len(s.hello.PSKIdentities) {
			return nil, alert.New(alert.IllegalParameter, "server selected a PSK that was not offered")
		}
		if suite.Hash != s.pskSuite.Hash {
			return nil, alert.New(alert.IllegalParameter, "server selected a suite whose hash does not match the PSK")
		}
		resumed = true
	}
	var key *kex.PrivateKey
	var secret []byte
	switch {
	case sh.HasServerShare:
		for _, k := range s.keyShares {
			if k.Group() == sh.ServerShare.Group {
				key = k
			}
		}
		if key == nil {
			// RFC 8446, Section 4.2.8: the server's share "MUST be in the
			// same group as one of the client's shares".
			return nil, alert.New(alert.IllegalParameter, "server key share for group %#04x that the client did not send", sh.ServerShare.Group)
		}
		var err error
		if secret, err = key.SharedSecret(sh.ServerShare.KeyExchange); err != nil {
			return nil, err
		}
	case resumed && slices.Contains(s.hello.PSKModes, wire.PSKModeKE):
		// psk_ke: resumption without a fresh key exchange.
	default:
		return nil, alert.New(alert.MissingExtension, "ServerHello has no key_share")
	}

	res := &hs.result
	res.Version = wire.VersionTLS13
	res.Suite = suite
	if key != nil {
		res.Group = key.Group()
	}
	res.ServerRandom = sh.Random
	res.HelloRetry = s.hrr != nil
	if s.hrr == nil {
		hs.transcript.SetHash(suite.Hash)
	}
	hs.transcript.Write(msg)

	// The Early Secret of the accepted PSK was computed for its binder
	// (its hash matches the suite's, checked above); without a PSK it is
	// HKDF-Extract(0, 0).
	early := s.pskEarly
	if resumed {
		if err := hs.adoptSession(s.psk); err != nil {
			return nil, err
		}
	} else {
		early = keyschedule.NewEarlySecret(suite.Hash, nil)
	}
	s.pskEarly = nil
	hsSecret, clientSecret, serverSecret := hs.handshakeTrafficSecrets(early, secret)
	readKeys, err := newProtector13(suite, serverSecret)
	if err != nil {
		return nil, err
	}
	hs.act(Action{Kind: ActReadKeys, Keys: readKeys, Secret: serverSecret})
	// RFC 8446, Appendix D.4: the client sends its dummy
	// change_cipher_spec before its second flight, unless it did so before
	// ClientHello2. It is queued now, ahead of everything protected, so
	// that alerts from here on go out under the handshake key.
	if !res.HelloRetry {
		hs.act(Action{Kind: ActSendCCS})
	}
	writeKeys, err := newProtector13(suite, clientSecret)
	if err != nil {
		return nil, err
	}
	hs.act(Action{Kind: ActWriteKeys, Keys: writeKeys, Secret: clientSecret})
	return &client13WaitEncryptedExtensions{
		clientStart:  s.clientStart,
		suite:        suite,
		handshake:    hsSecret,
		clientSecret: clientSecret,
		serverSecret: serverSecret,
		resumed:      resumed,
	}, nil
}

func (s *client13WaitServerHello) hs() *shared { return s.clientStart.shared }

// handleHelloRetryRequest answers a HelloRetryRequest with ClientHello2
// (RFC 8446, Section 4.1.4).
func (s *client13WaitServerHello) handleHelloRetryRequest(hrr *wire.ServerHello, suite *suites.Suite) (state, error) {
	hs := s.hs()
	// RFC 8446, Section 4.1.4: "If a client receives a second
	// HelloRetryRequest in the same connection ..., it MUST abort the
	// handshake with an "unexpected_message" alert."
	if s.hrr != nil {
		return nil, alert.New(alert.UnexpectedMessage, "second HelloRetryRequest")
	}
	ch := s.hello
	changed := false
	if hrr.HasSelectedGroup {
		g := hrr.SelectedGroup
		// RFC 8446, Section 4.2.8: the selected_group "MUST correspond to a
		// group which was provided in the "supported_groups" extension in
		// the original ClientHello" and not one with a share already sent.
		if !slices.Contains(ch.SupportedGroups, g) {
			return nil, alert.New(alert.IllegalParameter, "HelloRetryRequest selected group %#04x that was not offered", g)
		}
		for _, k := range s.keyShares {
			if k.Group() == g {
				return nil, alert.New(alert.IllegalParameter, "HelloRetryRequest selected group %#04x that already had a share", g)
			}
		}
		s.keyShares = nil
		ch.KeyShares = nil
		if err := s.addShare(hs, ch, g); err != nil {
			return nil, err
		}
		changed = true
	}
	ch.Cookie = nil
	if len(hrr.Cookie) > 0 {
		ch.Cookie = hrr.Cookie
		changed = true
	}
	// RFC 8446, Section 4.1.4: "Clients MUST abort the handshake with an
	// "illegal_parameter" alert if the HelloRetryRequest would not result
	// in any change in the ClientHello."
	if !changed {
		return nil, alert.New(alert.IllegalParameter, "HelloRetryRequest asks for no change")
	}
	ch.EarlyData = false
	s.hrr = hrr
	hs.result.HelloRetry = true

	// RFC 8446, Section 4.4.1: the transcript restarts from
	// message_hash(ClientHello1).
	hs.transcript.SetHash(suite.Hash)
	hs.transcript.ReplaceWithMessageHash()
	hs.transcript.Write(hrr.Raw)
	var msg []byte
	if s.psk != nil {
		if s.pskSuite.Hash != suite.Hash {
			// RFC 8446, Section 4.1.4: a PSK whose hash does not match the
			// selected suite cannot be used; drop it from ClientHello2.
			ch.PSKIdentities, ch.PSKBinders = nil, nil
			s.psk = nil
		} else {
			// RFC 8446, Section 4.2.11.2: the binders of ClientHello2
			// cover message_hash(ClientHello1) and the HelloRetryRequest.
			msg = s.computeBinders(hs.transcript)
		}
	}
	if msg == nil {
		msg = ch.Marshal()
	}
	hs.act(Action{Kind: ActSendCCS}) // RFC 8446, Appendix D.4
	hs.send(msg)
	hs.act(Action{Kind: ActFlush})
	return s, nil
}

func newProtector13(suite *suites.Suite, secret []byte) (*record.Protector, error) {
	key, iv := keyschedule.TrafficKey(suite.Hash, secret, suite.KeyLen, suite.IVLen)
	p, err := record.NewTLS13(suite, key, iv)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	return p, nil
}

// handshakeTrafficSecrets derives the Handshake Secret from early and the
// (EC)DHE shared secret, then client_handshake_traffic_secret and
// server_handshake_traffic_secret over the transcript through ServerHello
// (RFC 8446, Section 7.1), and logs both to the key log.
func (hs *shared) handshakeTrafficSecrets(early *keyschedule.EarlySecret, sharedSecret []byte) (hsSecret *keyschedule.HandshakeSecret, client, server []byte) {
	hsSecret = early.HandshakeSecret(sharedSecret)
	th := hs.transcript.Sum()
	client = hsSecret.ClientHandshakeTrafficSecret(th)
	server = hsSecret.ServerHandshakeTrafficSecret(th)
	hs.keyLog("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client)
	hs.keyLog("SERVER_HANDSHAKE_TRAFFIC_SECRET", server)
	return hsSecret, client, server
}

// client13Keys is what the client has once the handshake keys are in use.
type client13Keys struct {
	*clientStart
	suite        *suites.Suite
	handshake    *keyschedule.HandshakeSecret
	clientSecret []byte
	serverSecret []byte
	resumed      bool // the server accepted our PSK: no certificate follows
}

// client13WaitEncryptedExtensions is WAIT_EE.
type client13WaitEncryptedExtensions client13Keys

func (s *client13WaitEncryptedExtensions) name() string { return "client13WaitEncryptedExtensions" }

func (s *client13WaitEncryptedExtensions) handle(msg []byte) (state, error) {
	hs := s.shared
	ee, err := expectMessage(msg, wire.TypeEncryptedExtensions, wire.ParseEncryptedExtensions)
	if err != nil {
		return nil, err
	}
	if err := s.checkUnsolicited(ee.Extensions, "EncryptedExtensions"); err != nil {
		return nil, err
	}
	for _, e := range ee.Extensions {
		switch e.Type {
		case wire.ExtKeyShare, wire.ExtSupportedVersions, wire.ExtPreSharedKey, wire.ExtCookie,
			wire.ExtExtendedMasterSecret, wire.ExtRenegotiationInfo, wire.ExtECPointFormats, wire.ExtSessionTicket,
			wire.ExtStatusRequest, wire.ExtSCT:
			// RFC 8446, Section 4.2: a recognized extension not specified
			// for the message "MUST abort the handshake with an
			// "illegal_parameter" alert".
			return nil, alert.New(alert.IllegalParameter, "extension %d not allowed in EncryptedExtensions", e.Type)
		}
	}
	if ee.HasALPN {
		// RFC 7301, Section 3.2: the server's protocol must be one the
		// client offered.
		if !slices.Contains(s.hello.ALPNProtocols, ee.ALPNProtocol) {
			return nil, alert.New(alert.IllegalParameter, "server selected ALPN protocol %q that was not offered", ee.ALPNProtocol)
		}
		hs.result.ALPN = ee.ALPNProtocol
	}
	hs.result.ServerName = s.hello.ServerName
	hs.transcript.Write(msg)
	if s.resumed {
		// RFC 8446, Section 2.2: with a PSK the server authenticates by its
		// Finished alone.
		return &client13WaitFinished{&client13WaitCert{client13Keys: (*client13Keys)(s)}}, nil
	}
	return (*client13WaitCertOrCertRequest)(s), nil
}

// client13WaitCertOrCertRequest is WAIT_CERT_CR.
type client13WaitCertOrCertRequest client13Keys

func (s *client13WaitCertOrCertRequest) name() string { return "client13WaitCertOrCertRequest" }

func (s *client13WaitCertOrCertRequest) handle(msg []byte) (state, error) {
	if wire.HandshakeType(msg[0]) == wire.TypeCertificateRequest {
		cr, err := wire.ParseCertificateRequest13(msg)
		if err != nil {
			return nil, err
		}
		// RFC 8446, Section 4.3.2: the certificate_request_context "SHALL be
		// zero length unless used for the post-handshake authentication".
		if len(cr.CertificateRequestContext) != 0 {
			return nil, alert.New(alert.IllegalParameter, "CertificateRequest with a non-empty context during the handshake")
		}
		s.shared.transcript.Write(msg)
		return &client13WaitCert{client13Keys: (*client13Keys)(s), request: cr}, nil
	}
	return (&client13WaitCert{client13Keys: (*client13Keys)(s)}).handle(msg)
}

// client13WaitCert is WAIT_CERT.
type client13WaitCert struct {
	*client13Keys
	request *wire.CertificateRequest13
}

func (s *client13WaitCert) name() string { return "client13WaitCert" }

func (s *client13WaitCert) handle(msg []byte) (state, error) {
	hs := s.shared
	cm, err := expectMessage(msg, wire.TypeCertificate, wire.ParseCertificate13)
	if err != nil {
		return nil, err
	}
	if len(cm.CertificateRequestContext) != 0 {
		return nil, alert.New(alert.IllegalParameter, "server Certificate with a non-empty request context")
	}
	// RFC 8446, Section 4.4.2.4: "If the server supplies an empty
	// Certificate message, the client MUST abort the handshake with a
	// "decode_error" alert."
	if len(cm.Entries) == 0 {
		return nil, alert.New(alert.DecodeError, "server sent no certificate")
	}
	raw := make([][]byte, len(cm.Entries))
	for i, e := range cm.Entries {
		raw[i] = e.Data
		for _, x := range e.Extensions {
			// RFC 8446, Section 4.4.2: entry extensions "MUST correspond to
			// ones from the client's ClientHello message".
			if !(x.Type == wire.ExtStatusRequest && s.hello.OCSPStapling) && !(x.Type == wire.ExtSCT && s.hello.SCTs) {
				return nil, alert.New(alert.UnsupportedExtension, "certificate entry carries extension %d that was not requested", x.Type)
			}
		}
	}
	if _, err := hs.acceptPeerChain(raw, false); err != nil {
		return nil, err
	}
	hs.result.OCSPResponse = cm.Entries[0].OCSPStaple
	hs.result.SCTs = cm.Entries[0].SCTs
	hs.transcript.Write(msg)
	return &client13WaitCertVerify{s}, nil
}

// client13WaitCertVerify is WAIT_CV.
type client13WaitCertVerify struct{ *client13WaitCert }

func (s *client13WaitCertVerify) name() string { return "client13WaitCertVerify" }

func (s *client13WaitCertVerify) handle(msg []byte) (state, error) {
	hs := s.shared
	scheme, err := hs.receiveCertificateVerify13(msg, s.hello.SignatureAlgorithms, sig.ServerContext13)
	if err != nil {
		return nil, err
	}
	hs.result.SignatureScheme = scheme
	return &client13WaitFinished{s.client13WaitCert}, nil
}

// receiveCertificateVerify13 takes the peer's TLS 1.3 CertificateVerify:
// it must sign the transcript so far with a scheme we offered, then joins
// the transcript. It returns the scheme.
func (hs *shared) receiveCertificateVerify13(msg []byte, offered []uint16, context string) (uint16, error) {
	cv, err := expectMessage(msg, wire.TypeCertificateVerify, wire.ParseCertificateVerify)
	if err != nil {
		return 0, err
	}
	if err := verifyCertificateVerify13(cv, hs.result.PeerCertificates[0].PublicKey, offered, context, hs.transcript.Sum()); err != nil {
		return 0, err
	}
	hs.transcript.Write(msg)
	return cv.Algorithm, nil
}

// verifyCertificateVerify13 checks a TLS 1.3 CertificateVerify.
func verifyCertificateVerify13(cv *wire.CertificateVerify, pub any, offered []uint16, context string, th []byte) error {
	// RFC 8446, Section 4.4.3: "If the CertificateVerify message is sent by
	// a server, the signature algorithm MUST be one offered in the client's
	// "signature_algorithms" extension unless no valid certificate chain can
	// be produced without unsupported algorithms" and RSASSA-PKCS1-v1_5
	// "MUST NOT be used" here.
	if !slices.Contains(offered, cv.Algorithm) || !sig.AllowedInHandshake(cv.Algorithm, wire.VersionTLS13) || !sig.KeyMatches(pub, cv.Algorithm, wire.VersionTLS13) {
		return alert.New(alert.IllegalParameter, "peer signed with %s, which was not offered or does not fit its key", sig.Name(cv.Algorithm))
	}
	// RFC 8446, Section 4.4.3: "If the verification fails, the receiver
	// MUST terminate the handshake with a "decrypt_error" alert."
	if err := sig.Verify(pub, cv.Algorithm, sig.SignedContent13(context, th), cv.Signature); err != nil {
		return alert.Wrap(alert.DecryptError, err)
	}
	return nil
}

// client13WaitFinished is WAIT_FINISHED.
type client13WaitFinished struct{ *client13WaitCert }

func (s *client13WaitFinished) name() string { return "client13WaitFinished" }

func (s *client13WaitFinished) handle(msg []byte) (state, error) {
	hs := s.shared
	fin, err := expectMessage(msg, wire.TypeFinished, wire.ParseFinished)
	if err != nil {
		return nil, err
	}
	if err := checkFinished13(s.suite, s.serverSecret, hs.transcript.Sum(), fin); err != nil {
		return nil, err
	}
	hs.transcript.Write(msg)

	master := s.handshake.MasterSecret()
	th := hs.transcript.Sum()
	res := &hs.result
	res.ClientTrafficSecret = master.ClientApplicationTrafficSecret(th)
	res.ServerTrafficSecret = master.ServerApplicationTrafficSecret(th)
	res.ExporterSecret = master.ExporterMasterSecret(th)
	hs.keyLog("CLIENT_TRAFFIC_SECRET_0", res.ClientTrafficSecret)
	hs.keyLog("SERVER_TRAFFIC_SECRET_0", res.ServerTrafficSecret)
	hs.keyLog("EXPORTER_SECRET", res.ExporterSecret)
	if err := hs.runVerifyConnection(); err != nil {
		return nil, err
	}

	if s.request != nil {
		if err := s.sendClientCertificate(); err != nil {
			return nil, err
		}
	}
	hs.send(finishedMessage13(s.suite, s.clientSecret, hs.transcript.Sum()))
	if hs.p.SessionCacheEnabled && !hs.p.SessionTicketsDisabled {
		// Only a client that can keep sessions (and so offered
		// psk_key_exchange_modes, without which no server sends a ticket,
		// RFC 8446, Section 4.2.9) needs the resumption master secret.
		res.ResumptionSecret = master.ResumptionMasterSecret(hs.transcript.Sum())
	}

	readKeys, err := newProtector13(s.suite, res.ServerTrafficSecret)
	if err != nil {
		return nil, err
	}
	writeKeys, err := newProtector13(s.suite, res.ClientTrafficSecret)
	if err != nil {
		return nil, err
	}
	hs.act(Action{Kind: ActReadKeys, Keys: readKeys, Secret: res.ServerTrafficSecret})
	hs.act(Action{Kind: ActWriteKeys, Keys: writeKeys, Secret: res.ClientTrafficSecret})
	hs.act(Action{Kind: ActFlush})
	hs.done = true
	return nil, nil
}

// sendClientCertificate answers a CertificateRequest with the first
// configured certificate whose key can sign a requested scheme, or with an
// empty Certificate (RFC 8446, Section 4.4.2).
func (s *client13WaitFinished) sendClientCertificate() error {
	hs := s.shared
	chosen, scheme, err := hs.chooseClientCertificate(wire.VersionTLS13, s.request.SignatureAlgorithms, s.request.CertificateAuthorities, nil)
	if err != nil {
		return err
	}
	cm := &wire.Certificate13{}
	if chosen != nil {
		for _, der := range chosen.Chain {
			cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: der})
		}
	}
	hs.send(cm.Marshal())
	if chosen == nil {
		return nil
	}
	signed := sig.SignedContent13(sig.ClientContext13, hs.transcript.Sum())
	signature, err := sig.Sign(chosen.Key, scheme, hs.rand(), signed)
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	hs.send((&wire.CertificateVerify{Algorithm: scheme, Signature: signature}).Marshal())
	hs.result.ClientSignatureScheme = scheme
	return nil
}

func finishedMessage13(suite *suites.Suite, baseKey, th []byte) []byte {
	return (&wire.Finished{VerifyData: keyschedule.FinishedVerifyData(suite.Hash, baseKey, th)}).Marshal()
}

// checkFinished13 verifies a peer's Finished in constant time.
func checkFinished13(suite *suites.Suite, baseKey, th []byte, fin *wire.Finished) error {
	return checkFinishedData(keyschedule.FinishedVerifyData(suite.Hash, baseKey, th), fin)
}

// checkFinishedData compares a peer's Finished with the expected
// verify_data in constant time.
func checkFinishedData(want []byte, fin *wire.Finished) error {
	// RFC 8446, Section 4.4.4: "Recipients of Finished messages MUST verify
	// that the contents are correct and if incorrect MUST terminate the
	// connection with a "decrypt_error" alert."
	if len(fin.VerifyData) != len(want) {
		return alert.New(alert.DecodeError, "Finished of %d bytes, want %d", len(fin.VerifyData), len(want))
	}
	if !hmac.Equal(fin.VerifyData, want) {
		return alert.New(alert.DecryptError, "peer Finished does not verify")
	}
	return nil
}

func hmacEqual(a, b []byte) bool { return hmac.Equal(a, b) }
