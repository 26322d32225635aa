package handshake

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"slices"
	"time"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// client12 is what the TLS 1.2 client keeps once it has the ServerHello.
type client12 struct {
	*clientStart
	suite   *suites.Suite
	sh      *wire.ServerHello
	peerKey crypto.PublicKey
	request *wire.CertificateRequest12
	ske     *wire.ServerKeyExchangeECDHE
	master  []byte
	prf     keyschedule.Master12 // the PRF keyed with master

	gotStatus bool // the CertificateStatus arrived
}

// handleServerHello12 is reached when the server answered without
// supported_versions, i.e. chose TLS 1.2 or older (RFC 5246, Section
// 7.4.1.3).
func (s *client13WaitServerHello) handleServerHello12(sh *wire.ServerHello) (state, error) {
	hs := s.hs()
	if s.hrr != nil {
		return nil, alert.New(alert.IllegalParameter, "TLS 1.2 ServerHello after a HelloRetryRequest")
	}
	if sh.LegacyVersion != wire.VersionTLS12 || !slices.Contains(s.versions, wire.VersionTLS12) {
		return nil, alert.New(alert.ProtocolVersion, "server chose version %#04x, which is not enabled", sh.LegacyVersion)
	}
	// RFC 8446, Section 4.1.3: "TLS 1.3 clients receiving a ServerHello
	// indicating TLS 1.2 or below MUST check that the last 8 bytes are not
	// equal to either of these values ... If a match is found, the client
	// MUST abort the handshake with an "illegal_parameter" alert."
	if slices.Contains(s.versions, wire.VersionTLS13) && isDowngradeRandom(sh.Random) {
		return nil, alert.New(alert.IllegalParameter, "TLS 1.2 ServerHello carries the TLS 1.3 downgrade sentinel")
	}
	suite := s.offeredSuite(sh.CipherSuite)
	if suite == nil || suite.Version != wire.VersionTLS12 {
		return nil, alert.New(alert.IllegalParameter, "server selected cipher suite %#04x that was not offered", sh.CipherSuite)
	}
	if sh.LegacyCompressionMethod != 0 {
		return nil, alert.New(alert.IllegalParameter, "server selected compression method %d", sh.LegacyCompressionMethod)
	}
	// An echo of our session ID means the server resumes (RFC 5246,
	// Section 7.4.1.3; RFC 5077, Section 3.4). Without a session offered,
	// the ID was only the middlebox-compatibility one.
	resumed := len(sh.LegacySessionIDEcho) > 0 && bytes.Equal(sh.LegacySessionIDEcho, s.hello.LegacySessionID)
	if resumed && s.session12 == nil {
		return nil, alert.New(alert.IllegalParameter, "server resumed a session that was not offered")
	}
	if resumed && sh.CipherSuite != s.session12.Suite {
		return nil, alert.New(alert.IllegalParameter, "server resumed the session with another cipher suite")
	}
	if err := s.checkUnsolicited(sh.Extensions, "ServerHello"); err != nil {
		return nil, err
	}
	for _, e := range sh.Extensions {
		switch e.Type {
		case wire.ExtKeyShare, wire.ExtPreSharedKey, wire.ExtCookie, wire.ExtEarlyData:
			return nil, alert.New(alert.IllegalParameter, "TLS 1.3 extension %d in a TLS 1.2 ServerHello", e.Type)
		}
	}
	if err := checkRenegotiationInfo(sh.SecureRenegotiationSupported, sh.SecureRenegotiation); err != nil {
		return nil, err
	}
	// RFC 7627, Section 5.3: a client that requires the extended master
	// secret aborts a full handshake without it. hush always requires it.
	if !sh.ExtendedMasterSecret {
		return nil, alert.New(alert.HandshakeFailure, "server does not support the extended master secret (RFC 7627)")
	}
	// RFC 8422, Section 5.2: the uncompressed point format must be there.
	if sh.SupportedPoints != nil && !slices.Contains(sh.SupportedPoints, 0) {
		return nil, alert.New(alert.IllegalParameter, "server does not support uncompressed points")
	}
	hs.result.SCTs = sh.SCTs
	if sh.ALPNProtocol != "" {
		if !slices.Contains(s.hello.ALPNProtocols, sh.ALPNProtocol) {
			return nil, alert.New(alert.IllegalParameter, "server selected ALPN protocol %q that was not offered", sh.ALPNProtocol)
		}
		hs.result.ALPN = sh.ALPNProtocol
	}
	res := &hs.result
	res.Version = wire.VersionTLS12
	res.Suite = suite
	res.ServerRandom = sh.Random
	res.ServerName = s.hello.ServerName
	if len(hs.p.Certificates) > 0 && !resumed {
		hs.transcript.Retain() // a client CertificateVerify signs the messages
	}
	hs.transcript.SetHash(suite.Hash)
	hs.transcript.Write(sh.Raw)
	if resumed {
		// The client and its next state, allocated together.
		r := new(struct {
			c   client12
			ccs client12WaitCCS
		})
		r.c.clientStart, r.c.suite, r.c.sh = s.clientStart, suite, sh
		return r.c.resume(&r.ccs)
	}
	c := &client12{clientStart: s.clientStart, suite: suite, sh: sh}
	return &client12WaitCertificate{c}, nil
}

