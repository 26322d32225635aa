package keyschedule

import (
	"crypto"
	"crypto/hmac"
)

// PRF12 is the TLS 1.2 PRF (RFC 5246, Section 5):
//
//	PRF(secret, label, seed) = P_<hash>(secret, label + seed)
//
// with P_hash built from HMAC-h, returning n bytes.
func PRF12(h crypto.Hash, secret []byte, label string, seed []byte, n int) []byte {
	// label + seed and A(i) live in pooled scratch space when they fit
	// (an exporter's context may make the seed longer).
	s := scratchPool.Get().(*scratch)
	var labelSeed []byte
	if len(label)+len(seed) <= len(s.info) {
		labelSeed = s.info[:0]
	} else {
		labelSeed = make([]byte, 0, len(label)+len(seed))
	}
	labelSeed = append(labelSeed, label...)
	labelSeed = append(labelSeed, seed...)

	// P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
	//                        HMAC_hash(secret, A(2) + seed) + ...
	// A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
	out := make([]byte, 0, n+h.Size())
	m := hmac.New(h.New, secret)
	m.Write(labelSeed)
	a := m.Sum(s.block[:0]) // A(1)
	for len(out) < n {
		m.Reset()
		m.Write(a)
		m.Write(labelSeed)
		out = m.Sum(out)
		m.Reset()
		m.Write(a)
		a = m.Sum(a[:0])
	}
	clear(s.block[:])
	scratchPool.Put(s)
	return out[:n]
}

// masterSecretLen is the length of the TLS 1.2 master secret.
const masterSecretLen = 48

// MasterSecret12 computes the TLS 1.2 master secret (RFC 5246, Section 8.1):
//
//	PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]
func MasterSecret12(h crypto.Hash, preMaster, clientRandom, serverRandom []byte) []byte {
	return PRF12(h, preMaster, "master secret", concat(clientRandom, serverRandom), masterSecretLen)
}

// ExtendedMasterSecret12 computes the extended master secret
// (RFC 7627, Section 4):
//
//	PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
//
// sessionHash is the hash of the handshake messages up to and including
// ClientKeyExchange.
func ExtendedMasterSecret12(h crypto.Hash, preMaster, sessionHash []byte) []byte {
	return PRF12(h, preMaster, "extended master secret", sessionHash, masterSecretLen)
}

// KeyBlock12 derives the TLS 1.2 key block (RFC 5246, Section 6.3) for an
// AEAD cipher suite, which has no MAC keys:
//
//	key_block = PRF(SecurityParameters.master_secret, "key expansion",
//	                SecurityParameters.server_random + SecurityParameters.client_random)
//
// partitioned into client_write_key, server_write_key, client_write_IV and
// server_write_IV (the implicit nonce part, RFC 5288, Section 3).
func KeyBlock12(h crypto.Hash, master, clientRandom, serverRandom []byte, keyLen, ivLen int) (clientKey, serverKey, clientIV, serverIV []byte) {
	b := PRF12(h, master, "key expansion", concat(serverRandom, clientRandom), 2*keyLen+2*ivLen)
	clientKey, b = b[:keyLen:keyLen], b[keyLen:]
	serverKey, b = b[:keyLen:keyLen], b[keyLen:]
	clientIV, b = b[:ivLen:ivLen], b[ivLen:]
	serverIV = b[:ivLen:ivLen]
	return
}

// Finished12Len is the length of TLS 1.2 verify_data for the cipher suites
// hush implements (RFC 5246, Section 7.4.9: verify_data_length is 12 unless
// the suite says otherwise).
const Finished12Len = 12

// Finished12 computes TLS 1.2 verify_data (RFC 5246, Section 7.4.9):
//
//	PRF(master_secret, finished_label, Hash(handshake_messages))[0..verify_data_length-1]
//
// with finished_label "client finished" or "server finished".
func Finished12(h crypto.Hash, master []byte, client bool, handshakeHash []byte) []byte {
	label := "server finished"
	if client {
		label = "client finished"
	}
	return PRF12(h, master, label, handshakeHash, Finished12Len)
}

// MaxExport12Context is the longest context Export12 accepts
// (RFC 5705, Section 4: the context length is a uint16).
const MaxExport12Context = 0xffff

// Export12 is the TLS 1.2 keying material exporter (RFC 5705, Section 4):
//
//	PRF(SecurityParameters.master_secret, label,
//	    SecurityParameters.client_random + SecurityParameters.server_random +
//	    context_value_length + context_value)[length]
//
// where the context parts are present only when hasContext is true. It
// panics if context is longer than MaxExport12Context.
func Export12(h crypto.Hash, master, clientRandom, serverRandom []byte, label string, context []byte, hasContext bool, length int) []byte {
	seed := concat(clientRandom, serverRandom)
	if hasContext {
		if len(context) > MaxExport12Context {
			panic("keyschedule: exporter context too long")
		}
		seed = append(seed, byte(len(context)>>8), byte(len(context)))
		seed = append(seed, context...)
	}
	return PRF12(h, master, label, seed, length)
}

// concat returns a new slice holding a followed by b.
func concat(a, b []byte) []byte {
	out := make([]byte, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}
