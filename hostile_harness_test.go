package hush_test

// The harness of the hostile-input tests (hostile_test.go): a raw TLS 1.3
// endpoint built from hush's internal packages that plays the client against
// a hush server, or the server against a hush client, and can put any bytes
// on the wire at any point of the handshake. It tracks the key schedule from
// its own key shares, so it can open every record the hush side sends —
// plaintext, under the handshake keys or under the application keys — and
// read the alert hush answers with straight off the wire.

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
	"github.com/hushtls/hush/suites"
)

// hostileTimeout bounds every row: a side that has not finished by then has
// hung, and the deadlines turn the hang into a failure instead of a stuck
// test.
const hostileTimeout = 5 * time.Second

// wireAlert is an alert record as the raw endpoint read it off the wire.
type wireAlert struct {
	level, code uint8
	protected   bool
}

func (a wireAlert) String() string {
	p := "plaintext"
	if a.protected {
		p = "protected"
	}
	return fmt.Sprintf("%s alert %s (level %d)", p, hush.Alert(a.code), a.level)
}

// raw is the attacker's endpoint. Its methods fail the test on local
// errors; the peer's misbehaviour is reported, not fatal, so that a row can
// still look at what hush did.
type raw struct {
	t        *testing.T
	conn     net.Conn
	br       *bufio.Reader
	isClient bool

	suite      *suites.Suite
	transcript *keyschedule.Transcript

	// Client role: our key shares and the last ClientHello sent. Server
	// role: the last ClientHello received.
	shares  []*kex.PrivateKey
	ch      *wire.ClientHello
	chCount int
	hrr     *wire.ServerHello // a HelloRetryRequest sent or received
	sh      *wire.ServerHello // the real ServerHello sent or received
	chain   *testutil.Chain   // server role: the certificate we present
	// shTrailer, when set, goes into the ServerHello's record after it.
	shTrailer []byte

	hsSecret        *keyschedule.HandshakeSecret
	ownHS, peerHS   []byte
	ownApp, peerApp []byte

	read        *record.Protector   // current protection of what the peer sends
	readers     []*record.Protector // every read protector so far, tried in turn
	write       *record.Protector   // current protection of what we send; nil for plaintext
	writeSecret []byte

	hs           *wire.Reassembler
	msgs         [][]byte // handshake messages received, in order
	peerFinished bool     // the peer's Finished arrived and verified
	badFinished  bool     // a Finished arrived that does not verify
	alerts       []wireAlert
	ccs          int
	appData      []byte
}

func newRaw(t *testing.T, conn net.Conn, isClient bool) *raw {
	return &raw{
		t: t, conn: conn, br: bufio.NewReader(conn), isClient: isClient,
		transcript: keyschedule.NewTranscript(),
		hs:         wire.NewReassembler(1 << 16),
	}
}

// ---- record layer ----

// writeRaw puts bytes on the wire as they are.
func (r *raw) writeRaw(b []byte) {
	r.t.Helper()
	if _, err := r.conn.Write(b); err != nil {
		r.t.Fatalf("raw: write: %v", err)
	}
}

// plain returns an unprotected record.
func plain(typ uint8, payload []byte) []byte {
	return append(record.AppendHeader(nil, typ, wire.VersionTLS12, len(payload)), payload...)
}

// seal returns one record carrying payload as typ under the current write
// protection (plaintext before keys).
func (r *raw) seal(typ uint8, payload []byte) []byte {
	if r.write == nil {
		return plain(typ, payload)
	}
	return r.write.Seal(nil, typ, payload, 0)
}

// sealInner protects an arbitrary TLSInnerPlaintext (content, content type
// and padding, as the caller lays them out) under the current write key, at
// its next sequence number, without any of record.Protector's checks: the
// way to send what a correct sender never would (oversized plaintext, no
// content type). The protector's sequence number does not advance, so this
// is the last record a row sends under that key.
func (r *raw) sealInner(inner []byte) []byte {
	r.t.Helper()
	if r.write == nil {
		r.t.Fatal("raw: sealInner before keys")
	}
	s := r.suite
	key, iv := keyschedule.TrafficKey(s.Hash, r.writeSecret, s.KeyLen, s.IVLen)
	aead, err := s.NewAEAD(key)
	if err != nil {
		r.t.Fatal(err)
	}
	nonce := bytes.Clone(iv)
	seq := r.write.Seq()
	for i := 0; i < 8; i++ {
		nonce[len(nonce)-1-i] ^= byte(seq >> (8 * i))
	}
	hdr := record.AppendHeader(nil, record.TypeApplicationData, wire.VersionTLS12, len(inner)+aead.Overhead())
	return aead.Seal(hdr, nonce, inner, hdr)
}

