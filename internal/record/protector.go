package record

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/hushtls/hush/suites"
)

// explicitNonceLen is the length of the TLS 1.2 AES-GCM nonce_explicit
// carried in every record (RFC 5288, Section 3).
const explicitNonceLen = 8

// Protector holds one direction's protection state under one key: the
// AEAD, the static IV, the sequence number and scratch buffers. Build a new
// one for every key change; the sequence number starts at 0. A Protector is
// not safe for concurrent use.
type Protector struct {
	suite  *suites.Suite
	aead   cipher.AEAD
	ivTail uint64
	seq    uint64
	// The key is kept so that Park can drop aead and the next record
	// rebuild it. It is inline, so that a Protector is one allocation of
	// 112 bytes; a key longer than maxKeyLen (only a registered suite can
	// have one) is not kept, and such a Protector does not park.
	key [maxKeyLen]byte

	// Scratch space reused for every record so that passing it to the AEAD
	// (an interface) never allocates.
	nonce [12]byte // nonce[:4] is fixed at construction
	aad   [13]byte // TLS 1.2 additional_data

	version  uint16
	explicit bool  // TLS 1.2 AES-GCM: salt(4) || nonce_explicit(8) on the wire
	keyLen   uint8 // of key; 0 when the key is too long to keep
	overhead uint8 // AEAD expansion, at most 255 (checked at construction)
}

// NewTLS13 returns a TLS 1.3 Protector for suite s (RFC 8446, Section 5.2):
// the per-record nonce is iv XOR the left-padded sequence number, the
// additional data is the record header, and the inner plaintext is
// content || type || zero padding. key and iv come from the key schedule
// and must be s.KeyLen and 12 bytes long.
func NewTLS13(s *suites.Suite, key, iv []byte) (*Protector, error) {
	if s == nil || s.Version != versionTLS13 {
		return nil, errors.New("hush: record: NewTLS13 needs a TLS 1.3 cipher suite")
	}
	if len(iv) != 12 {
		return nil, fmt.Errorf("hush: record: %s needs a 12-byte IV, got %d", s.Name, len(iv))
	}
	return newProtector(s, versionTLS13, key, iv, false)
}

// NewTLS12 returns a TLS 1.2 Protector for AEAD suite s (RFC 5246, Section
// 6.2.3.3): the additional data is seq_num || type || version || length.
// For suites with a 4-byte IV (AES-GCM) the IV is the RFC 5288 salt and the
// record carries an 8-byte explicit nonce, which hush sets to the sequence
// number (RFC 5288, Section 3); for suites with a 12-byte IV
// (ChaCha20-Poly1305) the nonce is IV XOR sequence number, as in TLS 1.3
// (RFC 7905, Section 2).
func NewTLS12(s *suites.Suite, key, iv []byte) (*Protector, error) {
	if s == nil || s.Version != versionTLS12 {
		return nil, errors.New("hush: record: NewTLS12 needs a TLS 1.2 cipher suite")
	}
	if len(iv) != s.IVLen || (len(iv) != 4 && len(iv) != 12) {
		return nil, fmt.Errorf("hush: record: %s needs a %d-byte IV, got %d", s.Name, s.IVLen, len(iv))
	}
	return newProtector(s, versionTLS12, key, iv, len(iv) == 4)
}

// maxKeyLen is the longest AEAD key a Protector keeps inline (AES-256,
// ChaCha20-Poly1305).
const maxKeyLen = 32

