package rfc8448

// RFC 8448, Section 5 (HelloRetryRequest).
var (
	// S5ClientHello1 is the first ClientHello, whose only key share (X25519) the server refuses.
	S5ClientHello1 = Hex(`
		01 00 00 b0 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e
		d1 d5 c6 ff f7 fc b7 84 97 16 94 5a 2b 8c ee 92
		58 a3 46 67 7b 6f 00 00 06 13 01 13 03 13 02 01
		00 00 81 00 00 00 0b 00 09 00 00 06 73 65 72 76
		65 72 ff 01 00 01 00 00 0a 00 08 00 06 00 1d 00
		17 00 18 00 33 00 26 00 24 00 1d 00 20 e8 e8 e3
		f3 b9 3a 25 ed 97 a1 4a 7d ca cb 8a 27 2c 62 88
		e5 85 c6 48 4d 05 26 2f ca d0 62 ad 1f 00 2b 00
		03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
		02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01
		04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c
		00 02 40 01
	`)
	// S5HelloRetryRequest is the HelloRetryRequest, which asks for P-256 and sends a cookie.
	S5HelloRetryRequest = Hex(`
		02 00 00 ac 03 03 cf 21 ad 74 e5 9a 61 11 be 1d
		8c 02 1e 65 b8 91 c2 a2 11 16 7a bb 8c 5e 07 9e
		09 e2 c8 a8 33 9c 00 13 01 00 00 84 00 33 00 02
		00 17 00 2c 00 74 00 72 71 dc d0 4b b8 8b c3 18
		91 19 39 8a 00 00 00 00 ee fa fc 76 c1 46 b8 23
		b0 96 f8 aa ca d3 65 dd 00 30 95 3f 4e df 62 56
		36 e5 f2 1b b2 e2 3f cc 65 4b 1b 5b 40 31 8d 10
		d1 37 ab cb b8 75 74 e3 6e 8a 1f 02 5f 7d fa 5d
		6e 50 78 1b 5e da 4a a1 5b 0c 8b e7 78 25 7d 16
		aa 30 30 e9 e7 84 1d d9 e4 c0 34 22 67 e8 ca 0c
		af 57 1f b2 b7 cf f0 f9 34 b0 00 2b 00 02 03 04
	`)
	// S5ClientHello2 is the second ClientHello, with a P-256 key share and the cookie.
	S5ClientHello2 = Hex(`
		01 00 01 fc 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e
		d1 d5 c6 ff f7 fc b7 84 97 16 94 5a 2b 8c ee 92
		58 a3 46 67 7b 6f 00 00 06 13 01 13 03 13 02 01
		00 01 cd 00 00 00 0b 00 09 00 00 06 73 65 72 76
		65 72 ff 01 00 01 00 00 0a 00 08 00 06 00 1d 00
		17 00 18 00 33 00 47 00 45 00 17 00 41 04 a6 da
		73 92 ec 59 1e 17 ab fd 53 59 64 b9 98 94 d1 3b
		ef b2 21 b3 de f2 eb e3 83 0e ac 8f 01 51 81 26
		77 c4 d6 d2 23 7e 85 cf 01 d6 91 0c fb 83 95 4e
		76 ba 73 52 83 05 34 15 98 97 e8 06 57 80 00 2b
		00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06
		03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02
		01 04 02 05 02 06 02 02 02 00 2c 00 74 00 72 71
		dc d0 4b b8 8b c3 18 91 19 39 8a 00 00 00 00 ee
		fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65 dd 00
		30 95 3f 4e df 62 56 36 e5 f2 1b b2 e2 3f cc 65
		4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e
		8a 1f 02 5f 7d fa 5d 6e 50 78 1b 5e da 4a a1 5b
		0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4
		c0 34 22 67 e8 ca 0c af 57 1f b2 b7 cf f0 f9 34
		b0 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00
		af 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
	`)
	// S5ServerHello is the ServerHello handshake message.
	S5ServerHello = Hex(`
		02 00 00 77 03 03 bb 34 1d 84 7f d7 89 c4 7c 38
		71 72 dc 0c 9b f1 47 fc ca cb 50 43 d8 6c a4 c5
		98 d3 ff 57 1b 98 00 13 01 00 00 4f 00 33 00 45
		00 17 00 41 04 58 3e 05 4b 7a 66 67 2a e0 20 ad
		9d 26 86 fc c8 5b 5a d4 1a 13 4a 0f 03 ee 72 b8
		93 05 2b d8 5b 4c 8d e6 77 6f 5b 04 ac 07 d8 35
		40 ea b3 e3 d9 c5 47 bc 65 28 c4 31 7d 29 46 86
		09 3a 6c ad 7d 00 2b 00 02 03 04
	`)
	// S5EncryptedExtensions is the EncryptedExtensions handshake message.
	S5EncryptedExtensions = Hex(`
		08 00 00 18 00 16 00 0a 00 08 00 06 00 17 00 18
		00 1d 00 1c 00 02 40 01 00 00 00 00
	`)
	// S5Certificate is the server's Certificate handshake message, the same as Section 3's.
	S5Certificate = S3Certificate
	// S5CertificateVerify is the server's CertificateVerify handshake message.
	S5CertificateVerify = Hex(`
		0f 00 00 84 08 04 00 80 33 ab 13 d4 46 27 07 23
		1b 5d ca e6 c8 19 0b 63 d1 da bc 74 f2 8c 39 53
		70 da 0b 07 e5 b8 30 66 d0 24 6a 31 ac d9 5d f4
		75 bf d7 99 a4 a7 0d 33 ad 93 d3 a3 17 a9 b2 c0
		d2 37 a5 68 5b 21 9e 77 41 12 e3 91 a2 47 60 7d
		1a ef f1 bb d0 a3 9f 38 2e e1 a5 fe 88 ae 99 ec
		59 22 8e 64 97 e4 5d 48 ce 27 5a 6d 5e f4 0d 16
		9f b6 f9 d3 3b 05 2e d3 dc dd 6b 5a 48 ba af ff
		bc b2 90 12 84 15 bd 38
	`)
	// S5ServerFinished is the server's Finished handshake message.
	S5ServerFinished = Hex(`
		14 00 00 20 88 63 e6 bf b0 42 0a 92 7f a2 7f 34
		33 6a 70 ae 42 6e 96 8e 3e b8 84 94 5b 96 85 6d
		ba 39 76 d1
	`)
	// S5ClientFinished is the client's Finished handshake message.
	S5ClientFinished = Hex(`
		14 00 00 20 23 f5 2f db 07 09 a5 5b d7 f7 9b 99
		1f 25 48 40 87 bc fd 4d 43 80 b1 23 26 a5 2a 28
		b2 e3 68 e1
	`)
	// S5SharedSecret is the (EC)DHE shared secret, the IKM of extract secret "handshake".
	S5SharedSecret = Hex(`
		c1 42 ce 13 ca 11 b5 c2 23 36 52 e6 3a d3 d9 78
		44 f1 62 1f bf b9 de 69 d5 47 dc 8f ed ea be b4
	`)
	// S5HandshakeSecret is the handshake secret (extract secret "handshake").
	S5HandshakeSecret = Hex(`
		ce 02 2e 5e 6e 81 e5 07 36 d7 73 f2 d3 ad fc e8
		22 0d 04 9b f5 10 f0 db fa c9 27 ef 42 43 b1 48
	`)
	// S5HSHash is the transcript hash of ClientHello..ServerHello, the hash of derive secret "tls13 c hs traffic".
	S5HSHash = Hex(`
		8a a8 e8 28 ec 2f 8a 88 4f ec 95 a3 13 9d e0 1c
		15 a3 da a7 ff 5b fc 3f 4b fc c2 1b 43 8d 7b f8
	`)
	// S5CHSTraffic is client_handshake_traffic_secret (derive secret "tls13 c hs traffic").
	S5CHSTraffic = Hex(`
		15 8a a7 ab 88 55 07 35 82 b4 1d 67 4b 40 55 ca
		bc c5 34 72 8f 65 93 14 86 1b 4e 08 e2 01 15 66
	`)
	// S5SHSTraffic is server_handshake_traffic_secret (derive secret "tls13 s hs traffic").
	S5SHSTraffic = Hex(`
		34 03 e7 81 e2 af 7b 65 08 da 28 57 4f 6e 95 a1
		ab f1 62 de 83 a9 79 27 c3 76 72 a4 a0 ce f8 a1
	`)
	// S5MasterSecret is the master secret (extract secret "master").
	S5MasterSecret = Hex(`
		11 31 54 5d 0b af 79 dd ce 9b 87 f0 69 45 78 1a
		57 dd 18 ef 37 8d cd 20 60 f8 f9 a5 69 02 7e d8
	`)
	// S5ServerHSKey is the server's handshake write key.
	S5ServerHSKey = Hex(`46 46 bf ac 17 12 c4 26 cd 78 d8 a2 4a 8a 6f 6b`)
	// S5ServerHSIV is the server's handshake write IV.
	S5ServerHSIV = Hex(`c7 d3 95 c0 8d 62 f2 97 d1 37 68 ea`)
	// S5ClientHSKey is the client's handshake write key.
	S5ClientHSKey = Hex(`2f 1f 91 86 63 d5 90 e7 42 11 49 a2 9d 94 b0 b6`)
	// S5ClientHSIV is the client's handshake write IV.
	S5ClientHSIV = Hex(`41 4d 54 85 23 5e 1a 68 87 93 bd 74`)
	// S5ServerVerifyData is the server Finished's verify_data.
	S5ServerVerifyData = Hex(`
		88 63 e6 bf b0 42 0a 92 7f a2 7f 34 33 6a 70 ae
		42 6e 96 8e 3e b8 84 94 5b 96 85 6d ba 39 76 d1
	`)
	// S5APHash is the transcript hash of ClientHello..server Finished, the hash of derive secret "tls13 c ap traffic".
	S5APHash = Hex(`
		50 f6 3c bf 36 b0 dd 04 9e 7a 0b a2 7d 64 55 74
		5e a2 aa ac 54 bb 16 7f 99 50 b2 b7 ce 95 09 da
	`)
	// S5CAPTraffic is client_application_traffic_secret_0 (derive secret "tls13 c ap traffic").
	S5CAPTraffic = Hex(`
		75 ec f4 b9 72 52 5a a0 dc d0 57 c9 94 4d 4c d5
		d8 26 71 d8 84 31 41 d7 dc 2a 4f f1 5a 21 dc 51
	`)
	// S5SAPTraffic is server_application_traffic_secret_0 (derive secret "tls13 s ap traffic").
	S5SAPTraffic = Hex(`
		5c 74 f8 7d f0 42 25 db 0f 82 09 c9 de 64 29 e4
		94 35 fd ef a7 ca d6 18 64 87 4d 12 f3 1c fc 8d
	`)
	// S5ExpMaster is exporter_master_secret (derive secret "tls13 exp master").
	S5ExpMaster = Hex(`
		7c 06 d3 ae 10 6a 3a 37 4a ce 48 37 b3 98 5c ac
		67 78 0a 6e 2c 5c 04 b5 83 19 d5 84 df 09 d2 23
	`)
	// S5ClientVerifyData is the client Finished's verify_data.
	S5ClientVerifyData = Hex(`
		23 f5 2f db 07 09 a5 5b d7 f7 9b 99 1f 25 48 40
		87 bc fd 4d 43 80 b1 23 26 a5 2a 28 b2 e3 68 e1
	`)
	// S5ClientAPKey is the client's application data write key.
	S5ClientAPKey = Hex(`a7 eb 2a 05 25 eb 43 31 d5 8f cb f9 f7 ca 2e 9c`)
	// S5ClientAPIV is the client's application data write IV.
	S5ClientAPIV = Hex(`86 e8 be 22 7c 1b d2 b3 e3 9c b4 44`)
	// S5ResHash is the transcript hash of ClientHello..client Finished, the hash of derive secret "tls13 res master".
	S5ResHash = Hex(`
		0e 8b 34 91 58 b8 55 fd cd 0c 11 db bc 4e 83 e4
		3c aa 6e 48 3c 6c 65 df 53 15 18 88 e5 01 65 f4
	`)
	// S5ResMaster is resumption_master_secret (derive secret "tls13 res master").
	S5ResMaster = Hex(`
		09 17 0c 6d 47 27 21 56 6f 9c f9 9b 08 69 9d af
		f5 61 ec 8f b2 2d 5a 32 c3 f9 4c e0 09 b6 99 75
	`)
)
