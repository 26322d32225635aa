package hush

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"sync"
	"time"
)

// TicketKeySource supplies session ticket keys from outside the process, so
// a fleet of servers behind a load balancer can share them: any server can
// then resume a session another one issued. TicketKeys is called for every
// ticket sealed or opened, so implementations should cache what they read
// from their store and refresh it in the background. The first key seals
// new tickets; every key returned opens them. See docs/RESUMPTION.md.
type TicketKeySource interface {
	TicketKeys() ([][32]byte, error)
}

// Defaults for automatic ticket key rotation.
const (
	DefaultTicketKeyRotation = 24 * time.Hour
	DefaultTicketKeyLifetime = 7 * 24 * time.Hour
)

// ticketKey is one key, ready to use.
type ticketKey struct {
	name    [16]byte // identifies the key inside a ticket
	aead    cipher.AEAD
	created time.Time
}

// ticketKeyring holds a server's ticket keys: rotated automatically, or set
// by the operator with SetSessionTicketKeys.
type ticketKeyring struct {
	mu     sync.RWMutex
	manual bool
	keys   []ticketKey // keys[0] seals
	// cache of keys from a TicketKeySource, by their raw value.
	sourced map[[32]byte]ticketKey
}

var keyringInit sync.Mutex

func (c *Config) keyring() *ticketKeyring {
	keyringInit.Lock()
	defer keyringInit.Unlock()
	if c.ticketKeys == nil {
		c.ticketKeys = &ticketKeyring{}
	}
	return c.ticketKeys
}

// SetSessionTicketKeys replaces automatic key rotation with keys the
// operator manages: the first seals new tickets, all of them open tickets.
// Rotate by calling it again with the new key first. An empty list returns
// to automatic rotation.
func (c *Config) SetSessionTicketKeys(keys [][32]byte) {
	kr := c.keyring()
	kr.mu.Lock()
	defer kr.mu.Unlock()
	kr.manual = len(keys) > 0
	kr.keys = nil
	for _, k := range keys {
		kr.keys = append(kr.keys, newTicketKey(k, time.Time{}))
	}
}

// hasOwnTicketKeys reports whether the operator chose c's ticket keys
// (SetSessionTicketKeys or a TicketKeySource) instead of leaving them to
// automatic rotation.
func (c *Config) hasOwnTicketKeys() bool {
	if c.TicketKeySource != nil {
		return true
	}
	kr := c.keyring()
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.manual
}

// newTicketKey derives the AES-256-GCM key and the key name from the raw
// operator key, so the raw key is never used directly.
func newTicketKey(raw [32]byte, created time.Time) ticketKey {
	aesKey, err := hkdf.Key(sha256.New, raw[:], nil, "hush session ticket key", 32)
	if err != nil {
		panic(err) // fixed sizes: cannot fail
	}
	block, err := aes.NewCipher(aesKey)
	if err != nil {
		panic(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	nameBytes, err := hkdf.Key(sha256.New, raw[:], nil, "hush session ticket name", 16)
	if err != nil {
		panic(err)
	}
	k := ticketKey{aead: aead, created: created}
	copy(k.name[:], nameBytes)
	return k
}

// currentKeys returns the keys to use now, rotating automatic keys as time
// passes: a new key every TicketKeyRotation, each kept for
// TicketKeyLifetime. kr is c's keyring (c.keyring()), which a handshake
// takes from the Config's derived parameters instead of locking for it.
func (c *Config) currentKeys(kr *ticketKeyring) ([]ticketKey, error) {
	if c.TicketKeySource != nil {
		return c.sourcedKeys()
	}
	now := c.now()
	kr.mu.RLock()
	if kr.manual || (len(kr.keys) > 0 && now.Sub(kr.keys[0].created) < c.rotation() && !now.Before(kr.keys[0].created)) {
		keys := kr.keys
		kr.mu.RUnlock()
		return keys, nil
	}
	kr.mu.RUnlock()
	return c.rotateKeys(kr, now)
}

// rotateKeys is the slow path of currentKeys, apart so that its frame is
// not on the stack of every ticket sealed or opened.
func (c *Config) rotateKeys(kr *ticketKeyring, now time.Time) ([]ticketKey, error) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if kr.manual {
		return kr.keys, nil
	}
	if len(kr.keys) == 0 || now.Sub(kr.keys[0].created) >= c.rotation() || now.Before(kr.keys[0].created) {
		var raw [32]byte
		if _, err := io.ReadFull(rand.Reader, raw[:]); err != nil {
			return nil, err
		}
		keys := []ticketKey{newTicketKey(raw, now)}
		for _, k := range kr.keys {
			if now.Sub(k.created) < c.keyLifetime() && !now.Before(k.created) {
				keys = append(keys, k)
			}
		}
		kr.keys = keys
	}
	return kr.keys, nil
}

func (c *Config) sourcedKeys() ([]ticketKey, error) {
	raws, err := c.TicketKeySource.TicketKeys()
	if err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, errors.New("hush: TicketKeySource returned no keys")
	}
	kr := c.keyring()
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if kr.sourced == nil || len(kr.sourced) > 4*len(raws)+16 {
		kr.sourced = make(map[[32]byte]ticketKey, len(raws))
	}
	keys := make([]ticketKey, 0, len(raws))
	for _, raw := range raws {
		k, ok := kr.sourced[raw]
		if !ok {
			k = newTicketKey(raw, time.Time{})
			kr.sourced[raw] = k
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func (c *Config) rotation() time.Duration {
	if c.TicketKeyRotation > 0 {
		return c.TicketKeyRotation
	}
	return DefaultTicketKeyRotation
}

func (c *Config) keyLifetime() time.Duration {
	if c.TicketKeyLifetime > 0 {
		return max(c.TicketKeyLifetime, c.rotation())
	}
	return DefaultTicketKeyLifetime
}

func (c *Config) now() time.Time {
	if c.Time != nil {
		return c.Time()
	}
	return time.Now()
}

// Ticket layout: key name (16) || nonce (12) || AES-256-GCM(state), with the
// key name as additional data.
const ticketOverhead = 16 + 12 + 16

// sealTicket encrypts a session state under the current sealing key of
// keyring kr (c's).
func (c *Config) sealTicket(kr *ticketKeyring, state []byte) ([]byte, error) {
	keys, err := c.currentKeys(kr)
	if err != nil {
		return nil, err
	}
	k := keys[0]
	out := make([]byte, 16+12, ticketOverhead+len(state))
	copy(out, k.name[:])
	if _, err := io.ReadFull(rand.Reader, out[16:28]); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, out[16:28], state, out[:16]), nil
}

// openTicket decrypts a ticket with whichever current key named it. Any
// failure (unknown or rotated-out key, tampering) just means "no session".
func (c *Config) openTicket(kr *ticketKeyring, ticket []byte) ([]byte, bool) {
	if len(ticket) < ticketOverhead {
		return nil, false
	}
	keys, err := c.currentKeys(kr)
	if err != nil {
		return nil, false
	}
	for _, k := range keys {
		if [16]byte(ticket[:16]) != k.name {
			continue
		}
		plain, err := k.aead.Open(nil, ticket[16:28], ticket[28:], ticket[:16])
		return plain, err == nil
	}
	return nil, false
}