func newProtector(s *suites.Suite, version uint16, key, iv []byte, explicit bool) (*Protector, error) {
	if len(key) != s.KeyLen {
		return nil, fmt.Errorf("hush: record: %s needs a %d-byte key, got %d", s.Name, s.KeyLen, len(key))
	}
	aead, err := s.NewAEAD(key)
	if err != nil {
		return nil, fmt.Errorf("hush: record: %s: %w", s.Name, err)
	}
	if aead.NonceSize() != 12 {
		return nil, fmt.Errorf("hush: record: %s: AEAD nonce size %d, want 12", s.Name, aead.NonceSize())
	}
	// RFC 8446, Section 5.2: "An AEAD algorithm used in TLS 1.3 MUST NOT
	// produce an expansion greater than 255 octets."
	if o := aead.Overhead(); o < 0 || o > 255 {
		return nil, fmt.Errorf("hush: record: %s: AEAD overhead %d exceeds 255", s.Name, o)
	}
	p := &Protector{
		suite:    s,
		aead:     aead,
		version:  version,
		explicit: explicit,
		overhead: uint8(aead.Overhead()),
	}
	if len(key) <= maxKeyLen {
		p.keyLen = uint8(copy(p.key[:], key))
	}
	copy(p.nonce[:4], iv[:4])
	if !explicit {
		p.ivTail = binary.BigEndian.Uint64(iv[4:12])
	}
	return p, nil
}

// Seq returns the sequence number of the next record.
func (p *Protector) Seq() uint64 { return p.seq }

// Suite returns the cipher suite.
func (p *Protector) Suite() *suites.Suite { return p.suite }

// Version returns the protocol version: 0x0304 or 0x0303.
func (p *Protector) Version() uint16 { return p.version }

// PayloadOffset returns where, relative to the start of the record that
// Seal appends, the plaintext goes: 5 (the header), or 13 for TLS 1.2
// AES-GCM (header and explicit nonce). A caller that writes its payload at
// dst[len(dst)+PayloadOffset():] and passes that slice to Seal has it
// encrypted in place, without a copy.
func (p *Protector) PayloadOffset() int {
	if p.explicit {
		return HeaderLen + explicitNonceLen
	}
	return HeaderLen
}

// Exhausted reports whether the key should be retired: the sequence number
// has reached half the suite's confidentiality limit (RFC 8446, Section
// 5.5), leaving ample room for a KeyUpdate to take effect, or the next
// increment would wrap it. With a limit of 0 only the wrap applies.
//
// RFC 8446, Section 5.3: "If a TLS implementation would need to wrap a
// sequence number, it MUST either rekey (Section 4.6.3) or terminate the
// connection." Sequence number 2^64-1 is therefore never used: Seal panics
// and Open fails there.
func (p *Protector) Exhausted() bool {
	limit := p.suite.ConfidentialityLimit
	return p.seq == math.MaxUint64 || (limit != 0 && p.seq >= limit/2)
}

// setXORNonce sets the per-record nonce for the current sequence number:
// the 64-bit sequence number, left-padded to 12 bytes, XOR the IV
// (RFC 8446, Section 5.3; RFC 7905, Section 2).
func (p *Protector) setXORNonce() {
	binary.BigEndian.PutUint64(p.nonce[4:], p.ivTail^p.seq)
}

// Park drops the AEAD's expanded key state (the AES key schedule and GHASH
// tables: most of an idle connection's memory) while this direction has
// nothing to do; the next Seal or Open rebuilds it from the key, at the
// cost of one AEAD construction. Only the key, IV and sequence number stay.
// A Protector whose key is longer than maxKeyLen keeps its AEAD.
func (p *Protector) Park() {
	if p.keyLen != 0 {
		p.aead = nil
	}
}

// Parked reports whether Park dropped the AEAD and no record has been
// sealed or opened since.
func (p *Protector) Parked() bool { return p.aead == nil }

// unpark rebuilds the AEAD that Park dropped. The same constructor
// accepted the same key before, so it cannot fail unless the suite's
// constructor is broken.
func (p *Protector) unpark() {
	aead, err := p.suite.NewAEAD(p.key[:p.keyLen])
	if err != nil {
		panic("hush: record: " + p.suite.Name + ": rebuilding the AEAD failed: " + err.Error())
	}
	p.aead = aead
}
