package keyschedule

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"testing"

	"github.com/hushtls/hush/internal/testutil/rfc8448"
)

// check compares a derived value with the trace's.
func check(t *testing.T, name string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n got %x\nwant %x", name, got, want)
	}
}

// checkMessages makes sure every handshake message vector is whole: its
// uint24 length matches, so a copying slip in the vectors shows up here.
func checkMessages(t *testing.T, msgs ...[]byte) {
	t.Helper()
	for i, m := range msgs {
		if len(m) < 4 || int(m[1])<<16|int(m[2])<<8|int(m[3]) != len(m)-4 {
			t.Fatalf("message %d of the vectors is malformed", i)
		}
	}
}

func TestRFC8448Simple1RTT(t *testing.T) {
	checkMessages(t, rfc8448.S3ClientHello, rfc8448.S3ServerHello, rfc8448.S3EncryptedExtensions, rfc8448.S3Certificate,
		rfc8448.S3CertificateVerify, rfc8448.S3ServerFinished, rfc8448.S3ClientFinished, rfc8448.S3NewSessionTicket)
	h := crypto.SHA256

	// The hash becomes known with the ServerHello: buffer until then.
	tr := NewTranscript()
	tr.Write(rfc8448.S3ClientHello)
	tr.Write(rfc8448.S3ServerHello)
	tr.SetHash(h)
	check(t, "CH..SH hash", tr.Sum(), rfc8448.S3HSHash)

	es := NewEarlySecret(h, nil)
	check(t, "early secret", es.Secret(), rfc8448.S3EarlySecret)
	check(t, "derived (handshake)", DeriveSecret(h, es.Secret(), "derived", sha256.New().Sum(nil)), rfc8448.S3DerivedForHS)

	hs := es.HandshakeSecret(rfc8448.S3SharedSecret)
	check(t, "handshake secret", hs.Secret(), rfc8448.S3HandshakeSecret)
	chs := hs.ClientHandshakeTrafficSecret(tr.Sum())
	shs := hs.ServerHandshakeTrafficSecret(tr.Sum())
	check(t, "c hs traffic", chs, rfc8448.S3CHSTraffic)
	check(t, "s hs traffic", shs, rfc8448.S3SHSTraffic)
	check(t, "derived (master)", DeriveSecret(h, hs.Secret(), "derived", sha256.New().Sum(nil)), rfc8448.S3DerivedForMaster)

	key, iv := TrafficKey(h, shs, 16, 12)
	check(t, "server hs key", key, rfc8448.S3ServerHSKey)
	check(t, "server hs iv", iv, rfc8448.S3ServerHSIV)
	key, iv = TrafficKey(h, chs, 16, 12)
	check(t, "client hs key", key, rfc8448.S3ClientHSKey)
	check(t, "client hs iv", iv, rfc8448.S3ClientHSIV)

	tr.Write(rfc8448.S3EncryptedExtensions)
	tr.Write(rfc8448.S3Certificate)
	tr.Write(rfc8448.S3CertificateVerify)
	check(t, "server finished key", FinishedKey(h, shs), rfc8448.S3ServerFinishedKey)
	check(t, "server verify_data", FinishedVerifyData(h, shs, tr.Sum()), rfc8448.S3ServerVerifyData)
	check(t, "server Finished message", rfc8448.S3ServerFinished[4:], rfc8448.S3ServerVerifyData)

	tr.Write(rfc8448.S3ServerFinished)
	check(t, "CH..server Finished hash", tr.Sum(), rfc8448.S3APHash)
	ms := hs.MasterSecret()
	check(t, "master secret", ms.Secret(), rfc8448.S3MasterSecret)
	clientAP := ms.ClientApplicationTrafficSecret(tr.Sum())
	serverAP := ms.ServerApplicationTrafficSecret(tr.Sum())
	check(t, "c ap traffic", clientAP, rfc8448.S3CAPTraffic)
	check(t, "s ap traffic", serverAP, rfc8448.S3SAPTraffic)
	check(t, "exp master", ms.ExporterMasterSecret(tr.Sum()), rfc8448.S3ExpMaster)
	key, iv = TrafficKey(h, serverAP, 16, 12)
	check(t, "server ap key", key, rfc8448.S3ServerAPKey)
	check(t, "server ap iv", iv, rfc8448.S3ServerAPIV)
	key, iv = TrafficKey(h, clientAP, 16, 12)
	check(t, "client ap key", key, rfc8448.S3ClientAPKey)
	check(t, "client ap iv", iv, rfc8448.S3ClientAPIV)

	check(t, "client finished key", FinishedKey(h, chs), rfc8448.S3ClientFinishedKey)
	check(t, "client verify_data", FinishedVerifyData(h, chs, tr.Sum()), rfc8448.S3ClientVerifyData)
	check(t, "client Finished message", rfc8448.S3ClientFinished[4:], rfc8448.S3ClientVerifyData)

	tr.Write(rfc8448.S3ClientFinished)
	check(t, "CH..client Finished hash", tr.Sum(), rfc8448.S3ResHash)
	res := ms.ResumptionMasterSecret(tr.Sum())
	check(t, "res master", res, rfc8448.S3ResMaster)
	check(t, "resumption PSK", ResumptionPSK(h, res, s3TicketNonce(t)), rfc8448.S3ResumptionPSK)
}