// resume starts the abbreviated handshake (RFC 5246, Section 7.3, Figure
// 2): the server's [NewSessionTicket], ChangeCipherSpec and Finished come
// first.
// next is where the state after it is built.
func (c *client12) resume(next *client12WaitCCS) (state, error) {
	hs := c.shared
	sess := c.session12
	if err := hs.adoptSession(sess); err != nil {
		return nil, err
	}
	c.master = sess.Secret
	c.prf.Init(c.suite.Hash, c.master)
	hs.result.MasterSecret = sess.Secret
	hs.result.ExtendedMasterSecret = true
	hs.keyLog("CLIENT_RANDOM", sess.Secret)
	clientKeys, serverKeys, err := keys12(c.suite, &c.prf, hs.result.ClientRandom, hs.result.ServerRandom)
	if err != nil {
		return nil, err
	}
	next.client12, next.serverKeys, next.clientKeys, next.resumed = c, serverKeys, clientKeys, true
	return next, nil
}

// newSession12 is the session the client stores after a TLS 1.2 handshake.
func (c *client12) newSession12(ticket []byte, lifetime uint32) *SessionState {
	hs := c.shared
	res := &hs.result
	sess := &SessionState{
		Version:          wire.VersionTLS12,
		Suite:            c.suite.ID,
		Secret:           c.master,
		Group:            res.Group,
		AuthTime:         res.AuthTime,
		IssuedAt:         hs.now(),
		ServerName:       res.ServerName,
		ALPN:             res.ALPN,
		PeerCertificates: res.rawPeerCertificates,
		parsed:           res.PeerCertificates,
		verified:         res.VerifiedChains,
		ocsp:             res.OCSPResponse,
		scts:             res.SCTs,
	}
	if lifetime > 0 {
		sess.Lifetime = min(time.Duration(lifetime)*time.Second, maxTicketLifetime)
	}
	switch {
	case len(ticket) > 0:
		sess.Ticket = ticket
		sess.SessionID = nil
	case len(c.sh.LegacySessionIDEcho) > 0:
		sess.SessionID = c.sh.LegacySessionIDEcho
	default:
		return nil
	}
	return sess
}

// client12WaitCertificate waits for the server's Certificate
// (RFC 5246, Section 7.4.2).
type client12WaitCertificate struct{ *client12 }

func (s *client12WaitCertificate) name() string { return "client12WaitCertificate" }

func (s *client12WaitCertificate) handle(msg []byte) (state, error) {
	hs := s.shared
	cm, err := expectMessage(msg, wire.TypeCertificate, wire.ParseCertificate12)
	if err != nil {
		return nil, err
	}
	if len(cm.Certificates) == 0 {
		return nil, alert.New(alert.DecodeError, "server sent no certificate")
	}
	certs, err := hs.acceptPeerChain(cm.Certificates, s.suite.KeyExchange == suites.KeyExchangeRSA)
	if err != nil {
		return nil, err
	}
	if !keyFitsSuite(certs[0].PublicKey, s.suite) {
		return nil, alert.New(alert.UnsupportedCertificate, "server certificate key %T does not fit %s", certs[0].PublicKey, s.suite.Name)
	}
	s.peerKey = certs[0].PublicKey
	hs.transcript.Write(msg)
	if s.suite.KeyExchange == suites.KeyExchangeRSA {
		return &client12WaitCertRequestOrDone{s.client12}, nil
	}
	return &client12WaitServerKeyExchange{s.client12}, nil
}

// client12WaitServerKeyExchange waits for the ECDHE parameters
// (RFC 8422, Section 5.4).
type client12WaitServerKeyExchange struct{ *client12 }