// sendHandshake sends messages in one handshake record under the current
// write protection.
func (r *raw) sendHandshake(msgs ...[]byte) {
	r.t.Helper()
	r.writeRaw(r.seal(record.TypeHandshake, bytes.Join(msgs, nil)))
}

// closeWrite half-closes the raw side: the peer reads EOF.
func (r *raw) closeWrite() {
	r.t.Helper()
	if err := r.conn.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		r.t.Fatal(err)
	}
}

// sendCCS sends the middlebox-compatibility change_cipher_spec.
func (r *raw) sendCCS() { r.writeRaw(plain(record.TypeChangeCipherSpec, []byte{1})) }

// readRecord reads one record and opens it when it is protected: under the
// current read key first, then under every earlier one (the peer may send
// an alert under a key we have already moved past, or not yet reached).
func (r *raw) readRecord() (typ uint8, payload []byte, protected bool, err error) {
	hdr := make([]byte, record.HeaderLen)
	if _, err := io.ReadFull(r.br, hdr); err != nil {
		return 0, nil, false, err
	}
	h := record.ParseHeader(hdr)
	if h.Length > record.MaxCiphertext13 {
		return 0, nil, false, fmt.Errorf("peer sent a record of %d bytes", h.Length)
	}
	rec := make([]byte, record.HeaderLen+h.Length)
	copy(rec, hdr)
	if _, err := io.ReadFull(r.br, rec[record.HeaderLen:]); err != nil {
		return 0, nil, false, fmt.Errorf("truncated record: %w", err)
	}
	if h.Type != record.TypeApplicationData || len(r.readers) == 0 {
		return h.Type, rec[record.HeaderLen:], false, nil
	}
	try := append([]*record.Protector{r.read}, r.readers...)
	for _, p := range try {
		typ, pt, err := p.Open(bytes.Clone(rec))
		if err == nil {
			return typ, pt, true, nil
		}
	}
	return 0, nil, true, fmt.Errorf("protected record of %d bytes opens under none of %d keys", h.Length, len(r.readers))
}

// handleRecord dispatches one record read from the peer.
func (r *raw) handleRecord(typ uint8, payload []byte, protected bool) error {
	switch typ {
	case record.TypeAlert:
		if len(payload) != 2 {
			return fmt.Errorf("alert record of %d bytes", len(payload))
		}
		r.alerts = append(r.alerts, wireAlert{level: payload[0], code: payload[1], protected: protected})
	case record.TypeChangeCipherSpec:
		r.ccs++
	case record.TypeHandshake:
		if err := r.hs.Write(payload); err != nil {
			return err
		}
		for {
			msg, ok := r.hs.Next()
			if !ok {
				break
			}
			if err := r.onMessage(msg); err != nil {
				return err
			}
		}
	case record.TypeApplicationData:
		r.appData = append(r.appData, payload...)
	default:
		return fmt.Errorf("record of type %d", typ)
	}
	return nil
}

// pump reads and handles records until done reports true. An alert or the
// end of the stream before that is an error.
func (r *raw) pump(done func() bool) error {
	for !done() {
		if len(r.alerts) > 0 {
			return fmt.Errorf("peer sent %v", r.alerts[0])
		}
		typ, payload, protected, err := r.readRecord()
		if err != nil {
			return err
		}
		if err := r.handleRecord(typ, payload, protected); err != nil {
			return err
		}
	}
	return nil
}

// mustPump is pump that fails the test.
func (r *raw) mustPump(what string, done func() bool) {
	r.t.Helper()
	if err := r.pump(done); err != nil {
		r.t.Fatalf("raw: waiting for %s: %v", what, err)
	}
}

// drain reads and handles everything the peer sends until it closes the
// stream.
func (r *raw) drain() error {
	for {
		typ, payload, protected, err := r.readRecord()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.handleRecord(typ, payload, protected); err != nil {
			return err
		}
	}
}

// ---- key schedule ----

func (r *raw) protector(secret []byte) *record.Protector {
	r.t.Helper()
	key, iv := keyschedule.TrafficKey(r.suite.Hash, secret, r.suite.KeyLen, r.suite.IVLen)
	p, err := record.NewTLS13(r.suite, key, iv)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *raw) setRead(secret []byte) {
	r.read = r.protector(secret)
	r.readers = append(r.readers, r.read)
}

