package wire

// handshakeTypeNames are the names RFC 8446, Section 4 and RFC 5246,
// Section 7.4 give the handshake message types.
var handshakeTypeNames = map[HandshakeType]string{
	TypeHelloRequest:        "HelloRequest",
	TypeClientHello:         "ClientHello",
	TypeServerHello:         "ServerHello",
	TypeNewSessionTicket:    "NewSessionTicket",
	TypeEndOfEarlyData:      "EndOfEarlyData",
	TypeEncryptedExtensions: "EncryptedExtensions",
	TypeCertificate:         "Certificate",
	TypeServerKeyExchange:   "ServerKeyExchange",
	TypeCertificateRequest:  "CertificateRequest",
	TypeServerHelloDone:     "ServerHelloDone",
	TypeCertificateVerify:   "CertificateVerify",
	TypeClientKeyExchange:   "ClientKeyExchange",
	TypeFinished:            "Finished",
	TypeCertificateStatus:   "CertificateStatus",
	TypeKeyUpdate:           "KeyUpdate",
}

// MessageName returns the RFC name of a raw handshake message, header
// included: the name of its type, or "HelloRetryRequest" for a ServerHello
// whose Random is HelloRetryRequestRandom (RFC 8446, Section 4.1.3). ok is
// false for an empty message or a type without a name here.
func MessageName(msg []byte) (name string, ok bool) {
	if len(msg) == 0 {
		return "", false
	}
	t := HandshakeType(msg[0])
	// The Random follows the header and legacy_version.
	const randomAt = HeaderLen + 2
	if t == TypeServerHello && len(msg) >= randomAt+32 && string(msg[randomAt:randomAt+32]) == string(HelloRetryRequestRandom) {
		return "HelloRetryRequest", true
	}
	name, ok = handshakeTypeNames[t]
	return name, ok
}