func (s *client12WaitServerKeyExchange) name() string { return "client12WaitServerKeyExchange" }

func (s *client12WaitServerKeyExchange) handle(msg []byte) (state, error) {
	hs := s.shared
	if ok, err := s.handleCertificateStatus(msg); ok || err != nil {
		return s, err
	}
	ske, err := expectMessage(msg, wire.TypeServerKeyExchange, wire.ParseServerKeyExchangeECDHE)
	if err != nil {
		return nil, err
	}
	// RFC 8422, Section 5.4: the server's curve must be one the client
	// offered.
	if !slices.Contains(s.hello.SupportedGroups, ske.Group) || ske.Group == kex.X25519MLKEM768 {
		return nil, alert.New(alert.IllegalParameter, "server chose group %#04x that was not offered for TLS 1.2", ske.Group)
	}
	signed := signedParams12(hs.result.ClientRandom, hs.result.ServerRandom, ske.Params)
	if err := verifySignature12(s.peerKey, ske.Algorithm, s.hello.SignatureAlgorithms, signed, ske.Signature); err != nil {
		return nil, err
	}
	hs.result.Group = ske.Group
	hs.result.SignatureScheme = ske.Algorithm
	s.ske = ske
	hs.transcript.Write(msg)
	return &client12WaitCertRequestOrDone{s.client12}, nil
}

// client12WaitCertRequestOrDone waits for CertificateRequest or
// ServerHelloDone.
type client12WaitCertRequestOrDone struct{ *client12 }

func (s *client12WaitCertRequestOrDone) name() string { return "client12WaitCertRequestOrDone" }

func (s *client12WaitCertRequestOrDone) handle(msg []byte) (state, error) {
	hs := s.shared
	if s.suite.KeyExchange == suites.KeyExchangeRSA && s.request == nil {
		if ok, err := s.handleCertificateStatus(msg); ok || err != nil {
			return s, err
		}
	}
	if s.request == nil && wire.HandshakeType(msg[0]) == wire.TypeCertificateRequest {
		cr, err := wire.ParseCertificateRequest12(msg)
		if err != nil {
			return nil, err
		}
		s.request = cr
		hs.transcript.Write(msg)
		return s, nil
	}
	if err := expectType(msg, wire.TypeServerHelloDone); err != nil {
		return nil, err
	}
	if err := wire.ParseServerHelloDone(msg); err != nil {
		return nil, err
	}
	hs.transcript.Write(msg)
	return s.sendClientFlight()
}

// sendClientFlight sends [Certificate], ClientKeyExchange,
// [CertificateVerify], ChangeCipherSpec and Finished (RFC 5246, Section 7.3).
func (s *client12WaitCertRequestOrDone) sendClientFlight() (state, error) {
	hs := s.shared
	var chosen *Certificate
	var scheme uint16
	if s.request != nil {
		var err error
		chosen, scheme, err = hs.chooseClientCertificate(wire.VersionTLS12, s.request.SignatureAlgorithms,
			s.request.CertificateAuthorities, s.request.CertificateTypes)
		if err != nil {
			return nil, err
		}
		cm := &wire.Certificate12{}
		if chosen != nil {
			cm.Certificates = chosen.Chain
		}
		hs.send(cm.Marshal())
	}

	var preMaster []byte
	var cke *wire.ClientKeyExchange
	if s.suite.KeyExchange == suites.KeyExchangeRSA {
		rsaKey, ok := s.peerKey.(*rsa.PublicKey)
		if !ok {
			return nil, alert.New(alert.UnsupportedCertificate, "static RSA key exchange needs an RSA certificate")
		}
		// RFC 5246, Section 7.4.7.1: the premaster secret is the client's
		// offered version followed by 46 random bytes.
		random, err := hs.randomBytes(46)
		if err != nil {
			return nil, alert.Wrap(alert.InternalError, err)
		}
		preMaster = append([]byte{byte(s.hello.LegacyVersion >> 8), byte(s.hello.LegacyVersion)}, random...)
		ct, err := rsa.EncryptPKCS1v15(hs.rand(), rsaKey, preMaster)
		if err != nil {
			return nil, alert.Wrap(alert.InternalError, err)
		}
		cke = wire.NewClientKeyExchangeRSA(ct)
	} else {
		share, secret, err := kex.Encapsulate(s.ske.Group, hs.rand(), s.ske.PublicKey)
		if err != nil {
			return nil, err
		}
		preMaster = secret
		cke = wire.NewClientKeyExchangeECDHE(share)
	}
	hs.send(cke.Marshal())
	master := hs.masterSecret12(s.suite, preMaster)
	s.master = master
	s.prf.Init(s.suite.Hash, master)

	if chosen != nil {
		signature, err := sig.Sign(chosen.Key, scheme, hs.rand(), hs.transcript.Messages())
		if err != nil {
			return nil, alert.Wrap(alert.InternalError, err)
		}
		hs.send((&wire.CertificateVerify{Algorithm: scheme, Signature: signature}).Marshal())
		hs.result.ClientSignatureScheme = scheme
	}

	clientKeys, serverKeys, err := keys12(s.suite, &s.prf, hs.result.ClientRandom, hs.result.ServerRandom)
	if err != nil {
		return nil, err
	}
	hs.sendFinished12(&s.prf, true, clientKeys)
	return &client12WaitCCS{client12: s.client12, serverKeys: serverKeys}, nil
}

