package keyschedule

import "crypto"

// The stages of the TLS 1.3 key schedule (RFC 8446, Section 7.1):
//
//	0 -> HKDF-Extract = Early Secret
//	     Derive-Secret(., "derived", "") -> HKDF-Extract(., (EC)DHE) = Handshake Secret
//	     Derive-Secret(., "derived", "") -> HKDF-Extract(., 0) = Master Secret
//
// Each stage holds only its secret and the hash; moving to the next stage
// returns a new value, so a later secret cannot be derived from a stage
// that skipped its input.

//
// Every stage derives several values from its one secret, so it keeps the
// secret's HMAC (an expander) between them. A stage is not safe for
// concurrent use.

// EarlySecret is the first stage of the TLS 1.3 key schedule.
type EarlySecret struct {
	hash   crypto.Hash
	secret []byte
	x      expander
}

// HandshakeSecret is the second stage, after the (EC)DHE input.
type HandshakeSecret struct {
	hash   crypto.Hash
	secret []byte
	x      expander
}

// MasterSecret is the last stage of the TLS 1.3 key schedule.
type MasterSecret struct {
	hash   crypto.Hash
	secret []byte
	x      expander
}

// zeroBytes backs zeros.
var zeroBytes [maxHashSize]byte

// zeros returns a string of h.Size() zero bytes. It is shared and only
// ever read.
func zeros(h crypto.Hash) []byte { return zeroBytes[:h.Size():h.Size()] }

// NewEarlySecret computes Early Secret = HKDF-Extract(0, PSK). A nil psk
// means no PSK: RFC 8446, Section 7.1: "if PSK is not in use, ... a string
// of Hash.length bytes set to zeros" is used as the input.
func NewEarlySecret(h crypto.Hash, psk []byte) *EarlySecret {
	if psk == nil {
		psk = zeros(h)
	}
	secret := extract(h, zeros(h), psk)
	return &EarlySecret{hash: h, secret: secret, x: newExpander(h, secret)}
}

// Secret returns the raw Early Secret.
func (e *EarlySecret) Secret() []byte { return e.secret }

// ResumptionBinderKey is Derive-Secret(., "res binder", "").
func (e *EarlySecret) ResumptionBinderKey() []byte {
	return e.x.deriveSecret("res binder", emptyHash(e.hash))
}

// ExternalBinderKey is Derive-Secret(., "ext binder", "").
func (e *EarlySecret) ExternalBinderKey() []byte {
	return e.x.deriveSecret("ext binder", emptyHash(e.hash))
}

// ClientEarlyTrafficSecret is Derive-Secret(., "c e traffic", ClientHello).
func (e *EarlySecret) ClientEarlyTrafficSecret(transcriptHash []byte) []byte {
	return e.x.deriveSecret("c e traffic", transcriptHash)
}

// EarlyExporterMasterSecret is Derive-Secret(., "e exp master", ClientHello).
func (e *EarlySecret) EarlyExporterMasterSecret(transcriptHash []byte) []byte {
	return e.x.deriveSecret("e exp master", transcriptHash)
}

// HandshakeSecret computes
// HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE).
// A nil sharedSecret (PSK-only handshakes) means a string of Hash.length
// zero bytes, RFC 8446, Section 7.1.
func (e *EarlySecret) HandshakeSecret(sharedSecret []byte) *HandshakeSecret {
	if sharedSecret == nil {
		sharedSecret = zeros(e.hash)
	}
	salt := e.x.deriveSecret("derived", emptyHash(e.hash))
	secret := extract(e.hash, salt, sharedSecret)
	return &HandshakeSecret{hash: e.hash, secret: secret, x: newExpander(e.hash, secret)}
}

// Secret returns the raw Handshake Secret.
func (s *HandshakeSecret) Secret() []byte { return s.secret }

// ClientHandshakeTrafficSecret is
// Derive-Secret(., "c hs traffic", ClientHello...ServerHello).
func (s *HandshakeSecret) ClientHandshakeTrafficSecret(transcriptHash []byte) []byte {
	return s.x.deriveSecret("c hs traffic", transcriptHash)
}

// ServerHandshakeTrafficSecret is
// Derive-Secret(., "s hs traffic", ClientHello...ServerHello).
func (s *HandshakeSecret) ServerHandshakeTrafficSecret(transcriptHash []byte) []byte {
	return s.x.deriveSecret("s hs traffic", transcriptHash)
}

// MasterSecret computes
// HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0).
func (s *HandshakeSecret) MasterSecret() *MasterSecret {
	salt := s.x.deriveSecret("derived", emptyHash(s.hash))
	secret := extract(s.hash, salt, zeros(s.hash))
	return &MasterSecret{hash: s.hash, secret: secret, x: newExpander(s.hash, secret)}
}

// Secret returns the raw Master Secret.
func (s *MasterSecret) Secret() []byte { return s.secret }

// ClientApplicationTrafficSecret is
// Derive-Secret(., "c ap traffic", ClientHello...server Finished).
func (s *MasterSecret) ClientApplicationTrafficSecret(transcriptHash []byte) []byte {
	return s.x.deriveSecret("c ap traffic", transcriptHash)
}

// ServerApplicationTrafficSecret is
// Derive-Secret(., "s ap traffic", ClientHello...server Finished).
func (s *MasterSecret) ServerApplicationTrafficSecret(transcriptHash []byte) []byte {
	return s.x.deriveSecret("s ap traffic", transcriptHash)
}

// ExporterMasterSecret is
// Derive-Secret(., "exp master", ClientHello...server Finished).
func (s *MasterSecret) ExporterMasterSecret(transcriptHash []byte) []byte {
	return s.x.deriveSecret("exp master", transcriptHash)
}

// ResumptionMasterSecret is
// Derive-Secret(., "res master", ClientHello...client Finished).
func (s *MasterSecret) ResumptionMasterSecret(transcriptHash []byte) []byte {
	return s.x.deriveSecret("res master", transcriptHash)
}
