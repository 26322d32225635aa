package wire

// MarshalServerHelloDone returns the ServerHelloDone message (RFC 5246,
// Section 7.4.5): a header with an empty body.
func MarshalServerHelloDone() []byte { return hmEmptyMessage(TypeServerHelloDone) }

// ParseServerHelloDone checks that msg is a ServerHelloDone message with an
// empty body; anything else is a decode_error.
func ParseServerHelloDone(msg []byte) error {
	return hmParseEmpty(msg, TypeServerHelloDone, "ServerHelloDone")
}

// MarshalHelloRequest returns the HelloRequest message (RFC 5246, Section
// 7.4.1.1): a header with an empty body.
func MarshalHelloRequest() []byte { return hmEmptyMessage(TypeHelloRequest) }

// ParseHelloRequest checks that msg is a HelloRequest message with an empty
// body; anything else is a decode_error.
func ParseHelloRequest(msg []byte) error {
	return hmParseEmpty(msg, TypeHelloRequest, "HelloRequest")
}

// MarshalEndOfEarlyData returns the EndOfEarlyData message (RFC 8446,
// Section 4.5): a header with an empty body.
func MarshalEndOfEarlyData() []byte { return hmEmptyMessage(TypeEndOfEarlyData) }

// ParseEndOfEarlyData checks that msg is an EndOfEarlyData message with an
// empty body; anything else is a decode_error.
func ParseEndOfEarlyData(msg []byte) error {
	return hmParseEmpty(msg, TypeEndOfEarlyData, "EndOfEarlyData")
}

// hmEmptyMessage returns a fresh handshake message of type typ with an
// empty body.
func hmEmptyMessage(typ HandshakeType) []byte {
	return []byte{byte(typ), 0, 0, 0}
}

// hmParseEmpty checks the header of msg and that its body is empty.
func hmParseEmpty(msg []byte, typ HandshakeType, name string) error {
	s, err := body(msg, typ, name)
	if err != nil {
		return err
	}
	if !s.Empty() {
		return hmDecode(name, "non-empty body")
	}
	return nil
}