func (r *raw) setWrite(secret []byte) {
	r.write, r.writeSecret = r.protector(secret), secret
}

// handshakeKeys derives the handshake traffic secrets once the ServerHello
// is in the transcript and installs them in both directions.
func (r *raw) handshakeKeys(shared []byte) {
	r.hsSecret = keyschedule.NewEarlySecret(r.suite.Hash, nil).HandshakeSecret(shared)
	th := r.transcript.Sum()
	c := r.hsSecret.ClientHandshakeTrafficSecret(th)
	s := r.hsSecret.ServerHandshakeTrafficSecret(th)
	r.ownHS, r.peerHS = c, s
	if !r.isClient {
		r.ownHS, r.peerHS = s, c
	}
	r.setRead(r.peerHS)
	r.setWrite(r.ownHS)
}

// appSecrets derives the application traffic secrets once the server
// Finished is in the transcript.
func (r *raw) appSecrets() {
	th := r.transcript.Sum()
	master := r.hsSecret.MasterSecret()
	c := master.ClientApplicationTrafficSecret(th)
	s := master.ServerApplicationTrafficSecret(th)
	r.ownApp, r.peerApp = c, s
	if !r.isClient {
		r.ownApp, r.peerApp = s, c
	}
}

// finished returns our Finished message over the transcript so far; it is
// not added to the transcript.
func (r *raw) finished() []byte {
	vd := keyschedule.FinishedVerifyData(r.suite.Hash, r.ownHS, r.transcript.Sum())
	return (&wire.Finished{VerifyData: vd}).Marshal()
}

// onMessage follows the peer's handshake messages: the transcript, the
// ServerHello's key exchange, and the peer's Finished.
func (r *raw) onMessage(msg []byte) error {
	r.msgs = append(r.msgs, msg)
	switch wire.HandshakeType(msg[0]) {
	case wire.TypeClientHello:
		if r.isClient {
			return errors.New("ClientHello sent to a client")
		}
		ch, err := wire.ParseClientHello(msg)
		if err != nil {
			return err
		}
		r.ch = ch
		r.chCount++
		r.transcript.Write(msg)
	case wire.TypeServerHello:
		if !r.isClient {
			return errors.New("ServerHello sent to a server")
		}
		sh, err := wire.ParseServerHello(msg)
		if err != nil {
			return err
		}
		if sh.SupportedVersion == 0 {
			return nil // TLS 1.2: the raw client only looks at it
		}
		suite, ok := suites.Lookup(sh.CipherSuite)
		if !ok || suite.Version != wire.VersionTLS13 {
			return fmt.Errorf("server chose suite %#04x", sh.CipherSuite)
		}
		r.suite = suite
		if sh.IsHelloRetryRequest() {
			r.hrr = sh
			r.transcript.SetHash(suite.Hash)
			r.transcript.ReplaceWithMessageHash()
			r.transcript.Write(msg)
			return nil
		}
		r.sh = sh
		if r.hrr == nil {
			r.transcript.SetHash(suite.Hash)
		}
		r.transcript.Write(msg)
		for _, k := range r.shares {
			if k.Group() == sh.ServerShare.Group {
				secret, err := k.SharedSecret(sh.ServerShare.KeyExchange)
				if err != nil {
					return err
				}
				r.handshakeKeys(secret)
				return nil
			}
		}
		return fmt.Errorf("server share for group %#04x that we did not send", sh.ServerShare.Group)
	case wire.TypeFinished:
		if r.peerHS == nil {
			return errors.New("Finished before keys")
		}
		want := keyschedule.FinishedVerifyData(r.suite.Hash, r.peerHS, r.transcript.Sum())
		fin, err := wire.ParseFinished(msg)
		if err != nil {
			return err
		}
		if !hmac.Equal(fin.VerifyData, want) {
			// Noted, not fatal: the row decides (a row whose own
			// transcript is off on purpose cannot verify it).
			r.badFinished = true
			return nil
		}
		r.transcript.Write(msg)
		r.peerFinished = true
		if r.isClient {
			// The server writes under its application key from now on.
			r.appSecrets()
			r.setRead(r.peerApp)
		} else {
			r.setRead(r.peerApp)
		}
	default:
		r.transcript.Write(msg)
	}
	return nil
}

// ---- client role ----