// s3TicketNonce reads ticket_nonce out of Section 3's NewSessionTicket:
// header(4) lifetime(4) age_add(4) nonce<0..255>.
func s3TicketNonce(t *testing.T) []byte {
	m := rfc8448.S3NewSessionTicket
	n := int(m[12])
	nonce := m[13 : 13+n]
	if !bytes.Equal(nonce, []byte{0, 0}) {
		t.Fatalf("ticket nonce %x", nonce)
	}
	return nonce
}

func TestRFC8448Resumed0RTT(t *testing.T) {
	checkMessages(t, rfc8448.S4ClientHello, rfc8448.S4ServerHello, rfc8448.S4EncryptedExtensions, rfc8448.S4ServerFinished,
		rfc8448.S4EndOfEarlyData, rfc8448.S4ClientFinished)
	h := crypto.SHA256

	// The PSK comes from the first connection's resumption master secret.
	psk := ResumptionPSK(h, rfc8448.S3ResMaster, s3TicketNonce(t))
	check(t, "PSK", psk, rfc8448.S4PSK)
	es := NewEarlySecret(h, psk)
	check(t, "early secret", es.Secret(), rfc8448.S4EarlySecret)

	// The binder covers the ClientHello up to the binders list.
	if !bytes.HasPrefix(rfc8448.S4ClientHello, rfc8448.S4ClientHelloPrefix) {
		t.Fatal("the ClientHello prefix vector is not a prefix of the ClientHello")
	}
	tr := NewTranscript()
	tr.SetHash(h)
	partial := tr.Clone()
	partial.Write(rfc8448.S4ClientHelloPrefix)
	check(t, "binder hash", partial.Sum(), rfc8448.S4BinderHash)
	binderKey := es.ResumptionBinderKey()
	check(t, "binder key", binderKey, rfc8448.S4BinderKey)
	check(t, "binder finished key", FinishedKey(h, binderKey), rfc8448.S4BinderFinishedKey)
	binder := FinishedVerifyData(h, binderKey, partial.Sum())
	check(t, "binder", binder, rfc8448.S4Binder)
	check(t, "binder in ClientHello", rfc8448.S4ClientHello[len(rfc8448.S4ClientHello)-32:], rfc8448.S4Binder)
	if es.ExternalBinderKey() == nil || bytes.Equal(es.ExternalBinderKey(), binderKey) {
		t.Error("external binder key must differ from the resumption one")
	}

	// Clone did not disturb the original transcript.
	tr.Write(rfc8448.S4ClientHello)
	check(t, "ClientHello hash", tr.Sum(), rfc8448.S4CHHash)
	cet := es.ClientEarlyTrafficSecret(tr.Sum())
	check(t, "c e traffic", cet, rfc8448.S4CETraffic)
	check(t, "e exp master", es.EarlyExporterMasterSecret(tr.Sum()), rfc8448.S4EExpMaster)
	key, iv := TrafficKey(h, cet, 16, 12)
	check(t, "early key", key, rfc8448.S4EarlyKey)
	check(t, "early iv", iv, rfc8448.S4EarlyIV)

	tr.Write(rfc8448.S4ServerHello)
	check(t, "CH..SH hash", tr.Sum(), rfc8448.S4HSHash)
	hs := es.HandshakeSecret(rfc8448.S4SharedSecret)
	check(t, "handshake secret", hs.Secret(), rfc8448.S4HandshakeSecret)
	chs := hs.ClientHandshakeTrafficSecret(tr.Sum())
	shs := hs.ServerHandshakeTrafficSecret(tr.Sum())
	check(t, "c hs traffic", chs, rfc8448.S4CHSTraffic)
	check(t, "s hs traffic", shs, rfc8448.S4SHSTraffic)
	key, iv = TrafficKey(h, shs, 16, 12)
	check(t, "server hs key", key, rfc8448.S4ServerHSKey)
	check(t, "server hs iv", iv, rfc8448.S4ServerHSIV)
	key, iv = TrafficKey(h, chs, 16, 12)
	check(t, "client hs key", key, rfc8448.S4ClientHSKey)
	check(t, "client hs iv", iv, rfc8448.S4ClientHSIV)

	tr.Write(rfc8448.S4EncryptedExtensions)
	check(t, "server verify_data", FinishedVerifyData(h, shs, tr.Sum()), rfc8448.S4ServerVerifyData)
	tr.Write(rfc8448.S4ServerFinished)
	check(t, "CH..server Finished hash", tr.Sum(), rfc8448.S4APHash)
	ms := hs.MasterSecret()
	check(t, "master secret", ms.Secret(), rfc8448.S4MasterSecret)
	clientAP := ms.ClientApplicationTrafficSecret(tr.Sum())
	serverAP := ms.ServerApplicationTrafficSecret(tr.Sum())
	check(t, "c ap traffic", clientAP, rfc8448.S4CAPTraffic)
	check(t, "s ap traffic", serverAP, rfc8448.S4SAPTraffic)
	check(t, "exp master", ms.ExporterMasterSecret(tr.Sum()), rfc8448.S4ExpMaster)
	key, iv = TrafficKey(h, serverAP, 16, 12)
	check(t, "server ap key", key, rfc8448.S4ServerAPKey)
	check(t, "server ap iv", iv, rfc8448.S4ServerAPIV)

	// The client's Finished covers EndOfEarlyData too.
	tr.Write(rfc8448.S4EndOfEarlyData)
	check(t, "client verify_data", FinishedVerifyData(h, chs, tr.Sum()), rfc8448.S4ClientVerifyData)
	key, iv = TrafficKey(h, clientAP, 16, 12)
	check(t, "client ap key", key, rfc8448.S4ClientAPKey)
	check(t, "client ap iv", iv, rfc8448.S4ClientAPIV)
	tr.Write(rfc8448.S4ClientFinished)
	check(t, "CH..client Finished hash", tr.Sum(), rfc8448.S4ResHash)
	check(t, "res master", ms.ResumptionMasterSecret(tr.Sum()), rfc8448.S4ResMaster)
}

