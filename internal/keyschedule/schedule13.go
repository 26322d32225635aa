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

// EarlySecret is the first stage of the TLS 1.3 key schedule.
type EarlySecret struct {
	hash   crypto.Hash
	secret []byte
}

// HandshakeSecret is the second stage, after the (EC)DHE input.
type HandshakeSecret struct {
	hash   crypto.Hash
	secret []byte
}

// MasterSecret is the last stage of the TLS 1.3 key schedule.
type MasterSecret struct {
	hash   crypto.Hash
	secret []byte
}

// zeros returns a string of h.Size() zero bytes.
func zeros(h crypto.Hash) []byte { return make([]byte, h.Size()) }

// NewEarlySecret computes Early Secret = HKDF-Extract(0, PSK). A nil psk
// means no PSK: RFC 8446, Section 7.1: "if PSK is not in use, ... a string
// of Hash.length bytes set to zeros" is used as the input.
func NewEarlySecret(h crypto.Hash, psk []byte) *EarlySecret {
	if psk == nil {
		psk = zeros(h)
	}
	return &EarlySecret{hash: h, secret: extract(h, zeros(h), psk)}
}

// Secret returns the raw Early Secret.
func (e *EarlySecret) Secret() []byte { return e.secret }

// ResumptionBinderKey is Derive-Secret(., "res binder", "").
func (e *EarlySecret) ResumptionBinderKey() []byte {
	return DeriveSecret(e.hash, e.secret, "res binder", emptyHash(e.hash))
}

// ExternalBinderKey is Derive-Secret(., "ext binder", "").
func (e *EarlySecret) ExternalBinderKey() []byte {
	return DeriveSecret(e.hash, e.secret, "ext binder", emptyHash(e.hash))
}

// ClientEarlyTrafficSecret is Derive-Secret(., "c e traffic", ClientHello).
func (e *EarlySecret) ClientEarlyTrafficSecret(transcriptHash []byte) []byte {
	return DeriveSecret(e.hash, e.secret, "c e traffic", transcriptHash)
}

// EarlyExporterMasterSecret is Derive-Secret(., "e exp master", ClientHello).
func (e *EarlySecret) EarlyExporterMasterSecret(transcriptHash []byte) []byte {
	return DeriveSecret(e.hash, e.secret, "e exp master", transcriptHash)
}

// HandshakeSecret computes
// HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE).
// A nil sharedSecret (PSK-only handshakes) means a string of Hash.length
// zero bytes, RFC 8446, Section 7.1.
func (e *EarlySecret) HandshakeSecret(sharedSecret []byte) *HandshakeSecret {
	if sharedSecret == nil {
		sharedSecret = zeros(e.hash)
	}
	salt := DeriveSecret(e.hash, e.secret, "derived", emptyHash(e.hash))
	return &HandshakeSecret{hash: e.hash, secret: extract(e.hash, salt, sharedSecret)}
}

// Secret returns the raw Handshake Secret.
func (s *HandshakeSecret) Secret() []byte { return s.secret }

// ClientHandshakeTrafficSecret is
// Derive-Secret(., "c hs traffic", ClientHello...ServerHello).
func (s *HandshakeSecret) ClientHandshakeTrafficSecret(transcriptHash []byte) []byte {
	return DeriveSecret(s.hash, s.secret, "c hs traffic", transcriptHash)
}

// ServerHandshakeTrafficSecret is
// Derive-Secret(., "s hs traffic", ClientHello...ServerHello).
func (s *HandshakeSecret) ServerHandshakeTrafficSecret(transcriptHash []byte) []byte {
	return DeriveSecret(s.hash, s.secret, "s hs traffic", transcriptHash)
}

// MasterSecret computes
// HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0).
func (s *HandshakeSecret) MasterSecret() *MasterSecret {
	salt := DeriveSecret(s.hash, s.secret, "derived", emptyHash(s.hash))
	return &MasterSecret{hash: s.hash, secret: extract(s.hash, salt, zeros(s.hash))}
}

// Secret returns the raw Master Secret.
func (s *MasterSecret) Secret() []byte { return s.secret }

// ClientApplicationTrafficSecret is
// Derive-Secret(., "c ap traffic", ClientHello...server Finished).
func (s *MasterSecret) ClientApplicationTrafficSecret(transcriptHash []byte) []byte {
	return DeriveSecret(s.hash, s.secret, "c ap traffic", transcriptHash)
}

// ServerApplicationTrafficSecret is
// Derive-Secret(., "s ap traffic", ClientHello...server Finished).
func (s *MasterSecret) ServerApplicationTrafficSecret(transcriptHash []byte) []byte {
	return DeriveSecret(s.hash, s.secret, "s ap traffic", transcriptHash)
}

// ExporterMasterSecret is
// Derive-Secret(., "exp master", ClientHello...server Finished).
func (s *MasterSecret) ExporterMasterSecret(transcriptHash []byte) []byte {
	return DeriveSecret(s.hash, s.secret, "exp master", transcriptHash)
}

// ResumptionMasterSecret is
// Derive-Secret(., "res master", ClientHello...client Finished).
func (s *MasterSecret) ResumptionMasterSecret(transcriptHash []byte) []byte {
	return DeriveSecret(s.hash, s.secret, "res master", transcriptHash)
}
