// Package suites is hush's public cipher-suite registry: one descriptor per
// suite (ID, name, protocol version, key exchange, hash, key and IV lengths,
// AEAD constructor), a hardware-aware default order, and Register for suites
// that hush does not build in.
//
// The record layer (internal/record) and the handshake read everything they
// need from a *Suite, so a registered suite works end to end as long as its
// key exchange and hash are ones hush implements.
package suites

import (
	"crypto"
	"crypto/cipher"
	"strconv"
)

// KeyExchange names how a suite agrees on keys. TLS 1.3 suites leave the
// key exchange to the handshake's extensions; TLS 1.2 suites fix it.
type KeyExchange uint8

// Key-exchange kinds.
const (
	// KeyExchangeTLS13 marks a TLS 1.3 suite: the key exchange is negotiated
	// separately (key_share, pre_shared_key).
	KeyExchangeTLS13 KeyExchange = iota
	// KeyExchangeECDHE_ECDSA is TLS 1.2 ephemeral ECDH signed with ECDSA or
	// EdDSA (RFC 8422).
	KeyExchangeECDHE_ECDSA
	// KeyExchangeECDHE_RSA is TLS 1.2 ephemeral ECDH signed with RSA
	// (RFC 8422).
	KeyExchangeECDHE_RSA
	// KeyExchangeRSA is TLS 1.2 static RSA key transport (RFC 5246,
	// Section 7.4.7.1): no forward secrecy, off unless
	// Config.EnableRSAKeyExchange.
	KeyExchangeRSA
)

var keyExchangeNames = [...]string{"TLS13", "ECDHE_ECDSA", "ECDHE_RSA", "RSA"}

// String returns the key exchange's name.
func (k KeyExchange) String() string {
	if int(k) < len(keyExchangeNames) {
		return keyExchangeNames[k]
	}
	return "KeyExchange(" + strconv.Itoa(int(k)) + ")"
}

// Cipher names the AEAD family of a suite, which decides whether this host
// runs it on a fast path.
type Cipher uint8

// AEAD families. The zero value means "not set"; Register stores it as
// CipherOther.
const (
	// CipherAESGCM is AES in Galois/Counter Mode (RFC 5288, RFC 8446).
	CipherAESGCM Cipher = iota + 1
	// CipherChaCha20Poly1305 is ChaCha20-Poly1305 (RFC 7905, RFC 8446).
	CipherChaCha20Poly1305
	// CipherOther is any other AEAD, such as one a third party registers.
	CipherOther
)

// String returns the cipher family's name.
func (c Cipher) String() string {
	switch c {
	case CipherAESGCM:
		return "AES-GCM"
	case CipherChaCha20Poly1305:
		return "ChaCha20-Poly1305"
	case CipherOther:
		return "other"
	}
	return "Cipher(" + strconv.Itoa(int(c)) + ")"
}

// Protocol versions a suite belongs to (the wire values of TLS 1.2 and 1.3).
const (
	version12 uint16 = 0x0303
	version13 uint16 = 0x0304
)

// Suite describes one cipher suite. Suites returned by Lookup and All are
// shared and must not be modified.
type Suite struct {
	// ID is the IANA cipher-suite number.
	ID uint16
	// Name is the IANA name, e.g. "TLS_AES_128_GCM_SHA256".
	Name string
	// Version is 0x0304 for TLS 1.3 suites and 0x0303 for TLS 1.2 suites.
	Version uint16
	// KeyExchange is KeyExchangeTLS13 for TLS 1.3 suites, otherwise the
	// TLS 1.2 key exchange the suite fixes.
	KeyExchange KeyExchange
	// Hash is the suite's hash for HKDF (TLS 1.3) or the PRF (TLS 1.2):
	// crypto.SHA256 or crypto.SHA384 for the built-ins.
	Hash crypto.Hash
	// KeyLen is the AEAD key length in bytes.
	KeyLen int
	// IVLen is the length of the write IV derived from the key schedule.
	// TLS 1.3: 12. TLS 1.2: 4 for AES-GCM, where it is the RFC 5288 salt
	// and an 8-byte explicit nonce goes on the wire; 12 for
	// ChaCha20-Poly1305, whose nonce is IV XOR sequence number (RFC 7905).
	IVLen int
	// Cipher is the AEAD family.
	Cipher Cipher
	// NewAEAD builds the AEAD for one direction's key. It must return an
	// AEAD with a 12-byte nonce and at most 255 bytes of overhead.
	NewAEAD func(key []byte) (cipher.AEAD, error)
	// ConfidentialityLimit is the number of records that may be protected
	// under one key before a KeyUpdate is mandatory (RFC 8446, Section
	// 5.5): 1<<24 for TLS 1.3 AES-GCM (the RFC's 2^24.5 full-size records,
	// rounded down); 0 means no practical limit (ChaCha20-Poly1305, and
	// TLS 1.2 suites, which have no KeyUpdate).
	ConfidentialityLimit uint64
}

// Accelerated reports whether the suite's cipher runs on a fast path on
// this host: AES-GCM only with AES and carry-less-multiply hardware that Go
// uses (see HardwareAES); ChaCha20-Poly1305 always, since
// golang.org/x/crypto vectorises it on every mainstream CPU; any other
// cipher never, as hush cannot know.
func (s *Suite) Accelerated() bool {
	switch s.Cipher {
	case CipherAESGCM:
		return HardwareAES()
	case CipherChaCha20Poly1305:
		return true
	}
	return false
}

// String returns the suite's name.
func (s *Suite) String() string { return s.Name }