func TestRFC8448HelloRetryRequest(t *testing.T) {
	checkMessages(t, rfc8448.S5ClientHello1, rfc8448.S5HelloRetryRequest, rfc8448.S5ClientHello2, rfc8448.S5ServerHello,
		rfc8448.S5EncryptedExtensions, rfc8448.S5Certificate, rfc8448.S5CertificateVerify, rfc8448.S5ServerFinished, rfc8448.S5ClientFinished)
	h := crypto.SHA256

	tr := NewTranscript()
	tr.Write(rfc8448.S5ClientHello1)
	tr.SetHash(h) // the HelloRetryRequest names the suite
	tr.ReplaceWithMessageHash()
	tr.Write(rfc8448.S5HelloRetryRequest)
	tr.Write(rfc8448.S5ClientHello2)
	tr.Write(rfc8448.S5ServerHello)
	check(t, "message_hash..SH hash", tr.Sum(), rfc8448.S5HSHash)

	// The same, spelled out: 0xfe 00 00 20 || SHA-256(ClientHello1).
	ch1 := sha256.Sum256(rfc8448.S5ClientHello1)
	manual := sha256.New()
	manual.Write([]byte{0xfe, 0, 0, 32})
	manual.Write(ch1[:])
	manual.Write(rfc8448.S5HelloRetryRequest)
	manual.Write(rfc8448.S5ClientHello2)
	manual.Write(rfc8448.S5ServerHello)
	check(t, "manual message_hash", manual.Sum(nil), rfc8448.S5HSHash)

	hs := NewEarlySecret(h, nil).HandshakeSecret(rfc8448.S5SharedSecret)
	check(t, "handshake secret", hs.Secret(), rfc8448.S5HandshakeSecret)
	chs := hs.ClientHandshakeTrafficSecret(tr.Sum())
	shs := hs.ServerHandshakeTrafficSecret(tr.Sum())
	check(t, "c hs traffic", chs, rfc8448.S5CHSTraffic)
	check(t, "s hs traffic", shs, rfc8448.S5SHSTraffic)
	key, iv := TrafficKey(h, shs, 16, 12)
	check(t, "server hs key", key, rfc8448.S5ServerHSKey)
	check(t, "server hs iv", iv, rfc8448.S5ServerHSIV)
	key, iv = TrafficKey(h, chs, 16, 12)
	check(t, "client hs key", key, rfc8448.S5ClientHSKey)
	check(t, "client hs iv", iv, rfc8448.S5ClientHSIV)

	tr.Write(rfc8448.S5EncryptedExtensions)
	tr.Write(rfc8448.S5Certificate)
	tr.Write(rfc8448.S5CertificateVerify)
	check(t, "server verify_data", FinishedVerifyData(h, shs, tr.Sum()), rfc8448.S5ServerVerifyData)
	tr.Write(rfc8448.S5ServerFinished)
	check(t, "CH..server Finished hash", tr.Sum(), rfc8448.S5APHash)
	ms := hs.MasterSecret()
	check(t, "master secret", ms.Secret(), rfc8448.S5MasterSecret)
	clientAP := ms.ClientApplicationTrafficSecret(tr.Sum())
	check(t, "c ap traffic", clientAP, rfc8448.S5CAPTraffic)
	check(t, "s ap traffic", ms.ServerApplicationTrafficSecret(tr.Sum()), rfc8448.S5SAPTraffic)
	check(t, "exp master", ms.ExporterMasterSecret(tr.Sum()), rfc8448.S5ExpMaster)
	check(t, "client verify_data", FinishedVerifyData(h, chs, tr.Sum()), rfc8448.S5ClientVerifyData)
	key, iv = TrafficKey(h, clientAP, 16, 12)
	check(t, "client ap key", key, rfc8448.S5ClientAPKey)
	check(t, "client ap iv", iv, rfc8448.S5ClientAPIV)
	tr.Write(rfc8448.S5ClientFinished)
	check(t, "CH..client Finished hash", tr.Sum(), rfc8448.S5ResHash)
	check(t, "res master", ms.ResumptionMasterSecret(tr.Sum()), rfc8448.S5ResMaster)
}