// client12WaitCCS waits for the server's [NewSessionTicket] and
// ChangeCipherSpec.
type client12WaitCCS struct {
	*client12
	serverKeys *record.Protector
	clientKeys *record.Protector // abbreviated handshake: sent after the server's Finished
	resumed    bool
	ticket     *wire.NewSessionTicket12
	next       client12WaitFinished // the state after the CCS, without an allocation of its own
}

func (s *client12WaitCCS) name() string { return "client12WaitCCS" }

func (s *client12WaitCCS) handle(msg []byte) (state, error) {
	// RFC 5077, Section 3.3: a server that acknowledged session_ticket
	// sends NewSessionTicket right before its ChangeCipherSpec.
	if s.ticket == nil && s.sh.TicketSupported && wire.HandshakeType(msg[0]) == wire.TypeNewSessionTicket {
		nst, err := wire.ParseNewSessionTicket12(msg)
		if err != nil {
			return nil, err
		}
		s.ticket = nst
		s.shared.transcript.Write(msg)
		return s, nil
	}
	return nil, alert.New(alert.UnexpectedMessage, "handshake message %d before the server's ChangeCipherSpec", msg[0])
}

func (s *client12WaitCCS) handleCCS() (state, error) {
	if s.sh.TicketSupported && s.ticket == nil {
		return nil, alert.New(alert.UnexpectedMessage, "ChangeCipherSpec without the NewSessionTicket the server announced")
	}
	s.shared.act(Action{Kind: ActReadKeys, Keys: s.serverKeys})
	s.next = client12WaitFinished{s}
	return &s.next, nil
}

// client12WaitFinished verifies the server's Finished.
type client12WaitFinished struct{ *client12WaitCCS }

func (s *client12WaitFinished) name() string { return "client12WaitFinished" }

func (s *client12WaitFinished) handle(msg []byte) (state, error) {
	hs := s.shared
	if err := hs.receiveFinished12(&s.prf, false, msg); err != nil {
		return nil, err
	}
	var ticket []byte
	var lifetime uint32
	if s.ticket != nil {
		ticket, lifetime = s.ticket.Ticket, s.ticket.Lifetime
	}
	switch {
	case !s.resumed:
		hs.result.NewSession = s.newSession12(ticket, lifetime)
	case len(ticket) > 0:
		// A resumption that brought a fresh ticket: same session, new name.
		renewed := *s.session12
		renewed.Ticket, renewed.SessionID, renewed.IssuedAt = ticket, nil, hs.now()
		hs.result.NewSession = &renewed
	}
	if s.resumed {
		hs.sendFinished12(&s.prf, true, s.clientKeys)
	}
	hs.done = true
	return nil, nil
}

// handleCertificateStatus takes the optional CertificateStatus that follows
// the server's Certificate when the ServerHello acknowledged status_request
// (RFC 6066, Section 8). It reports whether msg was that message.
func (c *client12) handleCertificateStatus(msg []byte) (bool, error) {
	if wire.HandshakeType(msg[0]) != wire.TypeCertificateStatus {
		return false, nil
	}
	hs := c.shared
	if !c.sh.OCSPStapling || c.gotStatus {
		return false, alert.New(alert.UnexpectedMessage, "CertificateStatus without status_request acknowledgement")
	}
	cs, err := wire.ParseCertificateStatus(msg)
	if err != nil {
		return false, err
	}
	c.gotStatus = true
	hs.result.OCSPResponse = cs.Response
	hs.transcript.Write(msg)
	return true, nil
}