// clientHello returns a ClientHello message after mutate has changed the
// default one (TLS 1.3 only, TLS_AES_128_GCM_SHA256, an X25519 share, a
// session ID for middlebox compatibility), and adds it to the transcript.
// A key share whose group mutate adds without key exchange bytes gets a
// real share generated for it.
func (r *raw) clientHello(mutate func(*wire.ClientHello)) []byte {
	r.t.Helper()
	random := make([]byte, 32)
	sid := make([]byte, 32)
	_, _ = rand.Read(random)
	_, _ = rand.Read(sid)
	ch := &wire.ClientHello{
		LegacyVersion:            wire.VersionTLS12,
		Random:                   random,
		LegacySessionID:          sid,
		CipherSuites:             []uint16{hush.TLS_AES_128_GCM_SHA256},
		LegacyCompressionMethods: []uint8{0},
		SupportedVersions:        []uint16{wire.VersionTLS13},
		SupportedGroups:          []uint16{kex.X25519},
		SignatureAlgorithms:      sig.Supported13(),
		KeyShares:                []wire.KeyShare{{Group: kex.X25519}},
		HasKeyShare:              true,
	}
	if mutate != nil {
		mutate(ch)
	}
	r.fillShares(ch)
	r.ch = ch
	msg := ch.Marshal()
	r.transcript.Write(msg)
	return msg
}

// fillShares generates a key for every share of ch without key exchange
// bytes.
func (r *raw) fillShares(ch *wire.ClientHello) {
	r.t.Helper()
	for i, ks := range ch.KeyShares {
		if ks.KeyExchange != nil {
			continue
		}
		k, err := kex.GenerateKey(ks.Group, rand.Reader)
		if err != nil {
			r.t.Fatalf("raw: key for group %#04x: %v", ks.Group, err)
		}
		r.shares = append(r.shares, k)
		ch.KeyShares[i].KeyExchange = k.PublicKey()
	}
}

// retryHello returns the ClientHello that answers the HelloRetryRequest
// (the first one with a single share for the selected group and the
// cookie) after mutate, and adds it to the transcript.
func (r *raw) retryHello(mutate func(*wire.ClientHello)) []byte {
	r.t.Helper()
	ch := *r.ch
	ch.KeyShares = []wire.KeyShare{{Group: r.hrr.SelectedGroup}}
	ch.Cookie = r.hrr.Cookie
	if mutate != nil {
		mutate(&ch)
	}
	r.fillShares(&ch)
	r.ch = &ch
	msg := ch.Marshal()
	r.transcript.Write(msg)
	return msg
}

// readServerFlight reads the server's flight through its Finished.
func (r *raw) readServerFlight() {
	r.t.Helper()
	r.mustPump("the server flight", func() bool { return r.peerFinished })
}

// sendFinished sends the client's Finished (after mutate, if any) under the
// handshake key, preceded by the middlebox-compatibility change_cipher_spec,
// and moves the write side to the application key.
func (r *raw) sendFinished(mutate func([]byte) []byte) {
	r.t.Helper()
	msg := r.finished()
	if mutate != nil {
		msg = mutate(msg)
	}
	r.transcript.Write(msg)
	r.sendCCS()
	r.sendHandshake(msg)
	r.setWrite(r.ownApp)
}

// handshake runs a correct client handshake up to and including the
// client's Finished.
func (r *raw) handshake() {
	r.t.Helper()
	r.sendHandshake(r.clientHello(nil))
	r.readServerFlight()
	r.sendFinished(nil)
}

// ---- server role ----

// readClientHello reads the n-th ClientHello.
func (r *raw) readClientHello(n int) {
	r.t.Helper()
	r.mustPump("a ClientHello", func() bool { return r.chCount >= n })
}

// clientShare returns the client's key share for group.
func (r *raw) clientShare(group uint16) []byte {
	for _, ks := range r.ch.KeyShares {
		if ks.Group == group {
			return ks.KeyExchange
		}
	}
	return nil
}

