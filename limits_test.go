package hush_test

// The limits hush puts on what a peer controls, each tested at its bound
// and one past it with the raw endpoint of hostile_harness_test.go, the
// alert read off the wire. docs/SECURITY.md lists every limit.

import (
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/wire"
)

// repeatChain returns a Certificate message holding the raw side's chain
// padded to n entries by repeating its last certificate.
func repeatChain(r *raw, n int) func([]byte) []byte {
	return func([]byte) []byte {
		cm := &wire.Certificate13{}
		for i := range n {
			der := r.chain.Certificates[min(i, len(r.chain.Certificates)-1)]
			cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: der})
		}
		return cm.Marshal()
	}
}

// warningAlert is a plaintext warning alert record.
func warningAlert(code hush.Alert) []byte {
	return plain(record.TypeAlert, []byte{1, byte(code)})
}

func limitServerRows() []hostileRow {
	return []hostileRow{
		{
			// record_in.go maxCCSInHandshake: 16 compatibility
			// change_cipher_spec records during a TLS 1.3 handshake.
			name: "ccs/16-during-handshake-accepted", kind: succeeds,
			script: func(r *raw) {
				afterServerFlight(r)
				for range 15 {
					r.sendCCS()
				}
				r.sendFinished(nil) // the 16th
				closeNotify(r)
			},
		},
		{
			name: "ccs/17-during-handshake", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				for range 17 {
					r.sendCCS()
				}
			},
		},
		{
			// record_in.go maxEmptyRecordsInRow: 32 empty application
			// data records in a row.
			name: "empty-records/32-then-data-accepted", kind: succeeds,
			script: func(r *raw) {
				r.handshake()
				for range 32 {
					r.writeRaw(r.seal(record.TypeApplicationData, nil))
				}
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("data")))
				closeNotify(r)
			},
		},
		{
			name: "empty-records/33-in-a-row", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				for range 33 {
					r.writeRaw(r.seal(record.TypeApplicationData, nil))
				}
			},
		},
		{
			// record_in.go DefaultMaxHandshakeMessageSize: 64 KiB, refused
			// from the declared length before anything is buffered.
			name: "handshake-message/declared-64KiB+1", want: hush.AlertDecodeError,
			script: func(r *raw) {
				const n = 64<<10 + 1
				r.writeRaw(plain(record.TypeHandshake, []byte{byte(wire.TypeClientHello), n >> 16, n >> 8 & 0xff, n & 0xff, 3, 3}))
			},
		},
		{
			// Config.MaxHandshakeMessageSize lowers it.
			name: "handshake-message/over-configured-limit", want: hush.AlertDecodeError,
			config: func(_ *testing.T, c *hush.Config) { c.MaxHandshakeMessageSize = 64 },
			script: sendClientHello(nil),
		},
		{
			// internal/handshake/verify.go maxCertChain: 16 certificates.
			name: "certificate/client-chain-of-16-accepted", kind: succeeds, config: requireClientCert,
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(replace(wire.TypeCertificate, repeatChain(r, 16))))
				r.setWrite(r.ownApp)
				closeNotify(r)
			},
		},
		{
			name: "certificate/client-chain-of-17", want: hush.AlertBadCertificate, prot: protectedAlert, config: requireClientCert,
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(replace(wire.TypeCertificate, repeatChain(r, 17))))
			},
		},
		{
			// Policy, not a limit: hush requires the extended master secret
			// (RFC 7627, Section 5.3: a server that requires it "MUST
			// abort" a full handshake without it).
			name: "tls12/client-hello-without-extended-master-secret", want: hush.AlertHandshakeFailure,
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.SupportedVersions = nil
				ch.CipherSuites = []uint16{hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
				ch.SupportedGroups = []uint16{kex.X25519}
				ch.SupportedPoints = []uint8{0}
				ch.ExtendedMasterSecret = false
				ch.SecureRenegotiationSupported = true
				ch.SignatureAlgorithms = []uint16{0x0403}
				ch.KeyShares, ch.HasKeyShare = nil, false
			}),
		},
		{
			// record_in.go maxWarningAlertsInRow: 16 warning alerts in a
			// row, counted before the version is known too.
			name: "warning-alerts/16-before-client-hello-accepted", kind: succeeds,
			script: func(r *raw) {
				for range 16 {
					r.writeRaw(warningAlert(hush.Alert(100))) // no_renegotiation
				}
				r.handshake()
				closeNotify(r)
			},
		},
		{
			name: "warning-alerts/17-before-client-hello", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) {
				for range 17 {
					r.writeRaw(warningAlert(hush.Alert(100)))
				}
			},
		},
	}
}

func limitClientRows() []hostileRow {
	return []hostileRow{
		{
			name: "certificate/server-chain-of-17", want: hush.AlertBadCertificate, prot: protectedAlert,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendServerHello(nil)
				r.sendHandshake(r.serverFlight(replace(wire.TypeCertificate, repeatChain(r, 17))))
			},
		},
		{
			name: "ccs/17-from-server", want: hush.AlertUnexpectedMessage, prot: anyProtection,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendServerHello(nil)
				for range 17 {
					r.sendCCS()
				}
			},
		},
	}
}

// TestLimitsServer and TestLimitsClient run each limit at its bound (the
// connection goes on) and one past it (the named alert).
func TestLimitsServer(t *testing.T) {
	for _, row := range limitServerRows() {
		t.Run(row.name, func(t *testing.T) { runHostileRow(t, false, row) })
	}
}

func TestLimitsClient(t *testing.T) {
	for _, row := range limitClientRows() {
		t.Run(row.name, func(t *testing.T) { runHostileRow(t, true, row) })
	}
}
