package handshake

import (
	"bytes"
	"crypto/x509"
	"hash/maphash"
	"sync"
	"time"
	"weak"
)

// chainCacheSize bounds the verified-chain cache: a few hundred distinct
// peers (a client talking to many servers, or a server with mutual TLS)
// at a few kilobytes of parsed certificates each.
const chainCacheSize = 256

// The verified-chain cache remembers, per exact peer chain and
// verification inputs, the parsed certificates and the chains crypto/x509
// built for them, so that repeat connections to the same server skip
// parsing and chain building, and their idle connections share one copy of
// the parsed certificates.
//
// It is process-wide rather than per Config: a Config is often copied or
// rebuilt per connection by applications (and hush's Params are), so a
// per-Config cache would miss exactly where it matters, while everything
// the verification depends on is part of the key — the chain bytes, the
// root pool (by identity, through a weak pointer: the cache keeps no pool
// alive, and a pool allocated later at the same address is another key),
// the name checked, the side (key usage) and whether verification runs at
// all. The current time is not part of the key; an
// entry is used only while the current time (Config.Time) lies within the
// validity period of every certificate of every chain it holds, which is
// exactly when crypto/x509 would accept those chains again. Failures are
// never cached. An entry holds its own copy of the chain bytes, compared
// on every hit, so a hash collision can only cause a miss.
var peerChains = &chainCache{m: make(map[chainKey]*chainEntry), max: chainCacheSize}

// chainSeed keys the chain hash; it is per process.
var chainSeed = maphash.MakeSeed()

// chainKey is everything verification depends on, apart from the time.
type chainKey struct {
	sum    uint64                      // maphash of the chain bytes
	roots  weak.Pointer[x509.CertPool] // RootCAs or ClientCAs; nil means the system pool
	name   string                      // the DNS name checked (client side)
	client bool                        // we are the client: ServerAuth usage, else ClientAuth
	verify bool                        // false: parsed only (InsecureSkipVerify, or client certificates not verified)
}

// chainEntry is one cached result. It is never modified after it is
// published.
type chainEntry struct {
	key    chainKey
	raw    [][]byte // our own copy of the chain
	certs  []*x509.Certificate
	chains [][]*x509.Certificate
	// The entry is valid at t when !t.Before(notBefore) && !t.After(notAfter);
	// zero values when verify is false (parsing does not depend on time).
	notBefore, notAfter time.Time

	prev, next *chainEntry // LRU list, guarded by chainCache.mu
}

// chainCache is a bounded LRU map of chainEntry, safe for concurrent use.
type chainCache struct {
	mu   sync.Mutex
	m    map[chainKey]*chainEntry
	head *chainEntry // most recently used
	tail *chainEntry // least recently used
	max  int
}

// hashChain hashes the chain bytes, each with its length so that the
// certificate boundaries count.
func hashChain(raw [][]byte) uint64 {
	var h maphash.Hash
	h.SetSeed(chainSeed)
	for _, der := range raw {
		n := len(der)
		_, _ = h.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		_, _ = h.Write(der)
	}
	return h.Sum64()
}

// sameChain reports whether two chains are byte for byte the same.
func sameChain(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// validAt reports whether the entry's result holds at now.
func (e *chainEntry) validAt(now time.Time) bool {
	if !e.key.verify {
		return true
	}
	return !now.Before(e.notBefore) && !now.After(e.notAfter)
}

// get returns the entry for key whose chain is raw and which is valid at
// now, or nil.
func (c *chainCache) get(key chainKey, raw [][]byte, now time.Time) *chainEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[key]
	if e == nil || !sameChain(e.raw, raw) || !e.validAt(now) {
		return nil
	}
	c.unlink(e)
	c.pushFront(e)
	return e
}

// put publishes a new entry, replacing any other under its key and
// evicting the least recently used one when the cache is full.
func (c *chainCache) put(e *chainEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[e.key]; old != nil {
		c.unlink(old)
		delete(c.m, e.key)
	}
	for len(c.m) >= c.max && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.m, old.key)
	}
	c.m[e.key] = e
	c.pushFront(e)
}

func (c *chainCache) unlink(e *chainEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		c.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (c *chainCache) pushFront(e *chainEntry) {
	e.next = c.head
	if c.head != nil {
		c.head.prev = e
	}
	c.head = e
	if c.tail == nil {
		c.tail = e
	}
}

// len returns the number of entries, for tests.
func (c *chainCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// newChainEntry makes an entry for a chain that was parsed (and, when
// key.verify, verified into chains); raw is copied.
func newChainEntry(key chainKey, raw [][]byte, certs []*x509.Certificate, chains [][]*x509.Certificate) *chainEntry {
	e := &chainEntry{key: key, certs: certs, chains: chains, raw: raw}
	for i, ch := range chains {
		for j, c := range ch {
			if (i == 0 && j == 0) || c.NotBefore.After(e.notBefore) {
				e.notBefore = c.NotBefore
			}
			if (i == 0 && j == 0) || c.NotAfter.Before(e.notAfter) {
				e.notAfter = c.NotAfter
			}
		}
	}
	return e
}

// copyChain returns a copy of raw in one allocation for the bytes.
func copyChain(raw [][]byte) [][]byte {
	n := 0
	for _, der := range raw {
		n += len(der)
	}
	buf := make([]byte, 0, n)
	out := make([][]byte, len(raw))
	for i, der := range raw {
		buf = append(buf, der...)
		out[i] = buf[len(buf)-len(der) : len(buf) : len(buf)]
	}
	return out
}
