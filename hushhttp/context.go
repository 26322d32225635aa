package hushhttp

import (
	"context"

	"github.com/hushtls/hush"
)

type stateKey struct{}

func withState(ctx context.Context, state *hush.ConnectionState) context.Context {
	return context.WithValue(ctx, stateKey{}, state)
}

// ConnectionState returns the TLS state of the hush connection that carried
// a request, from the request's context (r.Context()): what r.TLS holds on
// a crypto/tls server, for both HTTP/2 and HTTP/1.1. It returns nil when
// the request did not come through a Server. The result is shared by the
// requests of a connection: treat it as read-only.
func ConnectionState(ctx context.Context) *hush.ConnectionState {
	state, _ := ctx.Value(stateKey{}).(*hush.ConnectionState)
	return state
}