func TestExpandLabelEncoding(t *testing.T) {
	// RFC 8448 prints the HkdfLabel for "derived": reproduce HKDF-Expand
	// with that exact info and compare with ExpandLabel.
	info := rfc8448.Hex(`00 20 0d 74 6c 73 31 33 20 64 65 72 69 76 65 64
		20 e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24 27 ae 41 e4
		64 9b 93 4c a4 95 99 1b 78 52 b8 55`)
	empty := sha256.Sum256(nil)
	got := ExpandLabel(crypto.SHA256, rfc8448.S3EarlySecret, "derived", empty[:], 32)
	check(t, "derived", got, rfc8448.S3DerivedForHS)
	if len(info) != 49 {
		t.Fatal("info vector")
	}
}

func TestNextTrafficSecret(t *testing.T) {
	// RFC 8446, Section 7.2, by hand: HKDF-Expand-Label(secret, "traffic upd", "", Hash.length).
	got := NextTrafficSecret(crypto.SHA256, rfc8448.S3CAPTraffic)
	want := ExpandLabel(crypto.SHA256, rfc8448.S3CAPTraffic, "traffic upd", nil, 32)
	check(t, "traffic upd", got, want)
	if bytes.Equal(got, rfc8448.S3CAPTraffic) {
		t.Error("key update must change the secret")
	}
	if n := len(NextTrafficSecret(crypto.SHA384, make([]byte, 48))); n != 48 {
		t.Errorf("SHA-384 secret length %d", n)
	}
}

