package rfc8448

// RFC 8448, Section 6 (Client Authentication).
var (
	// S6CertificateRequest is the server's CertificateRequest handshake message.
	S6CertificateRequest = Hex(`
		0d 00 00 27 00 00 24 00 0d 00 20 00 1e 04 03 05
		03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06
		01 02 01 04 02 05 02 06 02 02 02
	`)
	// S6ClientCertificate is the client's Certificate handshake message (an ECDSA P-256 certificate).
	S6ClientCertificate = Hex(`
		0b 00 01 3b 00 00 01 37 00 01 32 30 82 01 2e 30
		81 d5 a0 03 02 01 02 02 01 07 30 0a 06 08 2a 86
		48 ce 3d 04 03 02 30 13 31 11 30 0f 06 03 55 04
		03 13 08 65 63 64 73 61 32 35 36 30 1e 17 0d 31
		36 30 37 33 30 30 31 32 34 30 30 5a 17 0d 32 36
		30 37 33 30 30 31 32 34 30 30 5a 30 13 31 11 30
		0f 06 03 55 04 03 13 08 65 63 64 73 61 32 35 36
		30 59 30 13 06 07 2a 86 48 ce 3d 02 01 06 08 2a
		86 48 ce 3d 03 01 07 03 42 00 04 08 d5 30 16 15
		75 f4 cf e7 f1 54 ee 34 48 18 00 86 00 1e 88 43
		1a 79 ee 62 ee 6e 2f 83 ef 38 ba 61 e9 fb 37 f3
		4e 00 7a 7d f4 d2 f5 b5 6d 1f 04 ec e4 5d 62 1f
		46 84 06 f5 c3 a1 51 58 94 8d d0 a3 1a 30 18 30
		09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55 1d
		0f 04 04 03 02 07 80 30 0a 06 08 2a 86 48 ce 3d
		04 03 02 03 48 00 30 45 02 21 00 df 30 fd 45 07
		f5 ed d2 2c 1a 6f f8 6d b4 79 ca 69 3f ee ca 3b
		71 b3 f9 ef 55 6b 29 37 c0 59 4d 02 20 62 e2 a4
		72 50 d3 20 fe a8 3c 7e 2d cb 5b 76 a5 0e 02 00
		c0 9a db d1 3f ee 94 6e 51 3e 01 1d 11 00 00
	`)
	// S6ClientCertificateVerify is the client's CertificateVerify handshake message (ecdsa_secp256r1_sha256).
	S6ClientCertificateVerify = Hex(`
		0f 00 00 4b 04 03 00 47 30 45 02 21 00 d7 a4 d3
		4b d5 4f 55 fe e1 a8 96 25 67 8c 3d d5 e5 f6 0d
		ac 73 ec 94 0c 5c 7b 93 04 a0 20 84 a9 02 20 28
		9f 59 5e d4 88 b9 ac 68 9a 3d 19 2b 1a 8b b3 8f
		34 af 78 74 c0 59 c9 80 6a 1f 38 26 93 53 e8
	`)
)