// sendServerHello sends a ServerHello after mutate has changed the default
// one (TLS_AES_128_GCM_SHA256, a share answering the client's first, the
// session ID echoed), adds it to the transcript and installs the handshake
// keys when the key exchange still works out.
func (r *raw) sendServerHello(mutate func(*wire.ServerHello)) {
	r.t.Helper()
	random := make([]byte, 32)
	_, _ = rand.Read(random)
	if len(r.ch.KeyShares) == 0 {
		r.t.Fatal("raw: the ClientHello has no key share to answer")
	}
	group := r.ch.KeyShares[0].Group
	share, secret, err := kex.Encapsulate(group, rand.Reader, r.clientShare(group))
	if err != nil {
		r.t.Fatalf("raw: answering the client's %s share: %v", kex.Name(group), err)
	}
	sh := &wire.ServerHello{
		LegacyVersion:       wire.VersionTLS12,
		Random:              random,
		LegacySessionIDEcho: r.ch.LegacySessionID,
		CipherSuite:         hush.TLS_AES_128_GCM_SHA256,
		SupportedVersion:    wire.VersionTLS13,
		ServerShare:         wire.KeyShare{Group: group, KeyExchange: share},
		HasServerShare:      true,
	}
	if mutate != nil {
		mutate(sh)
	}
	r.sh = sh
	r.suite, _ = suites.Lookup(hush.TLS_AES_128_GCM_SHA256)
	if s, ok := suites.Lookup(sh.CipherSuite); ok && s.Version == wire.VersionTLS13 {
		r.suite = s
	}
	msg := sh.Marshal()
	if r.hrr == nil {
		r.transcript.SetHash(r.suite.Hash)
	}
	r.transcript.Write(msg)
	r.writeRaw(plain(record.TypeHandshake, append(msg, r.shTrailer...)))
	if sh.ServerShare.Group == group && bytes.Equal(sh.ServerShare.KeyExchange, share) {
		r.handshakeKeys(secret)
	}
}

// sendHelloRetryRequest sends a HelloRetryRequest after mutate has changed
// the default one (selecting group, with a cookie) and restarts the
// transcript as RFC 8446, Section 4.4.1 says.
func (r *raw) sendHelloRetryRequest(group uint16, mutate func(*wire.ServerHello)) {
	hrr := &wire.ServerHello{
		LegacyVersion:       wire.VersionTLS12,
		Random:              wire.HelloRetryRequestRandom,
		LegacySessionIDEcho: r.ch.LegacySessionID,
		CipherSuite:         hush.TLS_AES_128_GCM_SHA256,
		SupportedVersion:    wire.VersionTLS13,
		SelectedGroup:       group,
		HasSelectedGroup:    true,
		Cookie:              []byte("hostile cookie"),
	}
	if mutate != nil {
		mutate(hrr)
	}
	first := r.hrr == nil
	r.hrr = hrr
	r.suite, _ = suites.Lookup(hush.TLS_AES_128_GCM_SHA256)
	msg := hrr.Marshal()
	if first {
		r.transcript.SetHash(r.suite.Hash)
		r.transcript.ReplaceWithMessageHash()
	}
	r.transcript.Write(msg)
	r.writeRaw(plain(record.TypeHandshake, msg))
}

// serverFlight returns EncryptedExtensions, Certificate, CertificateVerify
// and Finished, each passed through mutate (by type) before it joins the
// transcript, and derives the application secrets. mutate may return nil to
// leave a message out, or several messages. Send them with sendHandshake,
// then call afterServerFlight.
func (r *raw) serverFlight(mutate func(wire.HandshakeType, []byte) []byte) []byte {
	r.t.Helper()
	var out []byte
	add := func(typ wire.HandshakeType, msg []byte) {
		if mutate != nil {
			msg = mutate(typ, msg)
		}
		if msg != nil {
			r.transcript.Write(msg)
			out = append(out, msg...)
		}
	}
	add(wire.TypeEncryptedExtensions, (&wire.EncryptedExtensions{}).Marshal())
	cm := &wire.Certificate13{}
	for _, der := range r.chain.Certificates {
		cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: der})
	}
	add(wire.TypeCertificate, cm.Marshal())
	signature, err := sig.Sign(r.chain.Key, sig.ECDSAWithP256AndSHA256, rand.Reader,
		sig.SignedContent13(sig.ServerContext13, r.transcript.Sum()))
	if err != nil {
		r.t.Fatal(err)
	}
	add(wire.TypeCertificateVerify, (&wire.CertificateVerify{Algorithm: sig.ECDSAWithP256AndSHA256, Signature: signature}).Marshal())
	add(wire.TypeFinished, r.finished())
	r.appSecrets()
	return out
}

