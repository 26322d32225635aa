package handshake

import (
	"github.com/hushtls/hush/internal/alert"
	"github.com/hushtls/hush/internal/wire"
)

// handleServerHello12 is reached when the server answered without
// supported_versions, i.e. chose TLS 1.2 or older.
func (s *client13WaitServerHello) handleServerHello12(sh *wire.ServerHello) (state, error) {
	return nil, alert.New(alert.ProtocolVersion, "server chose version %#x; TLS 1.2 is not implemented yet", sh.LegacyVersion)
}

// serverHello12 handles a ClientHello that negotiated TLS 1.2.
func (hs *shared) serverHello12(ch *wire.ClientHello) (state, error) {
	return nil, alert.New(alert.ProtocolVersion, "TLS 1.2 is not implemented yet")
}
