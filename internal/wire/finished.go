package wire

// MinVerifyDataLen is the shortest verify_data any version uses: 12 bytes
// in TLS 1.2 (RFC 5246, Section 7.4.9); TLS 1.3 uses the hash length.
const MinVerifyDataLen = 12

// Marshal returns the Finished message, header included.
func (m *Finished) Marshal() []byte {
	return marshalMessage(TypeFinished, func(b *Builder) {
		b.AddBytes(m.VerifyData)
	})
}

// ParseFinished parses a Finished message (RFC 8446, Section 4.4.4;
// RFC 5246, Section 7.4.9), header included. verify_data is the whole body;
// a body shorter than MinVerifyDataLen is a decode_error, and the handshake
// checks the exact length for its suite. The result aliases msg.
func ParseFinished(msg []byte) (*Finished, error) {
	const name = "Finished"
	s, err := body(msg, TypeFinished, name)
	if err != nil {
		return nil, err
	}
	if len(s) < MinVerifyDataLen {
		return nil, hmDecode(name, "verify_data too short")
	}
	return &Finished{Raw: msg, VerifyData: s}, nil
}
