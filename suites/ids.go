package suites

// IANA cipher-suite numbers, with crypto/tls's names.
const (
	// TLS 1.3 (RFC 8446, Appendix B.4).
	TLS_AES_128_GCM_SHA256       uint16 = 0x1301
	TLS_AES_256_GCM_SHA384       uint16 = 0x1302
	TLS_CHACHA20_POLY1305_SHA256 uint16 = 0x1303

	// TLS 1.2 ECDHE (RFC 5289, RFC 7905).
	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256       uint16 = 0xc02b
	TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384       uint16 = 0xc02c
	TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256         uint16 = 0xc02f
	TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384         uint16 = 0xc030
	TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 uint16 = 0xcca9
	TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256   uint16 = 0xcca8

	// TLS 1.2 static RSA (RFC 5288).
	TLS_RSA_WITH_AES_128_GCM_SHA256 uint16 = 0x009c
	TLS_RSA_WITH_AES_256_GCM_SHA384 uint16 = 0x009d

	// TLS_EMPTY_RENEGOTIATION_INFO_SCSV is a signalling value (RFC 5746,
	// Section 3.3), not a suite.
	TLS_EMPTY_RENEGOTIATION_INFO_SCSV uint16 = 0x00ff
	// TLS_FALLBACK_SCSV is a signalling value (RFC 7507), not a suite.
	TLS_FALLBACK_SCSV uint16 = 0x5600
)

// IsSignalling reports whether id is a signalling cipher-suite value rather
// than a suite.
func IsSignalling(id uint16) bool {
	return id == TLS_EMPTY_RENEGOTIATION_INFO_SCSV || id == TLS_FALLBACK_SCSV
}
