package suites

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// snapshot is one immutable state of the registry. Readers load it with a
// single atomic pointer read; Register builds a new one under regMu.
type snapshot struct {
	byID    map[uint16]*Suite
	entries []entry  // registration order
	ordered []*Suite // DefaultOrder for this host
	ids     []uint16 // IDs of ordered
}

// entry is a registered suite with what ordering needs to know about it.
type entry struct {
	s       *Suite
	builtin bool
}

var (
	regMu   sync.Mutex // serialises writers
	current atomic.Pointer[snapshot]
)

func init() { resetRegistry() }

// resetRegistry installs a registry holding only the built-in suites.
func resetRegistry() {
	regMu.Lock()
	defer regMu.Unlock()
	bs := builtins()
	entries := make([]entry, len(bs))
	for i := range bs {
		s := bs[i]
		entries[i] = entry{s: &s, builtin: true}
	}
	current.Store(newSnapshot(entries))
}

func newSnapshot(entries []entry) *snapshot {
	snap := &snapshot{byID: make(map[uint16]*Suite, len(entries)), entries: entries}
	for _, e := range entries {
		snap.byID[e.s.ID] = e.s
	}
	snap.ordered = orderSuites(entries, HardwareAES())
	snap.ids = make([]uint16, len(snap.ordered))
	for i, s := range snap.ordered {
		snap.ids[i] = s.ID
	}
	return snap
}

// Register adds a suite to the registry after checking that it is usable by
// hush's record layer and key schedule: a real (non-signalling, non-zero)
// ID not yet registered, a name, version 0x0303 or 0x0304, a key exchange
// that fits the version, an available hash, a positive key length, an IV of
// 12 bytes (or 4 for a TLS 1.2 explicit-nonce AEAD), and a NewAEAD that,
// given a zero key of KeyLen bytes, returns an AEAD with a 12-byte nonce and
// at most 255 bytes of overhead. A Cipher left zero is stored as
// CipherOther. Register stores a copy of s. It is safe to call concurrently
// with itself and with every lookup function.
func Register(s Suite) error {
	if err := validate(&s); err != nil {
		return err
	}
	if s.Cipher == 0 {
		s.Cipher = CipherOther
	}
	regMu.Lock()
	defer regMu.Unlock()
	old := current.Load()
	if prev, ok := old.byID[s.ID]; ok {
		return fmt.Errorf("hush: cipher suite 0x%04X is already registered as %s", s.ID, prev.Name)
	}
	entries := make([]entry, len(old.entries), len(old.entries)+1)
	copy(entries, old.entries)
	entries = append(entries, entry{s: &s})
	current.Store(newSnapshot(entries))
	return nil
}

func validate(s *Suite) error {
	switch {
	case s.ID == 0:
		return errors.New("hush: cipher suite ID 0 (TLS_NULL_WITH_NULL_NULL) cannot be registered")
	case IsSignalling(s.ID):
		return fmt.Errorf("hush: 0x%04X is a signalling cipher-suite value, not a suite", s.ID)
	case s.Name == "":
		return fmt.Errorf("hush: cipher suite 0x%04X has no name", s.ID)
	case s.Version != version12 && s.Version != version13:
		return fmt.Errorf("hush: cipher suite %s: version 0x%04X is neither TLS 1.2 nor TLS 1.3", s.Name, s.Version)
	case s.Version == version13 && s.KeyExchange != KeyExchangeTLS13:
		return fmt.Errorf("hush: cipher suite %s: a TLS 1.3 suite must use KeyExchangeTLS13", s.Name)
	case s.Version == version12 && (s.KeyExchange == KeyExchangeTLS13 || s.KeyExchange > KeyExchangeRSA):
		return fmt.Errorf("hush: cipher suite %s: key exchange %v is not a TLS 1.2 key exchange", s.Name, s.KeyExchange)
	case s.Hash == 0 || !s.Hash.Available():
		return fmt.Errorf("hush: cipher suite %s: hash %v is not available", s.Name, s.Hash)
	case s.KeyLen <= 0:
		return fmt.Errorf("hush: cipher suite %s: key length %d", s.Name, s.KeyLen)
	case s.Cipher > CipherOther:
		return fmt.Errorf("hush: cipher suite %s: unknown cipher family %v", s.Name, s.Cipher)
	case s.NewAEAD == nil:
		return fmt.Errorf("hush: cipher suite %s: NewAEAD is nil", s.Name)
	}
	switch {
	case s.IVLen == 12:
	case s.IVLen == 4 && s.Version == version12:
	default:
		return fmt.Errorf("hush: cipher suite %s: IV length %d (want 12, or 4 for a TLS 1.2 explicit-nonce AEAD)", s.Name, s.IVLen)
	}
	aead, err := s.NewAEAD(make([]byte, s.KeyLen))
	if err != nil {
		return fmt.Errorf("hush: cipher suite %s: NewAEAD with a %d-byte key: %w", s.Name, s.KeyLen, err)
	}
	if aead == nil {
		return fmt.Errorf("hush: cipher suite %s: NewAEAD returned a nil AEAD", s.Name)
	}
	if n := aead.NonceSize(); n != 12 {
		return fmt.Errorf("hush: cipher suite %s: AEAD nonce size %d, want 12", s.Name, n)
	}
	// RFC 8446, Section 5.2: "An AEAD algorithm used in TLS 1.3 MUST NOT
	// produce an expansion greater than 255 octets."
	if o := aead.Overhead(); o < 0 || o > 255 {
		return fmt.Errorf("hush: cipher suite %s: AEAD overhead %d exceeds 255 bytes", s.Name, o)
	}
	return nil
}

// Lookup returns the registered suite with the given ID.
func Lookup(id uint16) (*Suite, bool) {
	s, ok := current.Load().byID[id]
	return s, ok
}

// All returns every registered suite, in DefaultOrder. The slice is the
// caller's; the suites are shared and must not be modified.
func All() []*Suite {
	o := current.Load().ordered
	return append(make([]*Suite, 0, len(o)), o...)
}

// DefaultOrder returns the IDs of every registered suite in hush's default
// preference order for this host: TLS 1.3 suites, then TLS 1.2 suites.
// Within each version AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 when the
// host has AES-GCM hardware (HardwareAES), ChaCha20-Poly1305 first when it
// has not. Within TLS 1.2, ECDHE_ECDSA suites come before ECDHE_RSA ones,
// then third-party ECDHE suites, and static-RSA suites (used only with
// Config.EnableRSAKeyExchange) come last. Third-party suites follow the
// built-ins of their version (and kind) in registration order. The slice is
// the caller's.
func DefaultOrder() []uint16 {
	ids := current.Load().ids
	return append(make([]uint16, 0, len(ids)), ids...)
}

// Name returns the name of the suite or signalling value with the given ID,
// or "0xXXXX" for an unknown ID.
func Name(id uint16) string {
	if s, ok := Lookup(id); ok {
		return s.Name
	}
	switch id {
	case TLS_EMPTY_RENEGOTIATION_INFO_SCSV:
		return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"
	case TLS_FALLBACK_SCSV:
		return "TLS_FALLBACK_SCSV"
	}
	return fmt.Sprintf("0x%04X", id)
}
