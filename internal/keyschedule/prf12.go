package keyschedule

import (
	"crypto"
	"crypto/hmac"
	"hash"
)

// PRF12 is the TLS 1.2 PRF (RFC 5246, Section 5):
//
//	PRF(secret, label, seed) = P_<hash>(secret, label + seed)
//
// with P_hash built from HMAC-h, returning n bytes.
func PRF12(h crypto.Hash, secret []byte, label string, seed []byte, n int) []byte {
	m := hmac.New(h.New, secret)
	return pHash(m, make([]byte, 0, n+h.Size()), n, label, seed, nil)
}

// pHash appends n bytes of P_hash(secret, label + seed1 + seed2) to dst
// (RFC 5246, Section 5), where m is HMAC-hash keyed with secret, and
// returns the result. m may have been used before: it is Reset before
// every block. The seed is given in two parts so that callers need not
// concatenate randoms. dst should have room for n plus one hash block:
// each block is summed into dst whole and the excess cut off.
func pHash(m hash.Hash, dst []byte, n int, label string, seed1, seed2 []byte) []byte {
	// label + seed and A(i) live in pooled scratch space when they fit
	// (an exporter's context may make the seed longer).
	s := scratchPool.Get().(*scratch)
	var labelSeed []byte
	if l := len(label) + len(seed1) + len(seed2); l <= len(s.info) {
		labelSeed = s.info[:0]
	} else {
		labelSeed = make([]byte, 0, l)
	}
	labelSeed = append(labelSeed, label...)
	labelSeed = append(labelSeed, seed1...)
	labelSeed = append(labelSeed, seed2...)

	// P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
	//                        HMAC_hash(secret, A(2) + seed) + ...
	// A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
	start := len(dst)
	m.Reset()
	m.Write(labelSeed)
	a := m.Sum(s.block[:0]) // A(1)
	for {
		m.Reset()
		m.Write(a)
		m.Write(labelSeed)
		dst = m.Sum(dst)
		if len(dst)-start >= n {
			break // A(i+1) would not be used
		}
		m.Reset()
		m.Write(a)
		a = m.Sum(a[:0])
	}
	clear(s.block[:])
	scratchPool.Put(s)
	// The excess of the last block is key material too.
	clear(dst[start+n : len(dst)])
	return dst[:start+n]
}

// Master12 is a TLS 1.2 master secret keyed into one crypto/hmac, so that
// the key block and both Finished messages of a handshake (RFC 5246,
// Sections 6.3 and 7.4.9) share one HMAC instead of keying a new one per
// PRF call. It holds key material derived from the master secret: keep it
// no longer than the master secret itself, and do not share it between
// goroutines.
type Master12 struct {
	h crypto.Hash
	m hash.Hash
	// out receives the key block and verify_data, so that neither needs an
	// allocation of its own: what a method returns is valid until the next
	// call. It fits the built-in suites' key blocks (two 32-byte keys and
	// two 12-byte IVs at most) plus the excess of the last PRF block.
	out [2*32 + 2*12 + maxHashSize]byte
	// spill is a key block too long for out (a registered suite's), kept
	// so that WipeKeyBlock clears it as well.
	spill []byte
}

// NewMaster12 keys the PRF with master for hash h.
func NewMaster12(h crypto.Hash, master []byte) *Master12 {
	k := new(Master12)
	k.Init(h, master)
	return k
}

// Init keys k, which may be a field of a larger struct (saving an
// allocation), with master for hash h, replacing what it held.
func (k *Master12) Init(h crypto.Hash, master []byte) {
	clear(k.out[:])
	k.h, k.m = h, hmac.New(h.New, master)
}

// Finished12 is Finished12 under this master secret: verify_data
// (RFC 5246, Section 7.4.9). The result is valid until the next call on k.
func (k *Master12) Finished12(client bool, handshakeHash []byte) []byte {
	label := "server finished"
	if client {
		label = "client finished"
	}
	return pHash(k.m, k.out[:0], Finished12Len, label, handshakeHash, nil)
}

// KeyBlock12 derives the key block of an AEAD suite (RFC 5246, Section 6.3;
// see KeyBlock12) and returns its four parts. They point into k (a longer
// block than the built-in suites' gets a slice of its own) and are valid
// until the next call on k; WipeKeyBlock clears them once the keys are
// installed.
func (k *Master12) KeyBlock12(clientRandom, serverRandom []byte, keyLen, ivLen int) (clientKey, serverKey, clientIV, serverIV []byte) {
	b := pHash(k.m, k.out[:0], 2*keyLen+2*ivLen, "key expansion", serverRandom, clientRandom)
	if cap(b) > len(k.out) {
		k.spill = b[:cap(b)]
	}
	return splitKeyBlock(b, keyLen, ivLen)
}

// WipeKeyBlock clears the key block that KeyBlock12 returned.
func (k *Master12) WipeKeyBlock() {
	clear(k.out[:])
	clear(k.spill)
	k.spill = nil
}

// splitKeyBlock cuts a key block into client_write_key, server_write_key,
// client_write_IV and server_write_IV.
func splitKeyBlock(b []byte, keyLen, ivLen int) (clientKey, serverKey, clientIV, serverIV []byte) {
	clientKey, b = b[:keyLen:keyLen], b[keyLen:]
	serverKey, b = b[:keyLen:keyLen], b[keyLen:]
	clientIV, b = b[:ivLen:ivLen], b[ivLen:]
	serverIV = b[:ivLen:ivLen]
	return
}

// masterSecretLen is the length of the TLS 1.2 master secret.
const masterSecretLen = 48

// MasterSecret12 computes the TLS 1.2 master secret (RFC 5246, Section 8.1):
//
//	PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]
func MasterSecret12(h crypto.Hash, preMaster, clientRandom, serverRandom []byte) []byte {
	m := hmac.New(h.New, preMaster)
	return pHash(m, make([]byte, 0, masterSecretLen+h.Size()), masterSecretLen, "master secret", clientRandom, serverRandom)
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
	return splitKeyBlock(b, keyLen, ivLen)
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