// clientAuthFlight returns the client's Certificate (r.chain),
// CertificateVerify and Finished, each passed through mutate as in
// serverFlight and added to the transcript. Send them with sendHandshake,
// then move to the application key with setWrite(r.ownApp).
func (r *raw) clientAuthFlight(mutate func(wire.HandshakeType, []byte) []byte) []byte {
	r.t.Helper()
	var out []byte
	add := func(typ wire.HandshakeType, msg []byte) {
		if mutate != nil {
			msg = mutate(typ, msg)
		}
		if msg != nil {
			r.transcript.Write(msg)
			out = append(out, msg...)
		}
	}
	cm := &wire.Certificate13{}
	for _, der := range r.chain.Certificates {
		cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: der})
	}
	add(wire.TypeCertificate, cm.Marshal())
	signature, err := sig.Sign(r.chain.Key, sig.ECDSAWithP256AndSHA256, rand.Reader,
		sig.SignedContent13(sig.ClientContext13, r.transcript.Sum()))
	if err != nil {
		r.t.Fatal(err)
	}
	add(wire.TypeCertificateVerify, (&wire.CertificateVerify{Algorithm: sig.ECDSAWithP256AndSHA256, Signature: signature}).Marshal())
	add(wire.TypeFinished, r.finished())
	return out
}

// afterServerFlight moves the write side to the application key, as a
// server does once its Finished is out.
func (r *raw) afterServerFlight() { r.setWrite(r.ownApp) }

// ---- running a row ----

// hushOutcome is what the hush side of a row returned.
type hushOutcome struct {
	err   error                // from Handshake, or from the Read loop after it
	state hush.ConnectionState // after a successful handshake
}

// runHostile connects a raw endpoint to a hush endpoint over loopback TCP
// and runs script as the raw side. The hush side runs the handshake and,
// when it succeeds, reads until an error; then it half-closes the stream so
// that the raw side reads everything it sent (the alert included) up to a
// clean EOF, which drain collects. Deadlines bound both sides.
func runHostile(t *testing.T, hushIsClient bool, cfg *hush.Config, script func(*raw)) (*raw, hushOutcome) {
	t.Helper()
	testutil.CheckGoroutines(t)
	rawConn, hushConn := testutil.TCPPipe(t)
	deadline := time.Now().Add(hostileTimeout)
	_ = rawConn.SetDeadline(deadline)
	_ = hushConn.SetDeadline(deadline)

	var tc *hush.Conn
	if hushIsClient {
		tc = hush.Client(hushConn, cfg)
	} else {
		tc = hush.Server(hushConn, cfg)
	}
	release := make(chan struct{})
	var releaseOnce sync.Once
	releaseFn := func() { releaseOnce.Do(func() { close(release) }) }
	result := make(chan hushOutcome, 1)
	go func() {
		var out hushOutcome
		out.err = tc.Handshake()
		if out.err == nil {
			out.state = tc.ConnectionState()
			buf := make([]byte, 1024)
			for out.err == nil {
				_, out.err = tc.Read(buf)
			}
		}
		// Half-close rather than close: closing a socket with unread
		// input resets the connection, and the reset can destroy the alert
		// before the raw side has read it.
		if cw, ok := hushConn.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		<-release
		_ = tc.Close()
		result <- out
	}()
	// If the script fails the test, unblock the hush side: closing the raw
	// end ends its reads, releasing lets it close.
	t.Cleanup(func() { _ = rawConn.Close(); releaseFn() })

	r := newRaw(t, rawConn, !hushIsClient)
	if hushIsClient {
		r.chain = testutil.NewChain(t, testutil.ECDSAP256)
	}
	script(r)
	if err := r.drain(); err != nil {
		t.Errorf("raw: reading what hush sent: %v", err)
	}
	releaseFn()
	select {
	case out := <-result:
		return r, out
	case <-time.After(hostileTimeout):
		t.Fatal("hush side hung")
	}
	return nil, hushOutcome{}
}

// hostileServerConfig is the hush server of the rows: an ECDSA P-256 chain
// and otherwise the defaults.
func hostileServerConfig(t *testing.T) *hush.Config {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	return &hush.Config{
		Certificates: []hush.Certificate{{Certificate: chain.Certificates, PrivateKey: chain.Key, Leaf: chain.Leaf}},
	}
}

// hostileClientConfig is the hush client of the rows: TLS 1.3 with one
// suite and an X25519 share, P-256 and P-384 supported, verifying the raw
// server's chain.
func hostileClientConfig(t *testing.T) *hush.Config {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	return &hush.Config{
		ServerName:       "example.com",
		RootCAs:          chain.RootPool,
		MinVersion:       hush.VersionTLS13,
		CipherSuites:     []uint16{hush.TLS_AES_128_GCM_SHA256},
		CurvePreferences: []hush.CurveID{hush.X25519, hush.CurveP256, hush.CurveP384},
	}
}
