package hush

import (
	"container/list"
	"sync"

	"github.com/hushtls/hush/internal/handshake"
)

// ClientSessionState is a resumable session a client keeps: a TLS 1.3
// ticket with its PSK, or a TLS 1.2 ticket or session ID with its master
// secret. Its contents are secret; it is opaque to applications.
type ClientSessionState struct {
	state *handshake.SessionState
}

// ClientSessionCache stores client sessions for resumption, keyed by
// server name (or the server's address when there is none). It must be
// safe for concurrent use. Put with a nil state deletes the entry.
type ClientSessionCache interface {
	Get(sessionKey string) (session *ClientSessionState, ok bool)
	Put(sessionKey string, cs *ClientSessionState)
}

// ServerSessionCache stores TLS 1.2 sessions on the server for session-ID
// resumption (RFC 5246, Section 7.4.1.2), which crypto/tls lacks. The
// values are serialized session states holding master secrets: keep them
// in memory, never in shared storage without protection. It must be safe
// for concurrent use.
type ServerSessionCache interface {
	Get(sessionID string) (state []byte, ok bool)
	Put(sessionID string, state []byte)
}

// lru is a fixed-capacity least-recently-used map.
type lru[V any] struct {
	mu       sync.Mutex
	capacity int
	order    *list.List // front = most recent; elements hold *lruEntry[V]
	items    map[string]*list.Element
}

type lruEntry[V any] struct {
	key   string
	value V
}

func newLRU[V any](capacity int) *lru[V] {
	if capacity < 1 {
		capacity = 64
	}
	return &lru[V]{capacity: capacity, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry[V]).value, true
	}
	var zero V
	return zero, false
}

func (c *lru[V]) put(key string, v V, remove bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		if remove {
			c.order.Remove(e)
			delete(c.items, key)
			return
		}
		e.Value.(*lruEntry[V]).value = v
		c.order.MoveToFront(e)
		return
	}
	if remove {
		return
	}
	if c.order.Len() >= c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*lruEntry[V]).key)
	}
	c.items[key] = c.order.PushFront(&lruEntry[V]{key: key, value: v})
}

type lruClientCache struct{ *lru[*ClientSessionState] }

func (c lruClientCache) Get(key string) (*ClientSessionState, bool) { return c.get(key) }
func (c lruClientCache) Put(key string, cs *ClientSessionState)     { c.put(key, cs, cs == nil) }

// NewLRUClientSessionCache returns a ClientSessionCache holding at most
// capacity sessions (64 when capacity < 1), evicting the least recently
// used.
func NewLRUClientSessionCache(capacity int) ClientSessionCache {
	return lruClientCache{newLRU[*ClientSessionState](capacity)}
}

type lruServerCache struct{ *lru[[]byte] }

func (c lruServerCache) Get(id string) ([]byte, bool) { return c.get(id) }
func (c lruServerCache) Put(id string, state []byte)  { c.put(id, state, state == nil) }

// NewLRUServerSessionCache returns a ServerSessionCache holding at most
// capacity sessions (64 when capacity < 1), evicting the least recently
// used.
func NewLRUServerSessionCache(capacity int) ServerSessionCache {
	return lruServerCache{newLRU[[]byte](capacity)}
}
