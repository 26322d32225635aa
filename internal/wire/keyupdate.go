package wire

import (
	"github.com/hushtls/hush/internal/alert"
)

// Marshal returns the KeyUpdate message, header included.
func (m *KeyUpdate) Marshal() []byte {
	return marshalMessage(TypeKeyUpdate, func(b *Builder) {
		if m.UpdateRequested {
			b.AddUint8(KeyUpdateRequested)
		} else {
			b.AddUint8(KeyUpdateNotRequested)
		}
	})
}

// ParseKeyUpdate parses a KeyUpdate message (RFC 8446, Section 4.6.3),
// header included. A body other than one byte is a decode_error; a
// request_update value other than 0 or 1 is an illegal_parameter.
func ParseKeyUpdate(msg []byte) (*KeyUpdate, error) {
	const name = "KeyUpdate"
	s, err := body(msg, TypeKeyUpdate, name)
	if err != nil {
		return nil, err
	}
	var v uint8
	if !s.ReadUint8(&v) || !s.Empty() {
		return nil, hmDecode(name, "request_update")
	}
	switch v {
	case KeyUpdateNotRequested, KeyUpdateRequested:
	default:
		// RFC 8446, Section 4.6.3: "If an implementation receives any other
		// value, it MUST terminate the connection with an
		// "illegal_parameter" alert."
		return nil, alert.New(alert.IllegalParameter, "%s: request_update %d", name, v)
	}
	return &KeyUpdate{Raw: msg, UpdateRequested: v == KeyUpdateRequested}, nil
}
