package handshake

import (
	"bytes"
	"slices"
	"sync"

	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// server13Offer is what the server decided from the first ClientHello.
type server13Offer struct {
	shared  *shared
	ch      *wire.ClientHello
	suite   *suites.Suite
	group   uint16
	cert    *Certificate
	scheme  uint16
	alpn    string
	sentCCS bool

	psk      *SessionState // the session being resumed, if any
	pskIndex int
	pskEarly *keyschedule.EarlySecret // psk's Early Secret, from its binder check
}

// serverHello13 handles a ClientHello that negotiated TLS 1.3.
func (hs *shared) serverHello13(ch *wire.ClientHello) (state, error) {
	// RFC 8446, Section 4.1.2: "If a TLS 1.3 ClientHello is received with
	// any other value in this field, the server MUST abort the handshake
	// with an "illegal_parameter" alert."
	if !bytes.Equal(ch.LegacyCompressionMethods, []byte{0}) {
		return nil, alert.New(alert.IllegalParameter, "TLS 1.3 ClientHello with compression methods %v", ch.LegacyCompressionMethods)
	}
	// RFC 8446, Section 4.2.9: "If clients offer "pre_shared_key" without
	// a "psk_key_exchange_modes" extension, servers MUST abort the
	// handshake."
	if ch.PSKIdentities != nil && !ch.HasPSKModes {
		return nil, alert.New(alert.MissingExtension, "pre_shared_key without psk_key_exchange_modes")
	}
	// A client has no use for many PSKs; bounding them keeps every check
	// on them (including ClientHello2's) cheap.
	if len(ch.PSKIdentities) > maxPSKIdentities {
		return nil, alert.New(alert.IllegalParameter, "%d PSK identities, more than %d", len(ch.PSKIdentities), maxPSKIdentities)
	}
	// RFC 8446, Section 9.2: a ClientHello without "pre_shared_key" must
	// carry "signature_algorithms", and "supported_groups" and "key_share"
	// come together; otherwise "missing_extension".
	if ch.SignatureAlgorithms == nil && ch.PSKIdentities == nil {
		return nil, alert.New(alert.MissingExtension, "ClientHello has no signature_algorithms")
	}
	if (ch.SupportedGroups == nil) != !ch.HasKeyShare || (!ch.HasKeyShare && ch.PSKIdentities == nil) {
		return nil, alert.New(alert.MissingExtension, "ClientHello lacks supported_groups or key_share")
	}
	if err := checkKeyShares(ch); err != nil {
		return nil, err
	}
	o := &server13Offer{shared: hs, ch: ch}
	o.suite = hs.p.chooseSuite(wire.VersionTLS13, ch.CipherSuites, nil)
	if o.suite == nil {
		return nil, alert.New(alert.HandshakeFailure, "no cipher suite in common")
	}
	var err error
	if o.alpn, err = hs.chooseALPN(ch); err != nil {
		return nil, err
	}
	hs.transcript.SetHash(o.suite.Hash)

	// A client that allows only psk_ke needs no key exchange at all.
	if mode, ok := pskMode(ch, hs.p); ok && mode == wire.PSKModeKE {
		if o.psk, o.pskIndex, err = o.selectPSK(ch); err != nil {
			return nil, err
		}
		if o.psk != nil {
			return o.sendServerFlight(ch)
		}
	}

	// The server's most preferred group for which the client sent a share;
	// failing that, its most preferred group the client supports, asked
	// for with a HelloRetryRequest.
	prefs := hs.p.curvePreferences()
	for _, g := range prefs {
		if kex.Supported(g) && slices.ContainsFunc(ch.KeyShares, func(k wire.KeyShare) bool { return k.Group == g }) {
			o.group = g
			return o.sendServerFlight(ch)
		}
	}
	for _, g := range prefs {
		if kex.Supported(g) && slices.Contains(ch.SupportedGroups, g) {
			o.group = g
			return o.sendHelloRetryRequest()
		}
	}
	return nil, alert.New(alert.HandshakeFailure, "no key exchange group in common")
}

// chooseCertificate13 picks the certificate and signature scheme for a
// full handshake.
func (o *server13Offer) chooseCertificate13(ch *wire.ClientHello) error {
	hs := o.shared
	if ch.SignatureAlgorithms == nil {
		return alert.New(alert.MissingExtension, "ClientHello has no signature_algorithms")
	}
	var err error
	if o.cert, err = hs.chooseCertificate(ch, wire.VersionTLS13); err != nil {
		return err
	}
	o.scheme, err = chooseScheme(o.cert, ch.SignatureAlgorithms, wire.VersionTLS13)
	return err
}

// checkKeyShares applies RFC 8446, Section 4.2.8: "Clients MUST NOT offer
// multiple KeyShareEntry values for the same group. Clients MUST NOT offer
// any KeyShareEntry values for groups not listed in the client's
// "supported_groups" extension." Servers MAY check these; we do.
func checkKeyShares(ch *wire.ClientHello) error {
	// An ordinary ClientHello has a few shares and groups: compare them
	// pairwise, with no memory beyond the lists.
	if len(ch.KeyShares) <= smallKeyShareCheck && len(ch.SupportedGroups) <= smallKeyShareCheck {
		for i, k := range ch.KeyShares {
			if !slices.Contains(ch.SupportedGroups, k.Group) {
				return alert.New(alert.IllegalParameter, "key share for group %#04x not in supported_groups", k.Group)
			}
			for _, prev := range ch.KeyShares[:i] {
				if prev.Group == k.Group {
					return alert.New(alert.IllegalParameter, "two key shares for group %#04x", k.Group)
				}
			}
		}
		return nil
	}
	// Bitsets over the 16-bit group space keep this linear: a hostile
	// ClientHello may carry thousands of shares and groups. They come from
	// a pool (16 KiB) rather than the stack, where they would make every
	// server handshake goroutine grow its stack to 32 KiB.
	sets := groupBitsets.Get().(*[2][1 << 16 / 64]uint64)
	defer func() {
		clear(sets[:])
		groupBitsets.Put(sets)
	}()
	supported, seen := &sets[0], &sets[1]
	for _, g := range ch.SupportedGroups {
		supported[g/64] |= 1 << (g % 64)
	}
	for _, k := range ch.KeyShares {
		bit := uint64(1) << (k.Group % 64)
		if supported[k.Group/64]&bit == 0 {
			return alert.New(alert.IllegalParameter, "key share for group %#04x not in supported_groups", k.Group)
		}
		if seen[k.Group/64]&bit != 0 {
			return alert.New(alert.IllegalParameter, "two key shares for group %#04x", k.Group)
		}
		seen[k.Group/64] |= bit
	}
	return nil
}

// smallKeyShareCheck is how many key shares and supported groups
// checkKeyShares compares pairwise (at most 32 x 32 comparisons); longer
// lists, which only a hostile client sends, use bitsets.
const smallKeyShareCheck = 32

// groupBitsets holds zeroed bitsets over the group space for
// checkKeyShares.
var groupBitsets = sync.Pool{New: func() any { return new([2][1 << 16 / 64]uint64) }}

func (o *server13Offer) sendHelloRetryRequest() (state, error) {
	hs := o.shared
	cookie, err := hs.randomBytes(32)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	hrr := &wire.ServerHello{
		LegacyVersion:       wire.VersionTLS12,
		Random:              wire.HelloRetryRequestRandom,
		LegacySessionIDEcho: o.ch.LegacySessionID,
		CipherSuite:         o.suite.ID,
		SupportedVersion:    wire.VersionTLS13,
		SelectedGroup:       o.group,
		HasSelectedGroup:    true,
		Cookie:              cookie,
	}
	// RFC 8446, Section 4.4.1: ClientHello1 is replaced by its hash.
	hs.transcript.Write(o.ch.Raw)
	hs.transcript.ReplaceWithMessageHash()
	hs.send(hrr.Marshal())
	if len(o.ch.LegacySessionID) > 0 {
		// RFC 8446, Appendix D.4: the server sends its dummy
		// change_cipher_spec right after its first handshake message.
		hs.act(Action{Kind: ActSendCCS})
		o.sentCCS = true
	}
	hs.act(Action{Kind: ActFlush})
	hs.result.HelloRetry = true
	return &serverWaitClientHello2{offer: o, cookie: cookie}, nil
}

// serverWaitClientHello2 waits for the ClientHello that answers our
// HelloRetryRequest.
type serverWaitClientHello2 struct {
	offer  *server13Offer
	cookie []byte
}

func (s *serverWaitClientHello2) name() string { return "serverWaitClientHello2" }

func (s *serverWaitClientHello2) handle(msg []byte) (state, error) {
	o := s.offer
	ch, err := expectMessage(msg, wire.TypeClientHello, wire.ParseClientHello)
	if err != nil {
		return nil, err
	}
	// RFC 8446, Section 4.1.2: the client "MUST send the same ClientHello
	// without modification, except" for key_share, early_data, cookie,
	// pre_shared_key and padding.
	first := o.ch
	if !bytes.Equal(ch.Random, first.Random) || !bytes.Equal(ch.LegacySessionID, first.LegacySessionID) ||
		!slices.Equal(ch.CipherSuites, first.CipherSuites) || !slices.Equal(ch.SupportedVersions, first.SupportedVersions) ||
		!slices.Equal(ch.SupportedGroups, first.SupportedGroups) || !slices.Equal(ch.SignatureAlgorithms, first.SignatureAlgorithms) ||
		ch.ServerName != first.ServerName || !slices.Equal(ch.ALPNProtocols, first.ALPNProtocols) ||
		!bytes.Equal(ch.LegacyCompressionMethods, first.LegacyCompressionMethods) {
		return nil, alert.New(alert.IllegalParameter, "second ClientHello changed more than RFC 8446 allows")
	}
	if !bytes.Equal(ch.Cookie, s.cookie) {
		return nil, alert.New(alert.IllegalParameter, "second ClientHello does not echo the cookie")
	}
	// RFC 8446, Section 4.2.8: after a HelloRetryRequest the client
	// replaces its shares "with a list containing a single KeyShareEntry
	// from the indicated group".
	if len(ch.KeyShares) != 1 || ch.KeyShares[0].Group != o.group {
		return nil, alert.New(alert.IllegalParameter, "second ClientHello has no single key share for group %#04x", o.group)
	}
	if ch.EarlyData {
		return nil, alert.New(alert.IllegalParameter, "early_data after a HelloRetryRequest")
	}
	if len(ch.PSKIdentities) > maxPSKIdentities {
		return nil, alert.New(alert.IllegalParameter, "%d PSK identities, more than %d", len(ch.PSKIdentities), maxPSKIdentities)
	}
	if err := o.checkPSKsKept(first, ch); err != nil {
		return nil, err
	}
	o.ch = ch
	return o.sendServerFlight(ch)
}

// sendServerFlight sends ServerHello through Finished (RFC 8446, Section 2).
func (o *server13Offer) sendServerFlight(ch *wire.ClientHello) (state, error) {
	hs := o.shared
	var err error
	if mode, ok := pskMode(ch, hs.p); o.psk == nil && ok && mode == wire.PSKModeDHEKE {
		if o.psk, o.pskIndex, err = o.selectPSK(ch); err != nil {
			return nil, err
		}
	}
	hs.transcript.Write(ch.Raw)
	if o.psk == nil {
		if err := o.chooseCertificate13(ch); err != nil {
			return nil, err
		}
	} else if err := hs.adoptSession(o.psk); err != nil {
		return nil, err
	}
	var serverShare, secret []byte
	if o.group != 0 {
		var clientShare []byte
		for _, k := range ch.KeyShares {
			if k.Group == o.group {
				clientShare = k.KeyExchange
			}
		}
		if serverShare, secret, err = kex.Encapsulate(o.group, hs.rand(), clientShare); err != nil {
			return nil, err
		}
	}
	random, err := hs.randomBytes(32)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	sh := &wire.ServerHello{
		LegacyVersion:       wire.VersionTLS12,
		Random:              random,
		LegacySessionIDEcho: ch.LegacySessionID,
		CipherSuite:         o.suite.ID,
		SupportedVersion:    wire.VersionTLS13,
	}
	if o.group != 0 {
		sh.ServerShare, sh.HasServerShare = wire.KeyShare{Group: o.group, KeyExchange: serverShare}, true
	}
	if o.psk != nil {
		sh.SelectedIdentity, sh.HasSelectedIdentity = uint16(o.pskIndex), true
	}
	res := &hs.result
	res.Version = wire.VersionTLS13
	res.Suite = o.suite
	res.Group = o.group
	res.ServerRandom = random
	res.ALPN = o.alpn
	res.ServerName = ch.ServerName
	res.SignatureScheme = o.scheme
	hs.send(sh.Marshal())
	if len(ch.LegacySessionID) > 0 && !o.sentCCS {
		hs.act(Action{Kind: ActSendCCS})
	}

	// With a PSK, its Early Secret was computed for the binder check
	// (selectPSK requires the PSK's hash to be the suite's).
	early := o.pskEarly
	if o.psk == nil {
		early = keyschedule.NewEarlySecret(o.suite.Hash, nil)
	}
	o.pskEarly = nil
	hsSecret, clientSecret, serverSecret := hs.handshakeTrafficSecrets(early, secret)
	writeKeys, err := newProtector13(o.suite, serverSecret)
	if err != nil {
		return nil, err
	}
	readKeys, err := newProtector13(o.suite, clientSecret)
	if err != nil {
		return nil, err
	}
	hs.act(Action{Kind: ActWriteKeys, Keys: writeKeys, Secret: serverSecret})
	hs.act(Action{Kind: ActReadKeys, Keys: readKeys, Secret: clientSecret})

	// RFC 6066, Section 3: a server that used the client's server_name
	// "SHALL include an extension of type "server_name"" with empty data.
	ee := &wire.EncryptedExtensions{ServerNameAck: ch.ServerName != "" && o.psk == nil}
	if o.alpn != "" {
		ee.ALPNProtocol, ee.HasALPN = o.alpn, true
	}
	hs.send(ee.Marshal())

	var request *wire.CertificateRequest13
	if o.psk != nil {
		// RFC 8446, Section 4.3.2: "Servers which are authenticating with
		// a PSK MUST NOT send the CertificateRequest message in the main
		// handshake"; and the server's certificate is not sent either.
		return o.finishServerFlight(hsSecret, clientSecret, serverSecret, nil)
	}
	if hs.p.ClientAuth != NoClientCert {
		request = &wire.CertificateRequest13{SignatureAlgorithms: hs.p.signatureSchemes(wire.VersionTLS13)}
		if hs.p.ClientCAs != nil {
			request.CertificateAuthorities = hs.p.ClientCAs.Subjects() //nolint:staticcheck // the subjects are what the wire wants
		}
		hs.send(request.Marshal())
	}

	cm := &wire.Certificate13{}
	for i, der := range o.cert.Chain {
		e := wire.CertificateEntry{Data: der}
		if i == 0 && ch.OCSPStapling {
			e.OCSPStaple = o.cert.OCSPStaple
		}
		if i == 0 && ch.SCTs {
			e.SCTs = o.cert.SCTs
		}
		cm.Entries = append(cm.Entries, e)
	}
	hs.send(cm.Marshal())

	signed := sig.SignedContent13(sig.ServerContext13, hs.transcript.Sum())
	signature, err := sig.Sign(o.cert.Key, o.scheme, hs.rand(), signed)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	hs.send((&wire.CertificateVerify{Algorithm: o.scheme, Signature: signature}).Marshal())
	return o.finishServerFlight(hsSecret, clientSecret, serverSecret, request)
}

// finishServerFlight sends the server Finished, moves to the application
// keys and, when no client certificate is asked for, sends the session
// ticket in the same flight: the client's Finished is predictable then,
// so the resumption secret is known already.
func (o *server13Offer) finishServerFlight(hsSecret *keyschedule.HandshakeSecret, clientSecret, serverSecret []byte, request *wire.CertificateRequest13) (state, error) {
	hs := o.shared
	res := &hs.result
	hs.send(finishedMessage13(o.suite, serverSecret, hs.transcript.Sum()))

	master := hsSecret.MasterSecret()
	th := hs.transcript.Sum()
	res.ClientTrafficSecret = master.ClientApplicationTrafficSecret(th)
	res.ServerTrafficSecret = master.ServerApplicationTrafficSecret(th)
	res.ExporterSecret = master.ExporterMasterSecret(th)
	hs.keyLog("CLIENT_TRAFFIC_SECRET_0", res.ClientTrafficSecret)
	hs.keyLog("SERVER_TRAFFIC_SECRET_0", res.ServerTrafficSecret)
	hs.keyLog("EXPORTER_SECRET", res.ExporterSecret)
	appWrite, err := newProtector13(o.suite, res.ServerTrafficSecret)
	if err != nil {
		return nil, err
	}
	hs.act(Action{Kind: ActWriteKeys, Keys: appWrite, Secret: res.ServerTrafficSecret})
	flight := &server13WaitFlight2{offer: o, clientSecret: clientSecret, request: request}
	if request == nil {
		// The client's Finished is determined now: computed once, it is both
		// what the client's Finished is checked against and the end of the
		// transcript the resumption master secret covers.
		flight.clientFinished = keyschedule.FinishedVerifyData(o.suite.Hash, clientSecret, hs.transcript.Sum())
		ticket, err := o.newSessionTicket13(func() []byte {
			expected := hs.transcript.Clone()
			expected.Write((&wire.Finished{VerifyData: flight.clientFinished}).Marshal())
			return master.ResumptionMasterSecret(expected.Sum())
		})
		if err != nil {
			return nil, err
		}
		if ticket != nil {
			hs.out = append(hs.out, Action{Kind: ActSend, Data: ticket})
		}
	} else {
		// The ticket waits for the client's Finished (server13WaitFinished).
		flight.master = master
	}
	hs.act(Action{Kind: ActFlush})

	if request != nil {
		return &server13WaitCertificate{flight}, nil
	}
	return &server13WaitFinished{flight}, nil
}

// server13WaitFlight2 is what the server keeps while it waits for the
// client's second flight.
type server13WaitFlight2 struct {
	offer        *server13Offer
	clientSecret []byte
	request      *wire.CertificateRequest13
	// clientFinished is the client's verify_data computed in advance
	// (without client authentication); master is kept only with client
	// authentication, for the ticket sent after the client's Finished.
	clientFinished []byte
	master         *keyschedule.MasterSecret
}

// server13WaitCertificate is RFC 8446, Appendix A.2 WAIT_CERT.
type server13WaitCertificate struct{ *server13WaitFlight2 }

func (s *server13WaitCertificate) name() string { return "server13WaitCertificate" }

func (s *server13WaitCertificate) handle(msg []byte) (state, error) {
	hs := s.offer.shared
	cm, err := expectMessage(msg, wire.TypeCertificate, wire.ParseCertificate13)
	if err != nil {
		return nil, err
	}
	if len(cm.CertificateRequestContext) != 0 {
		return nil, alert.New(alert.IllegalParameter, "client Certificate with a non-empty request context")
	}
	hs.transcript.Write(msg)
	if len(cm.Entries) == 0 {
		// RFC 8446, Section 4.4.2.4: "If the client does not send any
		// certificates ... the server MAY at its discretion either continue
		// the handshake without client authentication, or abort the
		// handshake with a "certificate_required" alert."
		if hs.p.ClientAuth == RequireAnyClientCert || hs.p.ClientAuth == RequireAndVerifyClientCert {
			return nil, alert.New(alert.CertificateRequired, "client sent no certificate")
		}
		return &server13WaitFinished{s.server13WaitFlight2}, nil
	}
	raw := make([][]byte, len(cm.Entries))
	for i, e := range cm.Entries {
		raw[i] = e.Data
		// RFC 8446, Section 4.4.2: a client's entry extensions must answer
		// the CertificateRequest's, and ours requests none.
		if len(e.Extensions) > 0 {
			return nil, alert.New(alert.UnsupportedExtension, "client certificate entry carries extension %d that was not requested", e.Extensions[0].Type)
		}
	}
	if _, err := hs.acceptPeerChain(raw, false); err != nil {
		return nil, err
	}
	return &server13WaitCertVerify{s.server13WaitFlight2}, nil
}

// server13WaitCertVerify is WAIT_CV.
type server13WaitCertVerify struct{ *server13WaitFlight2 }

func (s *server13WaitCertVerify) name() string { return "server13WaitCertVerify" }

func (s *server13WaitCertVerify) handle(msg []byte) (state, error) {
	hs := s.offer.shared
	scheme, err := hs.receiveCertificateVerify13(msg, s.request.SignatureAlgorithms, sig.ClientContext13)
	if err != nil {
		return nil, err
	}
	hs.result.ClientSignatureScheme = scheme
	return &server13WaitFinished{s.server13WaitFlight2}, nil
}

// server13WaitFinished is WAIT_FINISHED.
type server13WaitFinished struct{ *server13WaitFlight2 }

func (s *server13WaitFinished) name() string { return "server13WaitFinished" }

func (s *server13WaitFinished) handle(msg []byte) (state, error) {
	hs := s.offer.shared
	fin, err := expectMessage(msg, wire.TypeFinished, wire.ParseFinished)
	if err != nil {
		return nil, err
	}
	want := s.clientFinished
	if want == nil {
		want = keyschedule.FinishedVerifyData(s.offer.suite.Hash, s.clientSecret, hs.transcript.Sum())
	}
	if err := checkFinishedData(want, fin); err != nil {
		return nil, err
	}
	hs.transcript.Write(msg)
	if err := hs.runVerifyConnection(); err != nil {
		return nil, err
	}
	readKeys, err := newProtector13(s.offer.suite, hs.result.ClientTrafficSecret)
	if err != nil {
		return nil, err
	}
	hs.act(Action{Kind: ActReadKeys, Keys: readKeys, Secret: hs.result.ClientTrafficSecret})
	if s.request != nil {
		// With client authentication the ticket waits for the client's
		// Finished, and carries the client's certificates. The resumption
		// master secret is derived only for a ticket that is sent: a
		// server keeps none after the handshake.
		master, th := s.master, hs.transcript.Sum()
		s.master = nil
		ticket, err := s.offer.newSessionTicket13(func() []byte { return master.ResumptionMasterSecret(th) })
		if err != nil {
			return nil, err
		}
		if ticket != nil {
			hs.out = append(hs.out, Action{Kind: ActSend, Data: ticket}, Action{Kind: ActFlush})
		}
	}
	hs.done = true
	return nil, nil
}
