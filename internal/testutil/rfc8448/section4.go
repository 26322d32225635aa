package rfc8448

// RFC 8448, Section 4 (Resumed 0-RTT Handshake).
var (
	// S4ClientHello is the ClientHello handshake message, with its early_data and pre_shared_key extensions and the PSK binder.
	S4ClientHello = Hex(`
		01 00 01 fc 03 03 1b c3 ce b6 bb e3 9c ff 93 83
		55 b5 a5 0a db 6d b2 1b 7a 6a f6 49 d7 b4 bc 41
		9d 78 76 48 7d 95 00 00 06 13 01 13 03 13 02 01
		00 01 cd 00 00 00 0b 00 09 00 00 06 73 65 72 76
		65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00
		17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00
		33 00 26 00 24 00 1d 00 20 e4 ff b6 8a c0 5f 8d
		96 c9 9d a2 66 98 34 6c 6b e1 64 82 ba dd da fe
		05 1a 66 b4 f1 8d 66 8f 0b 00 2a 00 00 00 2b 00
		03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
		02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01
		04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c
		00 02 40 01 00 15 00 57 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
		29 00 dd 00 b8 00 b2 2c 03 5d 82 93 59 ee 5f f7
		af 4e c9 00 00 00 00 26 2a 64 94 dc 48 6d 2c 8a
		34 cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83 c9 36
		7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11
		72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61
		be 7f d6 1d 28 27 db 27 9c ce 14 50 77 d4 54 a3
		66 4d 4e 6d a4 d2 9e e0 37 25 a6 a4 da fc d0 fc
		67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c 5b
		3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2
		97 b5 ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6
		21 a7 91 41 ef 5f 7d e6 50 5e 5b fb c3 88 e9 33
		43 69 40 93 93 4a e4 d3 57 fa d6 aa cb 00 21 20
		3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8
		8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d
	`)
	// S4ClientHelloPrefix is the ClientHello up to its binders (the RFC's "ClientHello prefix", 477 octets), over which the binder is computed.
	S4ClientHelloPrefix = S4ClientHello[:477:477]
	// S4BinderHash is the transcript hash of S4ClientHelloPrefix (calculate PSK binder: binder hash).
	S4BinderHash = Hex(`
		63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d 00 9a 04
		f6 be 9e 05 71 1a 83 96 47 3a ef a0 1e 92 4a 14
	`)
	// S4BinderKey is the binder key, the PRK of calculate PSK binder.
	S4BinderKey = Hex(`
		69 fe 13 1a 3b ba d5 d6 3c 64 ee bc c3 0e 39 5b
		9d 81 07 72 6a 13 d0 74 e3 89 db c8 a4 e4 72 56
	`)
	// S4BinderFinishedKey is the finished_key of the binder key.
	S4BinderFinishedKey = Hex(`
		55 88 67 3e 72 cb 59 c8 7d 22 0c af fe 94 f2 de
		a9 a3 b1 60 9f 7d 50 e9 0a 48 22 7d b9 ed 7e aa
	`)
	// S4Binder is the PSK binder (calculate PSK binder: finished).
	S4Binder = Hex(`
		3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8
		8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d
	`)
	// S4PSK is the PSK, the IKM of extract secret "early": S3ResumptionPSK, printed again.
	S4PSK = Hex(`
		4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5
		85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3
	`)
	// S4EarlySecret is the early secret (extract secret "early", with the PSK).
	S4EarlySecret = Hex(`
		9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20 bb
		41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c
	`)
	// S4CHHash is the transcript hash of the ClientHello, the hash of derive secret "tls13 c e traffic".
	S4CHHash = Hex(`
		08 ad 0f a0 5d 7c 72 33 b1 77 5b a2 ff 9f 4c 5b
		8b 59 27 6b 7f 22 7f 13 a9 76 24 5f 5d 96 09 13
	`)
	// S4CETraffic is client_early_traffic_secret (derive secret "tls13 c e traffic").
	S4CETraffic = Hex(`
		3f bb e6 a6 0d eb 66 c3 0a 32 79 5a ba 0e ff 7e
		aa 10 10 55 86 e7 be 5c 09 67 8d 63 b6 ca ab 62
	`)
	// S4EExpMaster is early_exporter_master_secret (derive secret "tls13 e exp master").
	S4EExpMaster = Hex(`
		b2 02 68 66 61 09 37 d7 42 3e 5b e9 08 62 cc f2
		4c 0e 60 91 18 6d 34 f8 12 08 9f f5 be 2e f7 df
	`)
	// S4EarlyKey is the client's early data write key.
	S4EarlyKey = Hex(`92 02 05 a5 b7 bf 21 15 e6 fc 5c 29 42 83 4f 54`)
	// S4EarlyIV is the client's early data write IV.
	S4EarlyIV = Hex(`6d 47 5f 09 93 c8 e5 64 61 0d b2 b9`)
	// S4ServerHello is the ServerHello handshake message.
	S4ServerHello = Hex(`
		02 00 00 5c 03 03 3c cf d2 de c8 90 22 27 63 47
		2a e8 13 67 77 c9 d7 35 87 77 bb 66 e9 1e a5 12
		24 95 f5 59 ea 2d 00 13 01 00 00 34 00 29 00 02
		00 00 00 33 00 24 00 1d 00 20 12 17 61 ee 42 c3
		33 e1 b9 e7 7b 60 dd 57 c2 05 3c d9 45 12 ab 47
		f1 15 e8 6e ff 50 94 2c ea 31 00 2b 00 02 03 04
	`)
	// S4EncryptedExtensions is the EncryptedExtensions handshake message.
	S4EncryptedExtensions = Hex(`
		08 00 00 28 00 26 00 0a 00 14 00 12 00 1d 00 17
		00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
		00 02 40 01 00 00 00 00 00 2a 00 00
	`)
	// S4ServerFinished is the server's Finished handshake message.
	S4ServerFinished = Hex(`
		14 00 00 20 48 d3 e0 e1 b3 d9 07 c6 ac ff 14 5e
		16 09 03 88 c7 7b 05 c0 50 b6 34 ab 1a 88 bb d0
		dd 1a 34 b2
	`)
	// S4EndOfEarlyData is the EndOfEarlyData handshake message.
	S4EndOfEarlyData = Hex(`05 00 00 00`)
	// S4ClientFinished is the client's Finished handshake message.
	S4ClientFinished = Hex(`
		14 00 00 20 72 30 a9 c9 52 c2 5c d6 13 8f c5 e6
		62 83 08 c4 1c 53 35 dd 81 b9 f9 6b ce a5 0f d3
		2b da 41 6d
	`)
	// S4SharedSecret is the (EC)DHE shared secret, the IKM of extract secret "handshake".
	S4SharedSecret = Hex(`
		f4 41 94 75 6f f9 ec 9d 25 18 06 35 d6 6e a6 82
		4c 6a b3 bf 17 99 77 be 37 f7 23 57 0e 7c cb 2e
	`)
	// S4HandshakeSecret is the handshake secret (extract secret "handshake").
	S4HandshakeSecret = Hex(`
		00 5c b1 12 fd 8e b4 cc c6 23 bb 88 a0 7c 64 b3
		ed e1 60 53 63 fc 7d 0d f8 c7 ce 4f f0 fb 4a e6
	`)
	// S4HSHash is the transcript hash of ClientHello..ServerHello, the hash of derive secret "tls13 c hs traffic".
	S4HSHash = Hex(`
		f7 36 cb 34 fe 25 e7 01 55 1b ee 6f d2 4c 1c c7
		10 2a 7d af 94 05 cb 15 d9 7a af e1 6f 75 7d 03
	`)
	// S4CHSTraffic is client_handshake_traffic_secret (derive secret "tls13 c hs traffic").
	S4CHSTraffic = Hex(`
		2f aa c0 8f 85 1d 35 fe a3 60 4f cb 4d e8 2d c6
		2c 9b 16 4a 70 97 4d 04 62 e2 7f 1a b2 78 70 0f
	`)
	// S4SHSTraffic is server_handshake_traffic_secret (derive secret "tls13 s hs traffic").
	S4SHSTraffic = Hex(`
		fe 92 7a e2 71 31 2e 8b f0 27 5b 58 1c 54 ee f0
		20 45 0d c4 ec ff aa 05 a1 a3 5d 27 51 8e 78 03
	`)
	// S4MasterSecret is the master secret (extract secret "master").
	S4MasterSecret = Hex(`
		e2 d3 2d 4e d6 6d d3 78 97 a0 e8 0c 84 10 75 03
		ce 58 bf 8a ad 4c b5 5a 50 02 d7 7e cb 89 0e ce
	`)
	// S4ServerHSKey is the server's handshake write key.
	S4ServerHSKey = Hex(`27 c6 bd c0 a3 dc ea 39 a4 73 26 d7 9b c9 e4 ee`)
	// S4ServerHSIV is the server's handshake write IV.
	S4ServerHSIV = Hex(`95 69 ec dd 4d 05 36 70 5e 9e f7 25`)
	// S4ClientHSKey is the client's handshake write key.
	S4ClientHSKey = Hex(`b1 53 08 06 f4 ad fe ac 83 f1 41 30 32 bb fa 82`)
	// S4ClientHSIV is the client's handshake write IV.
	S4ClientHSIV = Hex(`eb 50 c1 6b e7 65 4a bf 99 dd 06 d9`)
	// S4ServerVerifyData is the server Finished's verify_data.
	S4ServerVerifyData = Hex(`
		48 d3 e0 e1 b3 d9 07 c6 ac ff 14 5e 16 09 03 88
		c7 7b 05 c0 50 b6 34 ab 1a 88 bb d0 dd 1a 34 b2
	`)
	// S4APHash is the transcript hash of ClientHello..server Finished, the hash of derive secret "tls13 c ap traffic".
	S4APHash = Hex(`
		b0 ae ff c4 6a 2c fe 33 11 4e 6f d7 d5 1f 9f 04
		b1 ca 3c 49 7d ab 08 93 4a 77 4a 9d 9a d7 db f3
	`)
	// S4CAPTraffic is client_application_traffic_secret_0 (derive secret "tls13 c ap traffic").
	S4CAPTraffic = Hex(`
		2a bb f2 b8 e3 81 d2 3d be be 1d d2 a7 d1 6a 8b
		f4 84 cb 49 50 d2 3f b7 fb 7f a8 54 70 62 d9 a1
	`)
	// S4SAPTraffic is server_application_traffic_secret_0 (derive secret "tls13 s ap traffic").
	S4SAPTraffic = Hex(`
		cc 21 f1 bf 8f eb 7d d5 fa 50 5b d9 c4 b4 68 a9
		98 4d 55 4a 99 3d c4 9e 6d 28 55 98 fb 67 26 91
	`)
	// S4ExpMaster is exporter_master_secret (derive secret "tls13 exp master").
	S4ExpMaster = Hex(`
		3f d9 3d 4f fd dc 98 e6 4b 14 dd 10 7a ed f8 ee
		4a dd 23 f4 51 0f 58 a4 59 2d 0b 20 1b ee 56 b4
	`)
	// S4ServerAPKey is the server's application data write key.
	S4ServerAPKey = Hex(`e8 57 c6 90 a3 4c 5a 91 29 d8 33 61 96 84 f9 5e`)
	// S4ServerAPIV is the server's application data write IV.
	S4ServerAPIV = Hex(`06 85 d6 b5 61 aa b9 ef 10 13 fa f9`)
	// S4ClientVerifyData is the client Finished's verify_data.
	S4ClientVerifyData = Hex(`
		72 30 a9 c9 52 c2 5c d6 13 8f c5 e6 62 83 08 c4
		1c 53 35 dd 81 b9 f9 6b ce a5 0f d3 2b da 41 6d
	`)
	// S4ClientAPKey is the client's application data write key.
	S4ClientAPKey = Hex(`3c f1 22 f3 01 c6 35 8c a7 98 95 53 25 0e fd 72`)
	// S4ClientAPIV is the client's application data write IV.
	S4ClientAPIV = Hex(`ab 1a ec 26 aa 78 b8 fc 11 76 b9 ac`)
	// S4ResHash is the transcript hash of ClientHello..client Finished, the hash of derive secret "tls13 res master".
	S4ResHash = Hex(`
		c3 c1 22 e0 bd 90 7a 4a 3f f6 11 2d 8f d5 3d bf
		89 c7 73 d9 55 2e 8b 6b 9d 56 d3 61 b3 a9 7b f6
	`)
	// S4ResMaster is resumption_master_secret (derive secret "tls13 res master").
	S4ResMaster = Hex(`
		5e 95 bd f1 f8 90 05 ea 2e 9a a0 ba 85 e7 28 e3
		c1 9c 5f e0 c6 99 e3 f5 be e5 9f ae bd 0b 54 06
	`)
)