func TestTranscriptClone(t *testing.T) {
	tr := NewTranscript()
	tr.Write([]byte("abc"))
	c := tr.Clone() // still buffering
	c.SetHash(crypto.SHA384)
	tr.SetHash(crypto.SHA384)
	check(t, "clone of buffer", c.Sum(), tr.Sum())
	c.Write([]byte("d"))
	if bytes.Equal(c.Sum(), tr.Sum()) {
		t.Error("clone shares state")
	}
	if tr.Hash() != crypto.SHA384 {
		t.Error("Hash")
	}
	tr.SetHash(crypto.SHA384) // idempotent
}

func TestPanicsOnMisuse(t *testing.T) {
	for name, f := range map[string]func(){
		"sum before hash":  func() { NewTranscript().Sum() },
		"hash changed":     func() { tr := NewTranscript(); tr.SetHash(crypto.SHA256); tr.SetHash(crypto.SHA384) },
		"long label":       func() { ExpandLabel(crypto.SHA256, nil, string(make([]byte, 250)), nil, 32) },
		"long context":     func() { ExpandLabel(crypto.SHA256, nil, "x", make([]byte, 256), 32) },
		"long output":      func() { Export13(crypto.SHA256, make([]byte, 32), "x", nil, MaxExport13(crypto.SHA256)+1) },
		"long 1.2 context": func() { Export12(crypto.SHA256, nil, nil, nil, "x", make([]byte, 1<<16), true, 1) },
		"late retain":      func() { tr := NewTranscript(); tr.SetHash(crypto.SHA256); tr.Retain() },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
	// The limits themselves work.
	if n := len(Export13(crypto.SHA256, make([]byte, 32), string(make([]byte, MaxExport13Label)), nil, MaxExport13(crypto.SHA256))); n != 255*32 {
		t.Errorf("export length %d", n)
	}
}

func TestTranscriptRetain(t *testing.T) {
	tr := NewTranscript()
	tr.Write([]byte("one"))
	tr.Retain() // before SetHash: the buffered messages are kept
	tr.SetHash(crypto.SHA256)
	tr.Write([]byte("two"))
	if string(tr.Messages()) != "onetwo" {
		t.Errorf("Messages %q", tr.Messages())
	}
	c := tr.Clone()
	c.Write([]byte("three"))
	if string(tr.Messages()) != "onetwo" || string(c.Messages()) != "onetwothree" {
		t.Error("clone shares retained messages")
	}
	sum := sha256.Sum256([]byte("onetwo"))
	check(t, "sum", tr.Sum(), sum[:])
	if NewTranscript().Messages() != nil {
		t.Error("Messages without Retain")
	}
}
