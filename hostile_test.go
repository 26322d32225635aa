package hush_test

// Hostile-input tests: a raw endpoint (hostile_harness_test.go) attacks a
// hush server or client over TCP, and every row names the alert RFC 8446
// asks for. Each row checks three things: the alert read off the wire (and
// whether it came protected), the *hush.AlertError the hush side returned,
// and that neither side hangs nor leaks a goroutine.

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/kex"
	"github.com/hushtls/hush/internal/keyschedule"
	"github.com/hushtls/hush/internal/record"
	"github.com/hushtls/hush/internal/testutil"
	"github.com/hushtls/hush/internal/wire"
)

// outcome is what a row expects of the hush side.
type outcome int

const (
	// sendsAlert: hush sends the row's alert, fatal, and returns
	// AlertError{Alert: want, Received: false}.
	sendsAlert outcome = iota
	// receivesAlert: the row sends the alert; hush treats it as fatal,
	// answers with nothing and returns AlertError{Alert: want, Received: true}.
	receivesAlert
	// succeeds: no alert; the raw side ends with close_notify and hush
	// returns io.EOF from Read.
	succeeds
	// truncated: the raw side half-closes the stream; hush sends no alert
	// and returns io.ErrUnexpectedEOF.
	truncated
)

// protection says how the alert must travel.
type protection int

const (
	// plaintextAlert: no keys yet on hush's write side.
	plaintextAlert protection = iota
	// protectedAlert: under hush's current write key (handshake or
	// application).
	protectedAlert
	// anyProtection: either is right (the failure comes as hush changes
	// keys).
	anyProtection
)

// hostileRow is one attack.
type hostileRow struct {
	name   string
	want   hush.Alert
	kind   outcome
	prot   protection
	config func(*testing.T, *hush.Config)
	script func(r *raw)
	check  func(t *testing.T, r *raw, out hushOutcome) // extra checks
	bug    string                                      // non-empty: a known library bug, the row is skipped
}

// ---- script helpers ----

// afterServerFlight sends a correct ClientHello and reads the server's
// flight: the server is now waiting for the client's Finished, reading
// under the client handshake key and writing under its application key.
func afterServerFlight(r *raw) {
	r.t.Helper()
	r.sendHandshake(r.clientHello(nil))
	r.readServerFlight()
}

// closeNotify ends a successful row.
func closeNotify(r *raw) {
	r.writeRaw(r.seal(record.TypeAlert, []byte{1, 0}))
}

// sendClientHello sends a mutated ClientHello in one plaintext record.
func sendClientHello(mutate func(*wire.ClientHello)) func(*raw) {
	return func(r *raw) { r.sendHandshake(r.clientHello(mutate)) }
}

// cutClientHello sends a ClientHello whose body is cut to n bytes (n < 0
// counts from the end) with the handshake header and the record header
// both telling the truth about the cut length.
func cutClientHello(n int) func(*raw) {
	return func(r *raw) {
		msg := r.clientHello(nil)
		body := msg[wire.HeaderLen:]
		if n < 0 {
			n += len(body)
		}
		cut := append([]byte{byte(wire.TypeClientHello), byte(n >> 16), byte(n >> 8), byte(n)}, body[:n]...)
		r.writeRaw(plain(record.TypeHandshake, cut))
	}
}

// finishedOfLength rebuilds a Finished with verify_data cut or extended to
// n bytes.
func finishedOfLength(n int) func([]byte) []byte {
	return func(msg []byte) []byte {
		vd := make([]byte, n)
		copy(vd, msg[wire.HeaderLen:])
		return (&wire.Finished{VerifyData: vd}).Marshal()
	}
}

func mustKey(t *testing.T, group uint16) *kex.PrivateKey {
	t.Helper()
	k, err := kex.GenerateKey(group, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// onlyShare makes the ClientHello support group alone and offer share for
// it.
func onlyShare(group uint16, share []byte) func(*wire.ClientHello) {
	return func(ch *wire.ClientHello) {
		ch.SupportedGroups = []uint16{group}
		ch.KeyShares = []wire.KeyShare{{Group: group, KeyExchange: share}}
	}
}

// p256OffCurve is the point (1, 1), which is not on P-256: y^2 = x^3 - 3x + b
// would need b = 3.
func p256OffCurve() []byte {
	p := make([]byte, 65)
	p[0], p[32], p[64] = 4, 1, 1
	return p
}

// toHelloRetry sends a ClientHello without key shares (X25519 and P-256
// supported) and reads the HelloRetryRequest.
func toHelloRetry(r *raw) {
	r.t.Helper()
	r.sendHandshake(r.clientHello(func(ch *wire.ClientHello) {
		ch.SupportedGroups = []uint16{kex.X25519, kex.P256}
		ch.KeyShares = nil
	}))
	r.mustPump("a HelloRetryRequest", func() bool { return r.hrr != nil || r.sh != nil })
	if r.hrr == nil {
		r.t.Fatal("the server answered an empty key_share with a ServerHello, not a HelloRetryRequest")
	}
}

// pskExtension is a well-formed pre_shared_key extension of a ClientHello:
// one identity "a" with ticket age 0 and one 32-byte binder.
func pskExtension() wire.Extension {
	data := []byte{0, 7, 0, 1, 'a', 0, 0, 0, 0, 0, 33, 32}
	return wire.Extension{Type: wire.ExtPreSharedKey, Data: append(data, make([]byte, 32)...)}
}

// requireClientCert makes the server demand a client certificate.
func requireClientCert(_ *testing.T, c *hush.Config) { c.ClientAuth = hush.RequireAnyClientCert }

// toClientAuth sends a ClientHello, reads the server flight (with its
// CertificateRequest) and gets ready to answer with the test chain.
func toClientAuth(r *raw) {
	r.t.Helper()
	afterServerFlight(r)
	if !slices.ContainsFunc(r.msgs, func(m []byte) bool { return wire.HandshakeType(m[0]) == wire.TypeCertificateRequest }) {
		r.t.Fatal("the server sent no CertificateRequest")
	}
	r.chain = testutil.NewChain(r.t, testutil.ECDSAP256)
}

// replace returns a mutation for serverFlight and clientAuthFlight that
// swaps the message of type typ for with (nil drops it).
func replace(typ wire.HandshakeType, with func(msg []byte) []byte) func(wire.HandshakeType, []byte) []byte {
	return func(t wire.HandshakeType, msg []byte) []byte {
		if t == typ {
			return with(msg)
		}
		return msg
	}
}

// ---- the server under attack ----

func hostileServerRows() []hostileRow {
	return []hostileRow{
		{
			name: "control/valid-handshake", kind: succeeds,
			script: func(r *raw) {
				r.handshake()
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("hello")))
				closeNotify(r)
			},
		},
		{
			// Handshake messages "MAY be ... fragmented across several
			// records" (RFC 8446, Section 5.1), down to one byte each.
			name: "control/client-hello-in-one-byte-records", kind: succeeds,
			script: func(r *raw) {
				for _, b := range r.clientHello(nil) {
					r.writeRaw(plain(record.TypeHandshake, []byte{b}))
				}
				r.readServerFlight()
				r.sendFinished(nil)
				closeNotify(r)
			},
		},
		{
			// RFC 8701: GREASE values in every list, and a GREASE
			// extension, must be ignored; RFC 8446, Section 4.2.1: with
			// supported_versions present, "servers MUST NOT use the
			// ClientHello.legacy_version value for version negotiation".
			name: "control/grease-and-old-legacy-version", kind: succeeds,
			script: func(r *raw) {
				r.sendHandshake(r.clientHello(func(ch *wire.ClientHello) {
					ch.LegacyVersion = wire.VersionTLS10
					ch.CipherSuites = []uint16{0x0a0a, hush.TLS_AES_128_GCM_SHA256}
					ch.SupportedVersions = []uint16{0x1a1a, wire.VersionTLS13}
					ch.SupportedGroups = []uint16{0x2a2a, kex.X25519}
					ch.KeyShares = []wire.KeyShare{{Group: 0x2a2a, KeyExchange: []byte{0}}, {Group: kex.X25519}}
					ch.SignatureAlgorithms = append([]uint16{0x3a3a}, ch.SignatureAlgorithms...)
					ch.ExtraExtensions = []wire.Extension{{Type: 0x4a4a}, {Type: 0x5a5a, Data: []byte{0}}}
				}))
				r.readServerFlight()
				r.sendFinished(nil)
				closeNotify(r)
			},
		},
		{
			// RFC 8446, Section 5.1: legacy_record_version "MAY be 0x0301
			// (TLS 1.0) for the initial ClientHello"; many clients send it.
			name: "control/client-hello-record-version-0x0301", kind: succeeds,
			script: func(r *raw) {
				rec := plain(record.TypeHandshake, r.clientHello(nil))
				rec[2] = 0x01
				r.writeRaw(rec)
				r.readServerFlight()
				r.sendFinished(nil)
				closeNotify(r)
			},
		},
		{
			// RFC 8446, Section 4.6.3: "If the request_update field is set
			// to "update_requested", then the receiver MUST send a KeyUpdate
			// of its own with request_update set to "update_not_requested""
			name: "control/key-update-requested-is-answered", kind: succeeds,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake((&wire.KeyUpdate{UpdateRequested: true}).Marshal())
				r.ownApp = keyschedule.NextTrafficSecret(r.suite.Hash, r.ownApp)
				r.setWrite(r.ownApp)
				r.mustPump("the server's KeyUpdate", func() bool {
					return slices.ContainsFunc(r.msgs, func(m []byte) bool { return wire.HandshakeType(m[0]) == wire.TypeKeyUpdate })
				})
				ku, err := wire.ParseKeyUpdate(r.msgs[len(r.msgs)-1])
				if err != nil || ku.UpdateRequested {
					r.t.Errorf("server answered with KeyUpdate %+v (%v), want update_not_requested", ku, err)
				}
				r.peerApp = keyschedule.NextTrafficSecret(r.suite.Hash, r.peerApp)
				r.setRead(r.peerApp)
				closeNotify(r)
			},
		},
		{
			// RFC 8446, Section 4.6.3: after a KeyUpdate the sender uses
			// the next generation of its traffic secret.
			name: "control/key-update-then-data-under-new-key", kind: succeeds,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake((&wire.KeyUpdate{}).Marshal())
				r.ownApp = keyschedule.NextTrafficSecret(r.suite.Hash, r.ownApp)
				r.setWrite(r.ownApp)
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("after update")))
				closeNotify(r)
			},
		},
		{
			// RFC 8446, Section 5.1: "Zero-length fragments of Application
			// Data MAY be sent".
			name: "control/zero-length-application-data-is-allowed", kind: succeeds,
			script: func(r *raw) {
				r.handshake()
				r.writeRaw(r.seal(record.TypeApplicationData, nil))
				closeNotify(r)
			},
		},

		// Truncated records.
		{
			// RFC 8446, Section 5.1: "if a handshake message is split over
			// two or more records, there MUST NOT be any other records
			// between them." Before the handshake, application data is
			// unexpected on its own account too.
			name: "truncated/handshake-message-then-application-data", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) {
				ch := r.clientHello(nil)
				r.writeRaw(plain(record.TypeHandshake, ch[:len(ch)/2]))
				r.writeRaw(plain(record.TypeApplicationData, make([]byte, 20)))
			},
		},
		{
			// RFC 8446, Section 5: a change_cipher_spec may arrive only
			// "after the first ClientHello message has been sent or
			// received"; half a ClientHello is not one.
			name: "truncated/handshake-message-then-change-cipher-spec", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) {
				ch := r.clientHello(nil)
				r.writeRaw(plain(record.TypeHandshake, ch[:len(ch)/2]))
				r.sendCCS()
			},
		},
		{
			// RFC 8446, Section 6.2: bad_record_mac "is used for all
			// deprotection failures"; 15 bytes cannot hold a 16-byte tag.
			name: "truncated/protected-record-shorter-than-tag", want: hush.AlertBadRecordMAC, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(plain(record.TypeApplicationData, make([]byte, 15)))
			},
		},
		{
			name: "truncated/protected-record-empty", want: hush.AlertBadRecordMAC, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(plain(record.TypeApplicationData, nil))
			},
		},
		// RFC 8446, Section 6.2: decode_error: "A message could not be
		// decoded because some field was out of the specified range or the
		// length of the message was incorrect."
		{name: "truncated/client-hello-cut-in-random", want: hush.AlertDecodeError, script: cutClientHello(10)},
		{name: "truncated/client-hello-cut-in-cipher-suites", want: hush.AlertDecodeError, script: cutClientHello(70)},
		{name: "truncated/client-hello-cut-in-last-extension", want: hush.AlertDecodeError, script: cutClientHello(-2)},
		{name: "truncated/client-hello-empty-body", want: hush.AlertDecodeError, script: cutClientHello(0)},

		// Oversized records.
		{
			// RFC 8446, Section 5.1: "The length MUST NOT exceed 2^14 bytes.
			// An endpoint that receives a record that exceeds this length
			// MUST terminate the connection with a "record_overflow" alert."
			name: "oversized/plaintext-2^14+1", want: hush.AlertRecordOverflow,
			script: func(r *raw) { r.writeRaw(plain(record.TypeHandshake, make([]byte, 1<<14+1))) },
		},
		{
			// RFC 8446, Section 5.2: "The length MUST NOT exceed 2^14 + 256
			// bytes. An endpoint that receives a record that exceeds this
			// length MUST terminate the connection with a "record_overflow"
			// alert."
			name: "oversized/protected-2^14+256+1", want: hush.AlertRecordOverflow, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(plain(record.TypeApplicationData, make([]byte, 1<<14+256+1)))
			},
		},
		{
			// RFC 8446, Section 6.2: record_overflow also covers "a record
			// decrypted to a TLSPlaintext record with more than 2^14 bytes".
			name: "oversized/protected-inner-plaintext-2^14+1", want: hush.AlertRecordOverflow, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				inner := make([]byte, 1<<14+2) // 2^14+1 bytes of content, then the type
				inner[len(inner)-1] = record.TypeHandshake
				r.writeRaw(r.sealInner(inner))
			},
		},

		// Content types.
		{
			// RFC 8446, Section 5: "If a TLS implementation receives an
			// unexpected record type, it MUST terminate the connection with
			// an "unexpected_message" alert."
			name: "content-type/99-plaintext", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) { r.writeRaw(plain(99, []byte{1, 2, 3})) },
		},
		{
			name: "content-type/99-inside-protected-record", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(r.sealInner([]byte{1, 2, 3, 99}))
			},
		},
		{
			// RFC 8446, Section 5.4: "If a receiving implementation does
			// not find a non-zero octet in the cleartext, it MUST terminate
			// the connection with an "unexpected_message" alert."
			name: "content-type/protected-record-all-padding", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(r.sealInner(make([]byte, 8)))
			},
		},

		// The client's Finished.
		{
			// RFC 8446, Section 5.2: "If the decryption fails, the receiver
			// MUST terminate the connection with a "bad_record_mac" alert."
			name: "finished/flipped-bit-in-protected-record", want: hush.AlertBadRecordMAC, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				rec := r.seal(record.TypeHandshake, r.finished())
				rec[record.HeaderLen+7] ^= 0x10
				r.sendCCS()
				r.writeRaw(rec)
			},
		},
		{
			// RFC 8446, Section 4.4.4: "Recipients of Finished messages MUST
			// verify that the contents are correct and if incorrect MUST
			// terminate the connection with a "decrypt_error" alert."
			name: "finished/flipped-bit-in-verify-data", want: hush.AlertDecryptError, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.sendFinished(func(m []byte) []byte { m[wire.HeaderLen+3] ^= 0x80; return m })
			},
		},
		// A verify_data that is not Hash.length bytes long is a message of
		// the wrong length: decode_error (RFC 8446, Section 6.2).
		{
			name: "finished/verify-data-31-bytes", want: hush.AlertDecodeError, prot: protectedAlert,
			script: func(r *raw) { afterServerFlight(r); r.sendFinished(finishedOfLength(31)) },
		},
		{
			name: "finished/verify-data-33-bytes", want: hush.AlertDecodeError, prot: protectedAlert,
			script: func(r *raw) { afterServerFlight(r); r.sendFinished(finishedOfLength(33)) },
		},
		{
			name: "finished/verify-data-8-bytes", want: hush.AlertDecodeError, prot: protectedAlert,
			script: func(r *raw) { afterServerFlight(r); r.sendFinished(finishedOfLength(8)) },
		},

		// Bytes after the ClientHello in its record. The ClientHello
		// precedes a key change (the server installs the client handshake
		// key as it answers), so RFC 8446, Section 5.1 applies: "Handshake
		// messages MUST NOT span key changes. Implementations MUST verify
		// that all messages immediately preceding a key change align with a
		// record boundary; if not, then they MUST terminate the connection
		// with an "unexpected_message" alert." The server may find out
		// before it answers (plaintext alert) or once its ServerHello is
		// queued (the alert follows the ServerHello under the server
		// handshake key); both are right.
		{
			name: "key-change/partial-message-after-client-hello", want: hush.AlertUnexpectedMessage, prot: anyProtection,
			script: func(r *raw) {
				ch := r.clientHello(nil)
				r.writeRaw(plain(record.TypeHandshake, append(ch, byte(wire.TypeFinished), 0)))
			},
		},
		{
			name: "key-change/whole-message-after-client-hello", want: hush.AlertUnexpectedMessage, prot: anyProtection,
			script: func(r *raw) {
				ch := r.clientHello(nil)
				fin := (&wire.Finished{VerifyData: make([]byte, 32)}).Marshal()
				r.writeRaw(plain(record.TypeHandshake, append(ch, fin...)))
			},
		},
		{
			// The client Finished also precedes a key change.
			name: "key-change/partial-message-after-client-finished", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				fin := r.finished()
				r.transcript.Write(fin)
				r.sendCCS()
				r.writeRaw(r.seal(record.TypeHandshake, append(fin, byte(wire.TypeKeyUpdate), 0)))
			},
		},

		// ClientHello contents.
		{
			// RFC 8446, Section 4.2: "There MUST NOT be more than one
			// extension of the same type in a given extension block." and
			// Section 6.2, illegal_parameter: "A field in the handshake was
			// incorrect or inconsistent with other fields."
			name: "client-hello/duplicate-known-extension", want: hush.AlertIllegalParameter,
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.ExtraExtensions = []wire.Extension{{Type: wire.ExtSupportedGroups, Data: []byte{0, 2, 0, 0x1d}}}
			}),
		},
		{
			name: "client-hello/duplicate-unknown-extension", want: hush.AlertIllegalParameter,
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.ExtraExtensions = []wire.Extension{{Type: 0x7a7a}, {Type: 0x7a7a}}
			}),
		},
		{
			// RFC 8446, Section 4.2.8: "This vector MAY be empty if the
			// client is requesting a HelloRetryRequest." The server must
			// answer with one (Section 4.1.4), not an alert; the row then
			// completes the handshake on the selected group.
			name: "client-hello/empty-key-share-list-gets-hello-retry-request", kind: succeeds,
			script: func(r *raw) {
				r.sendHandshake(r.clientHello(func(ch *wire.ClientHello) {
					ch.SupportedGroups = []uint16{kex.P256, kex.X25519}
					ch.KeyShares = nil
				}))
				r.mustPump("a HelloRetryRequest", func() bool { return r.hrr != nil || r.sh != nil })
				if r.hrr == nil {
					r.t.Fatal("the server answered an empty key_share with a ServerHello, not a HelloRetryRequest")
				}
				r.sendHandshake(r.retryHello(nil))
				r.readServerFlight()
				r.sendFinished(nil)
				closeNotify(r)
			},
			check: func(t *testing.T, r *raw, out hushOutcome) {
				// The server prefers X25519 to P-256.
				if !r.hrr.HasSelectedGroup || r.hrr.SelectedGroup != kex.X25519 || len(r.hrr.Cookie) == 0 {
					t.Errorf("HelloRetryRequest selects group %#04x (present %v), cookie %d bytes; want X25519 and a cookie",
						r.hrr.SelectedGroup, r.hrr.HasSelectedGroup, len(r.hrr.Cookie))
				}
				if !out.state.HelloRetryRequest || out.state.CurveID != hush.X25519 {
					t.Errorf("server state: HelloRetryRequest %v, group %v", out.state.HelloRetryRequest, out.state.CurveID)
				}
			},
		},
		{
			// RFC 8446, Section 4.2.8: "Clients MUST NOT offer any
			// KeyShareEntry values for groups not listed in the client's
			// "supported_groups" extension. Servers MAY check for violations
			// of these rules and abort the handshake with an
			// "illegal_parameter" alert if one is violated."
			name: "client-hello/key-share-group-not-in-supported-groups", want: hush.AlertIllegalParameter,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.SupportedGroups = []uint16{kex.P256} }),
		},
		{
			// RFC 8446, Section 4.2.1: "If the "supported_versions"
			// extension in the ClientHello contains no versions acceptable
			// to the server, the server MUST abort the handshake with a
			// "protocol_version" alert."
			name: "client-hello/only-unknown-versions", want: hush.AlertProtocolVersion,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.SupportedVersions = []uint16{0x0305, 0x7a7a} }),
		},
		{
			// RFC 8446, Section 4.1.2: "If a TLS 1.3 ClientHello is received
			// with any other value in this field, the server MUST abort the
			// handshake with an "illegal_parameter" alert."
			name: "client-hello/compression-method-1", want: hush.AlertIllegalParameter,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.LegacyCompressionMethods = []uint8{1} }),
		},
		{
			name: "client-hello/compression-methods-null-and-1", want: hush.AlertIllegalParameter,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.LegacyCompressionMethods = []uint8{0, 1} }),
		},
		{
			// RFC 8446, Section 9.2: a ClientHello without
			// "signature_algorithms" (and no PSK) MUST be answered with
			// "missing_extension".
			name: "client-hello/missing-signature-algorithms", want: hush.AlertMissingExtension,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.SignatureAlgorithms = nil }),
		},
		{
			// RFC 8446, Section 9.2: "If containing a "supported_groups"
			// extension, it MUST also contain a "key_share" extension, and
			// vice versa. ... Servers receiving a ClientHello which does not
			// conform to these requirements MUST abort the handshake with a
			// "missing_extension" alert."
			name: "client-hello/key-share-without-supported-groups", want: hush.AlertMissingExtension,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.SupportedGroups = nil }),
		},
		{
			name: "client-hello/supported-groups-without-key-share", want: hush.AlertMissingExtension,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.KeyShares, ch.HasKeyShare = nil, false }),
		},
		{
			// RFC 8446, Section 4.2.8: "Clients MUST NOT offer multiple
			// KeyShareEntry values for the same group. ... Servers MAY check
			// for violations of these rules and abort the handshake with an
			// "illegal_parameter" alert if one is violated."
			name: "client-hello/two-shares-for-one-group", want: hush.AlertIllegalParameter,
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.KeyShares = []wire.KeyShare{{Group: kex.X25519}, {Group: kex.X25519}}
			}),
		},
		{
			// RFC 8446, Section 4.1.2: legacy_session_id<0..32>.
			name: "client-hello/session-id-33-bytes", want: hush.AlertDecodeError,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.LegacySessionID = make([]byte, 33) }),
		},
		{
			// RFC 8446, Section 4.1.2: cipher_suites<2..2^16-2>.
			name: "client-hello/empty-cipher-suites", want: hush.AlertDecodeError,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.CipherSuites = []uint16{} }),
		},
		{
			// RFC 8446, Section 4.1.1: "If the server is unable to
			// negotiate a supported set of parameters (i.e., there is no
			// overlap between the client and server parameters), it MUST
			// abort the handshake with either a "handshake_failure" or
			// "insufficient_security" fatal alert".
			name: "client-hello/no-common-cipher-suite", want: hush.AlertHandshakeFailure,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.CipherSuites = []uint16{0x1304} }),
		},
		{
			name: "client-hello/no-common-group", want: hush.AlertHandshakeFailure,
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.SupportedGroups = []uint16{0x0100} // ffdhe2048
				ch.KeyShares = []wire.KeyShare{}
			}),
		},
		{
			// The server's only certificate is ECDSA P-256; the client
			// accepts Ed25519 signatures alone.
			name: "client-hello/no-usable-signature-scheme", want: hush.AlertHandshakeFailure,
			script: sendClientHello(func(ch *wire.ClientHello) { ch.SignatureAlgorithms = []uint16{0x0807} }),
		},
		{
			// RFC 8446, Section 4.2.11: "The "pre_shared_key" extension MUST
			// be the last extension in the ClientHello ... Servers MUST
			// check that it is the last extension and otherwise fail the
			// handshake with an "illegal_parameter" alert."
			name: "client-hello/pre-shared-key-not-last", want: hush.AlertIllegalParameter,
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.PSKModes, ch.HasPSKModes = []uint8{wire.PSKModeDHEKE}, true
				ch.ExtraExtensions = []wire.Extension{pskExtension(), {Type: 0x7a7a}}
			}),
		},
		{
			// RFC 8446, Section 4.2.9: "If clients offer "pre_shared_key"
			// without a "psk_key_exchange_modes" extension, servers MUST
			// abort the handshake." The extension that is missing names the
			// alert (Section 6.2, missing_extension).
			name: "client-hello/pre-shared-key-without-psk-modes", want: hush.AlertMissingExtension,
			bug: "server ignores pre_shared_key without psk_key_exchange_modes (RFC 8446, Section 4.2.9 MUST abort); " +
				"internal/handshake/server13.go serverHello13 never looks at ch.PSKIdentities/ch.HasPSKModes",
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.ExtraExtensions = []wire.Extension{pskExtension()}
			}),
		},

		// The second ClientHello. RFC 8446, Section 4.1.2: after a
		// HelloRetryRequest "the client MUST send the same ClientHello
		// without modification, except as follows" (key_share, early_data,
		// cookie, pre_shared_key, padding); a server that checks, as hush
		// does, rejects the rest as illegal_parameter.
		{
			name: "hello-retry/second-client-hello-changes-cipher-suites", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				toHelloRetry(r)
				r.sendHandshake(r.retryHello(func(ch *wire.ClientHello) {
					ch.CipherSuites = []uint16{hush.TLS_AES_256_GCM_SHA384, hush.TLS_AES_128_GCM_SHA256}
				}))
			},
		},
		{
			name: "hello-retry/second-client-hello-changes-random", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				toHelloRetry(r)
				r.sendHandshake(r.retryHello(func(ch *wire.ClientHello) { ch.Random = make([]byte, 32) }))
			},
		},
		{
			// RFC 8446, Section 4.2.2: "When sending a HelloRetryRequest,
			// the server MAY provide a "cookie" extension to the client ...
			// Clients MUST NOT use cookies in their initial ClientHello in
			// subsequent connections." and the client echoes it in the new
			// ClientHello.
			name: "hello-retry/second-client-hello-without-cookie", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				toHelloRetry(r)
				r.sendHandshake(r.retryHello(func(ch *wire.ClientHello) { ch.Cookie = nil }))
			},
		},
		{
			// RFC 8446, Section 4.2.8: the new ClientHello carries "a list
			// containing a single KeyShareEntry from the indicated group".
			name: "hello-retry/second-client-hello-share-for-other-group", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				toHelloRetry(r)
				r.sendHandshake(r.retryHello(func(ch *wire.ClientHello) {
					ch.KeyShares = []wire.KeyShare{{Group: kex.P256}}
				}))
			},
		},
		{
			name: "hello-retry/finished-instead-of-client-hello", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) {
				toHelloRetry(r)
				r.sendHandshake((&wire.Finished{VerifyData: make([]byte, 32)}).Marshal())
			},
		},

		// Out of order in the client's second flight. RFC 8446, Section 6.2:
		// unexpected_message: "An inappropriate message (e.g., the wrong
		// handshake message, premature Application Data, etc.) was
		// received."
		{
			name: "flight/application-data-before-finished", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("early")))
			},
		},
		{
			name: "flight/key-update-before-finished", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.sendHandshake((&wire.KeyUpdate{}).Marshal())
			},
		},
		{
			name: "flight/end-of-early-data-without-early-data", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.sendHandshake(wire.MarshalEndOfEarlyData())
			},
		},
		{
			name: "flight/certificate-not-requested", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.chain = testutil.NewChain(r.t, testutil.ECDSAP256)
				r.sendHandshake(r.clientAuthFlight(nil))
			},
		},

		// Client authentication.
		{
			name: "client-auth/control", kind: succeeds, config: requireClientCert,
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(nil))
				r.setWrite(r.ownApp)
				closeNotify(r)
			},
			check: func(t *testing.T, r *raw, out hushOutcome) {
				if len(out.state.PeerCertificates) != 2 {
					t.Errorf("server saw %d client certificates, want 2", len(out.state.PeerCertificates))
				}
			},
		},
		{
			// RFC 8446, Section 4.4.2.4: "If the client does not send any
			// certificates (i.e., it sends an empty Certificate message),
			// the server MAY at its discretion either continue the
			// handshake without client authentication, or abort the
			// handshake with a "certificate_required" alert."
			name: "client-auth/empty-certificate-when-required", want: hush.AlertCertificateRequired, prot: protectedAlert,
			config: requireClientCert,
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(func(typ wire.HandshakeType, m []byte) []byte {
					switch typ {
					case wire.TypeCertificate:
						return (&wire.Certificate13{}).Marshal()
					case wire.TypeCertificateVerify:
						return nil
					}
					return m
				}))
			},
		},
		{
			// RFC 8446, Section 4.4.3: "If the verification fails, the
			// receiver MUST terminate the handshake with a "decrypt_error"
			// alert."
			name: "client-auth/flipped-bit-in-certificate-verify", want: hush.AlertDecryptError, prot: protectedAlert,
			config: requireClientCert,
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(replace(wire.TypeCertificateVerify, func(m []byte) []byte {
					m[len(m)-1] ^= 1
					return m
				})))
			},
		},
		{
			// RFC 8446, Section 4.4.3: "RSASSA-PKCS1-v1_5 algorithms refer
			// solely to signatures which appear in certificates ... and are
			// not defined for use in signed TLS handshake messages", and the
			// scheme must be one the CertificateRequest offered.
			name: "client-auth/certificate-verify-with-pkcs1", want: hush.AlertIllegalParameter, prot: protectedAlert,
			config: requireClientCert,
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(replace(wire.TypeCertificateVerify, func(m []byte) []byte {
					m[wire.HeaderLen], m[wire.HeaderLen+1] = 0x04, 0x01
					return m
				})))
			},
		},
		{
			// RFC 8446, Section 6.2: unknown_ca: "A valid certificate chain
			// or partial chain was received, but the certificate was not
			// accepted because the CA certificate could not be located or
			// could not be matched with a known trust anchor."
			name: "client-auth/unknown-ca", want: hush.AlertUnknownCA, prot: protectedAlert,
			config: func(t *testing.T, c *hush.Config) {
				c.ClientAuth = hush.RequireAndVerifyClientCert
				c.ClientCAs = testutil.NewChain(t, testutil.ECDSAP256, "other-root.example").RootPool
			},
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(nil))
			},
		},

		// After the handshake.
		{
			// RFC 8446, Section 4.1.2: "Because TLS 1.3 forbids
			// renegotiation, if a server has negotiated TLS 1.3 and receives
			// a ClientHello at any other time, it MUST terminate the
			// connection with an "unexpected_message" alert."
			name: "post-handshake/client-hello", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake(r.clientHello(nil))
			},
		},
		{
			// RFC 8446, Section 4.6.3: "If an implementation receives any
			// other value, it MUST terminate the connection with an
			// "illegal_parameter" alert."
			name: "post-handshake/key-update-request-2", want: hush.AlertIllegalParameter, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake([]byte{byte(wire.TypeKeyUpdate), 0, 0, 1, 2})
			},
		},
		{
			name: "post-handshake/key-update-two-byte-body", want: hush.AlertDecodeError, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake([]byte{byte(wire.TypeKeyUpdate), 0, 0, 2, 0, 0})
			},
		},
		{
			name: "post-handshake/new-session-ticket-from-client", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake((&wire.NewSessionTicket13{Lifetime: 60, Nonce: []byte{0}, Ticket: []byte("t")}).Marshal())
			},
		},
		{
			// RFC 8446, Section 5.2: after a KeyUpdate the old key is gone.
			name: "post-handshake/data-under-old-key-after-key-update", want: hush.AlertBadRecordMAC, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake((&wire.KeyUpdate{}).Marshal())
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("stale")))
			},
		},

		// Key shares. RFC 8446, Section 4.2.8.2: "Peers MUST validate each
		// other's public key Y by ensuring that 1 < Y < p-1" for the NIST
		// curves (the point must be on the curve and uncompressed), and
		// Section 7.4.2: X25519 peers "MUST check whether the computed
		// Diffie-Hellman shared secret is the all-zero value and abort".
		// hush's kex reports every invalid share as illegal_parameter.
		{
			name: "key-share/p256-point-off-curve", want: hush.AlertIllegalParameter,
			script: sendClientHello(onlyShare(kex.P256, p256OffCurve())),
		},
		{
			name: "key-share/p256-compressed-point", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				pub := mustKey(r.t, kex.P256).PublicKey()
				compressed := append([]byte{2 + pub[64]&1}, pub[1:33]...)
				r.sendHandshake(r.clientHello(onlyShare(kex.P256, compressed)))
			},
		},
		{
			name: "key-share/x25519-31-bytes", want: hush.AlertIllegalParameter,
			script: sendClientHello(onlyShare(kex.X25519, make([]byte, 31))),
		},
		{
			name: "key-share/x25519-low-order-point", want: hush.AlertIllegalParameter,
			script: sendClientHello(onlyShare(kex.X25519, make([]byte, 32))),
		},
		{
			name: "key-share/x25519mlkem768-one-byte-short", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				pub := mustKey(r.t, kex.X25519MLKEM768).PublicKey()
				r.sendHandshake(r.clientHello(onlyShare(kex.X25519MLKEM768, pub[:len(pub)-1])))
			},
		},
		{
			name: "key-share/x25519mlkem768-one-byte-long", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				pub := mustKey(r.t, kex.X25519MLKEM768).PublicKey()
				r.sendHandshake(r.clientHello(onlyShare(kex.X25519MLKEM768, append(pub, 0))))
			},
		},

		// Record types out of place.
		{
			// RFC 8446, Section 5.1: "Handshake messages MUST NOT be
			// interleaved with other record types."
			name: "interleave/key-update-fragment-then-application-data", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				ku := (&wire.KeyUpdate{}).Marshal()
				r.writeRaw(r.seal(record.TypeHandshake, ku[:2]))
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("x")))
			},
		},
		{
			name: "interleave/finished-fragment-then-application-data", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				fin := r.finished()
				r.writeRaw(r.seal(record.TypeHandshake, fin[:10]))
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("x")))
			},
		},
		{
			// RFC 8446, Section 5: a change_cipher_spec is dropped only
			// "before the peer's Finished message has been received";
			// "An implementation which receives any other change_cipher_spec
			// value or which receives a protected change_cipher_spec record
			// MUST abort the handshake with an "unexpected_message" alert."
			// and after the handshake it is an unexpected record type.
			name: "ccs/after-handshake", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) { r.handshake(); r.sendCCS() },
		},
		{
			name: "ccs/value-2-during-handshake", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(plain(record.TypeChangeCipherSpec, []byte{2}))
			},
		},
		{
			name: "ccs/two-bytes-during-handshake", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(plain(record.TypeChangeCipherSpec, []byte{1, 1}))
			},
		},
		{
			name: "ccs/protected-during-handshake", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(r.seal(record.TypeChangeCipherSpec, []byte{1}))
			},
		},
		{
			name: "ccs/before-client-hello", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) { r.sendCCS() },
		},
		{
			// RFC 8446, Section 5.2: once keys are in use every record is
			// protected and carries the outer type application_data; a
			// plaintext handshake record is an unexpected record
			// (Section 5).
			name: "unprotected-handshake-record-after-keys", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(plain(record.TypeHandshake, r.finished()))
			},
		},

		{
			// RFC 8446, Section 5.1: "if a handshake message is split over
			// two or more records, there MUST NOT be any other records
			// between them." A change_cipher_spec is no exception.
			name: "interleave/change-cipher-spec-inside-finished", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				fin := r.finished()
				r.transcript.Write(fin)
				r.writeRaw(r.seal(record.TypeHandshake, fin[:10]))
				r.sendCCS()
				r.writeRaw(r.seal(record.TypeHandshake, fin[10:]))
			},
		},
		{
			// The KeyUpdate precedes a key change: RFC 8446, Section 5.1,
			// as for the ClientHello above.
			name: "key-change/bytes-after-key-update", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				r.sendHandshake(append((&wire.KeyUpdate{}).Marshal(), byte(wire.TypeKeyUpdate), 0))
			},
		},
		{
			// Fragmenting a KeyUpdate is allowed as long as its last byte
			// ends a record.
			name: "control/key-update-in-two-records", kind: succeeds,
			script: func(r *raw) {
				r.handshake()
				ku := (&wire.KeyUpdate{}).Marshal()
				r.writeRaw(r.seal(record.TypeHandshake, ku[:3]))
				r.writeRaw(r.seal(record.TypeHandshake, ku[3:]))
				r.ownApp = keyschedule.NextTrafficSecret(r.suite.Hash, r.ownApp)
				r.setWrite(r.ownApp)
				closeNotify(r)
			},
		},
		{
			// hush's own bound (posthandshake.go): at most 32 KeyUpdates
			// without application data between them, so that a peer cannot
			// keep it rekeying forever. RFC 8446 names no alert for this;
			// unexpected_message is the nearest.
			name: "post-handshake/key-update-flood", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.handshake()
				for i := 0; i < 33; i++ {
					r.sendHandshake((&wire.KeyUpdate{}).Marshal())
					r.ownApp = keyschedule.NextTrafficSecret(r.suite.Hash, r.ownApp)
					r.setWrite(r.ownApp)
				}
			},
		},
		{
			// RFC 8446, Section 6.2: unexpected_message for "the wrong
			// handshake message"; type 99 is no handshake message at all.
			name: "handshake-type/99-first", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) { r.writeRaw(plain(record.TypeHandshake, []byte{99, 0, 0, 0})) },
		},
		{
			// hush bounds a handshake message at 64 KiB and refuses the
			// declared length before buffering anything. RFC 8446 names no
			// alert; decode_error is the one for "the length of the message
			// was incorrect" (Section 6.2).
			name: "oversized/handshake-message-declared-2^24-1", want: hush.AlertDecodeError,
			script: func(r *raw) {
				r.writeRaw(plain(record.TypeHandshake, []byte{byte(wire.TypeClientHello), 0xff, 0xff, 0xff, 3, 3}))
			},
		},
		{
			// RFC 8446, Section 4.2.1: without supported_versions the
			// server "MUST negotiate TLS 1.2 or prior"; hush has nothing
			// below TLS 1.2, so SSL 3.0 is a protocol_version.
			name: "client-hello/ssl3-without-supported-versions", want: hush.AlertProtocolVersion,
			script: sendClientHello(func(ch *wire.ClientHello) {
				ch.LegacyVersion, ch.SupportedVersions = 0x0300, nil
			}),
		},
		{
			name: "client-hello/tls12-to-tls13-only-server", want: hush.AlertProtocolVersion,
			config: func(t *testing.T, c *hush.Config) { c.MinVersion = hush.VersionTLS13 },
			script: sendClientHello(func(ch *wire.ClientHello) { ch.SupportedVersions = nil }),
		},
		{
			// RFC 8446, Section 4.4.2: in response to a CertificateRequest
			// the context is "the value of certificate_request_context in
			// that message" (empty during the handshake).
			name: "client-auth/certificate-with-request-context", want: hush.AlertIllegalParameter, prot: protectedAlert,
			config: requireClientCert,
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(replace(wire.TypeCertificate, func(m []byte) []byte {
					cm, err := wire.ParseCertificate13(m)
					if err != nil {
						r.t.Fatal(err)
					}
					cm.CertificateRequestContext = []byte{7}
					return cm.Marshal()
				})))
			},
		},
		{
			// RFC 8446, Section 4.4.3: CertificateVerify is "omitted" when
			// the Certificate is empty; one that comes anyway is the wrong
			// message.
			name: "client-auth/certificate-verify-after-empty-certificate", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			config: func(t *testing.T, c *hush.Config) { c.ClientAuth = hush.RequestClientCert },
			script: func(r *raw) {
				toClientAuth(r)
				r.sendHandshake(r.clientAuthFlight(replace(wire.TypeCertificate, func([]byte) []byte {
					return (&wire.Certificate13{}).Marshal()
				})))
			},
		},

		{
			// A stream that ends mid-handshake: no alert can reach anyone,
			// and hush must not hang or call it a clean EOF.
			name: "truncation/eof-after-client-hello", kind: truncated,
			script: func(r *raw) {
				afterServerFlight(r)
				r.closeWrite()
			},
		},
		{
			name: "truncation/eof-inside-a-record", kind: truncated,
			script: func(r *raw) {
				ch := plain(record.TypeHandshake, r.clientHello(nil))
				r.writeRaw(ch[:len(ch)-5])
				r.closeWrite()
			},
		},
		{
			// RFC 8446, Section 4.1.3: "TLS 1.3 servers which negotiate TLS
			// 1.2 or below in response to a ClientHello MUST set the last 8
			// bytes of their Random value specially". Checked on the
			// ServerHello; the raw client then walks away.
			name: "downgrade/tls12-server-hello-carries-sentinel", kind: truncated,
			script: func(r *raw) {
				r.sendHandshake(r.clientHello(func(ch *wire.ClientHello) {
					ch.SupportedVersions = nil
					ch.CipherSuites = []uint16{hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
					// P-256 for the certificate's curve (RFC 8422, Section 5.1).
					ch.SupportedGroups = []uint16{kex.X25519, kex.P256}
					ch.SupportedPoints = []uint8{0}
					ch.ExtendedMasterSecret = true
					ch.SecureRenegotiationSupported = true
					ch.SignatureAlgorithms = []uint16{0x0403}
					ch.KeyShares, ch.HasKeyShare = nil, false
				}))
				var sh *wire.ServerHello
				r.mustPump("a TLS 1.2 ServerHello", func() bool {
					for _, m := range r.msgs {
						if wire.HandshakeType(m[0]) == wire.TypeServerHello {
							var err error
							if sh, err = wire.ParseServerHello(m); err != nil {
								r.t.Fatal(err)
							}
							return true
						}
					}
					return false
				})
				if sh.SupportedVersion != 0 || sh.LegacyVersion != wire.VersionTLS12 {
					r.t.Fatalf("server answered with version %#04x / supported_versions %#04x, want TLS 1.2", sh.LegacyVersion, sh.SupportedVersion)
				}
				if !bytes.Equal(sh.Random[24:], []byte("DOWNGRD\x01")) {
					r.t.Errorf("TLS 1.2 ServerHello random ends in %x, want the DOWNGRD\\x01 sentinel", sh.Random[24:])
				}
				r.closeWrite()
			},
		},

		// Alerts received.
		{
			// RFC 8446, Section 6: "Unknown Alert types MUST be treated as
			// error alerts."
			name: "alert/unknown-code-fatal-before-client-hello", want: hush.Alert(200), kind: receivesAlert,
			script: func(r *raw) { r.writeRaw(plain(record.TypeAlert, []byte{2, 200})) },
		},
		{
			name: "alert/unknown-code-warning-before-client-hello", want: hush.Alert(200), kind: receivesAlert,
			script: func(r *raw) { r.writeRaw(plain(record.TypeAlert, []byte{1, 200})) },
		},
		{
			name: "alert/unknown-code-warning-protected", want: hush.Alert(201), kind: receivesAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(r.seal(record.TypeAlert, []byte{1, 201}))
			},
		},
		{
			// RFC 8446, Section 5.1: "a record with an Alert type MUST
			// contain exactly one message."
			name: "alert/three-bytes", want: hush.AlertDecodeError,
			script: func(r *raw) { r.writeRaw(plain(record.TypeAlert, []byte{2, 40, 0})) },
		},

		// Zero-length handshake records. RFC 8446, Section 5.1:
		// "Implementations MUST NOT send zero-length fragments of Handshake
		// types, even if those fragments contain padding."
		{
			name: "zero-length/handshake-record", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) { r.writeRaw(plain(record.TypeHandshake, nil)) },
		},
		{
			name: "zero-length/protected-handshake-record", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				afterServerFlight(r)
				r.writeRaw(r.sealInner([]byte{record.TypeHandshake, 0, 0}))
			},
		},
	}
}

// ---- the client under attack ----

// toFlight sends the ServerHello and the server flight, mutated.
func toFlight(mutate func(wire.HandshakeType, []byte) []byte) func(*raw) {
	return func(r *raw) {
		r.readClientHello(1)
		r.sendServerHello(nil)
		r.sendHandshake(r.serverFlight(mutate))
		r.afterServerFlight()
	}
}

// serverHello answers the ClientHello with a mutated ServerHello.
func serverHello(mutate func(*wire.ServerHello)) func(*raw) {
	return func(r *raw) {
		r.readClientHello(1)
		r.sendServerHello(mutate)
	}
}

// clientDone completes a correct handshake with the hush client: it is now
// reading under the server application key.
func clientDone(r *raw) {
	r.t.Helper()
	toFlight(nil)(r)
	r.mustPump("the client Finished", func() bool { return r.peerFinished })
}

// toSecondClientHello answers the ClientHello with a HelloRetryRequest for
// P-256 and reads the second ClientHello.
func toSecondClientHello(r *raw) {
	r.t.Helper()
	r.readClientHello(1)
	r.sendHelloRetryRequest(kex.P256, nil)
	r.readClientHello(2)
}

func hostileClientRows() []hostileRow {
	return []hostileRow{
		{
			name: "control/valid-handshake", kind: succeeds,
			script: func(r *raw) {
				toFlight(nil)(r)
				r.mustPump("the client Finished", func() bool { return r.peerFinished })
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("hello")))
				closeNotify(r)
			},
			check: func(t *testing.T, r *raw, out hushOutcome) {
				if out.state.CipherSuite != hush.TLS_AES_128_GCM_SHA256 || len(out.state.PeerCertificates) != 2 {
					t.Errorf("client state: suite %#04x, %d certificates", out.state.CipherSuite, len(out.state.PeerCertificates))
				}
			},
		},
		{
			// RFC 8446, Section 4.1.3: "A client which receives a cipher
			// suite that was not offered MUST abort the handshake with an
			// "illegal_parameter" alert."
			name: "server-hello/suite-not-offered", want: hush.AlertIllegalParameter,
			script: serverHello(func(sh *wire.ServerHello) { sh.CipherSuite = hush.TLS_AES_256_GCM_SHA384 }),
		},
		{
			// RFC 8446, Section 4.2.8: "This value MUST be in the same group
			// as the KeyShareEntry value offered by the client that the
			// server has selected for the negotiated key exchange." The
			// client supports P-256 but sent no share for it.
			name: "server-hello/key-share-for-group-without-client-share", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				pub := mustKey(r.t, kex.P256).PublicKey()
				serverHello(func(sh *wire.ServerHello) { sh.ServerShare = wire.KeyShare{Group: kex.P256, KeyExchange: pub} })(r)
			},
		},
		{
			name: "server-hello/key-share-for-group-not-supported", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				pub := mustKey(r.t, kex.P521).PublicKey()
				serverHello(func(sh *wire.ServerHello) { sh.ServerShare = wire.KeyShare{Group: kex.P521, KeyExchange: pub} })(r)
			},
		},
		{
			// RFC 8446, Section 4.1.3: "A client which receives a
			// legacy_session_id_echo field that does not match what it sent
			// in the ClientHello MUST abort the handshake with an
			// "illegal_parameter" alert."
			name: "server-hello/session-id-echo-mismatch", want: hush.AlertIllegalParameter,
			script: serverHello(func(sh *wire.ServerHello) {
				sh.LegacySessionIDEcho = bytes.Clone(sh.LegacySessionIDEcho)
				sh.LegacySessionIDEcho[0] ^= 1
			}),
		},
		{
			name: "server-hello/session-id-echo-empty", want: hush.AlertIllegalParameter,
			script: serverHello(func(sh *wire.ServerHello) { sh.LegacySessionIDEcho = nil }),
		},
		{
			// RFC 8446, Section 4.1.4: "Clients MUST abort the handshake
			// with an "illegal_parameter" alert if the HelloRetryRequest
			// would not result in any change in the ClientHello."
			name: "hello-retry-request/changes-nothing", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendHelloRetryRequest(0, func(h *wire.ServerHello) { h.HasSelectedGroup, h.Cookie = false, nil })
			},
		},
		{
			// RFC 8446, Section 4.2.8: "Clients MUST verify that ... the
			// selected_group field does not correspond to a group which was
			// provided in the "key_share" extension in the original
			// ClientHello. If either of these checks fails, then the client
			// MUST abort the handshake with an "illegal_parameter" alert."
			name: "hello-retry-request/selects-group-already-shared", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendHelloRetryRequest(kex.X25519, func(h *wire.ServerHello) { h.Cookie = nil })
			},
		},
		{
			// RFC 8446, Section 4.1.4: "If a client receives a second
			// HelloRetryRequest in the same connection (i.e., where the
			// ClientHello was itself in response to a HelloRetryRequest), it
			// MUST abort the handshake with an "unexpected_message" alert."
			name: "hello-retry-request/second", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendHelloRetryRequest(kex.P256, nil)
				r.readClientHello(2)
				if len(r.ch.KeyShares) != 1 || r.ch.KeyShares[0].Group != kex.P256 || !bytes.Equal(r.ch.Cookie, r.hrr.Cookie) {
					r.t.Errorf("ClientHello2 shares %v, cookie %q: want one P-256 share and the cookie", r.ch.KeyShares, r.ch.Cookie)
				}
				r.sendHelloRetryRequest(kex.P384, nil)
			},
		},
		{
			// RFC 8446, Section 4.4.4: "Recipients of Finished messages MUST
			// verify that the contents are correct and if incorrect MUST
			// terminate the connection with a "decrypt_error" alert."
			name: "server-finished/flipped-bit-in-verify-data", want: hush.AlertDecryptError, prot: protectedAlert,
			script: toFlight(func(typ wire.HandshakeType, m []byte) []byte {
				if typ == wire.TypeFinished {
					m[wire.HeaderLen] ^= 1
				}
				return m
			}),
		},
		{
			name: "server-finished/verify-data-31-bytes", want: hush.AlertDecodeError, prot: protectedAlert,
			script: toFlight(func(typ wire.HandshakeType, m []byte) []byte {
				if typ == wire.TypeFinished {
					return finishedOfLength(31)(m)
				}
				return m
			}),
		},
		{
			// RFC 8446, Section 4.4.3: "If the verification fails, the
			// receiver MUST terminate the handshake with a "decrypt_error"
			// alert."
			name: "certificate-verify/flipped-bit-in-signature", want: hush.AlertDecryptError, prot: protectedAlert,
			script: toFlight(func(typ wire.HandshakeType, m []byte) []byte {
				if typ == wire.TypeCertificateVerify {
					m[len(m)-1] ^= 1
				}
				return m
			}),
		},
		{
			// RFC 8446, Section 4.4.2.4: "If the server supplies an empty
			// Certificate message, the client MUST abort the handshake with
			// a "decode_error" alert."
			name: "certificate/empty", want: hush.AlertDecodeError, prot: protectedAlert,
			script: toFlight(func(typ wire.HandshakeType, m []byte) []byte {
				if typ == wire.TypeCertificate {
					return (&wire.Certificate13{}).Marshal()
				}
				return m
			}),
		},
		{
			name: "control/hello-retry-request", kind: succeeds,
			script: func(r *raw) {
				toSecondClientHello(r)
				r.sendServerHello(nil)
				r.sendHandshake(r.serverFlight(nil))
				r.afterServerFlight()
				r.mustPump("the client Finished", func() bool { return r.peerFinished })
				closeNotify(r)
			},
			check: func(t *testing.T, r *raw, out hushOutcome) {
				if !out.state.HelloRetryRequest || out.state.CurveID != hush.CurveP256 {
					t.Errorf("client state: HelloRetryRequest %v, group %v", out.state.HelloRetryRequest, out.state.CurveID)
				}
			},
		},
		{
			// RFC 8446, Section 2: the server "can also send application
			// data" right after its Finished, before the client's arrives
			// (0.5-RTT data).
			name: "control/half-rtt-data", kind: succeeds,
			script: func(r *raw) {
				toFlight(nil)(r)
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("half-rtt")))
				r.mustPump("the client Finished", func() bool { return r.peerFinished })
				closeNotify(r)
			},
		},
		{
			// RFC 8446, Section 4.1.3: "If the "supported_versions"
			// extension in the ServerHello contains a version not offered by
			// the client or contains a version prior to TLS 1.3, the client
			// MUST abort the handshake with an "illegal_parameter" alert."
			name: "server-hello/supported-versions-tls12", want: hush.AlertIllegalParameter,
			script: serverHello(func(sh *wire.ServerHello) { sh.SupportedVersion = wire.VersionTLS12 }),
		},
		{
			// RFC 8446, Section 6.2: protocol_version: "The protocol
			// version the peer has attempted to negotiate is recognized but
			// not supported"; the client allows TLS 1.3 only.
			name: "server-hello/tls12-to-tls13-only-client", want: hush.AlertProtocolVersion,
			script: serverHello(func(sh *wire.ServerHello) { sh.SupportedVersion, sh.HasServerShare = 0, false }),
		},
		{
			// RFC 8446, Section 4.1.4: "Upon receiving the ServerHello,
			// clients MUST check that the cipher suite supplied in the
			// ServerHello is the same as that in the HelloRetryRequest and
			// otherwise abort the handshake with an "illegal_parameter"
			// alert."
			name: "server-hello/suite-differs-from-hello-retry-request", want: hush.AlertIllegalParameter,
			config: func(t *testing.T, c *hush.Config) {
				c.CipherSuites = []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_AES_256_GCM_SHA384}
			},
			script: func(r *raw) {
				toSecondClientHello(r)
				r.sendServerHello(func(sh *wire.ServerHello) { sh.CipherSuite = hush.TLS_AES_256_GCM_SHA384 })
			},
		},
		{
			// RFC 8446, Section 4.2.8: the server's share "MUST be in the
			// same group as the KeyShareEntry value offered by the client";
			// after the retry that is the P-256 share alone.
			name: "server-hello/share-for-other-group-than-hello-retry-request", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				toSecondClientHello(r)
				pub := mustKey(r.t, kex.X25519).PublicKey()
				r.sendServerHello(func(sh *wire.ServerHello) { sh.ServerShare = wire.KeyShare{Group: kex.X25519, KeyExchange: pub} })
			},
		},
		{
			// RFC 8446, Section 4.2.8: "Clients MUST verify that the
			// selected_group field corresponds to a group which was provided
			// in the "supported_groups" extension in the original
			// ClientHello".
			name: "hello-retry-request/selects-group-not-supported", want: hush.AlertIllegalParameter,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendHelloRetryRequest(kex.P521, nil)
			},
		},
		{
			// RFC 8446, Section 4.2: "If an implementation receives an
			// extension which it recognizes and which is not specified for
			// the message in which it appears, it MUST abort the handshake
			// with an "illegal_parameter" alert."
			name: "encrypted-extensions/key-share", want: hush.AlertIllegalParameter, prot: protectedAlert,
			script: toFlight(replace(wire.TypeEncryptedExtensions, func([]byte) []byte {
				return (&wire.EncryptedExtensions{ExtraExtensions: []wire.Extension{{Type: wire.ExtKeyShare, Data: []byte{0, 0x1d}}}}).Marshal()
			})),
		},
		{
			// RFC 8446, Section 4.2: "Upon receiving such an extension [a
			// response the client did not request], an endpoint MUST abort
			// the handshake with an "unsupported_extension" alert."
			name: "encrypted-extensions/unsolicited-alpn", want: hush.AlertUnsupportedExtension, prot: protectedAlert,
			script: toFlight(replace(wire.TypeEncryptedExtensions, func([]byte) []byte {
				return (&wire.EncryptedExtensions{ALPNProtocol: "h2", HasALPN: true}).Marshal()
			})),
		},
		{
			// RFC 8446, Section 4.4.2: "in the case of server
			// authentication, this field SHALL be zero length."
			name: "certificate/non-empty-request-context", want: hush.AlertIllegalParameter, prot: protectedAlert,
			script: toFlight(func(typ wire.HandshakeType, m []byte) []byte {
				if typ != wire.TypeCertificate {
					return m
				}
				cm, err := wire.ParseCertificate13(m)
				if err != nil {
					return m // cannot happen; the row would then fail on the wire
				}
				cm.CertificateRequestContext = []byte{1}
				return cm.Marshal()
			}),
		},
		{
			// RFC 8446, Section 6.2: unknown_ca.
			name: "certificate/unknown-ca", want: hush.AlertUnknownCA, prot: protectedAlert,
			config: func(t *testing.T, c *hush.Config) {
				c.RootCAs = testutil.NewChain(t, testutil.ECDSAP256, "other-root.example").RootPool
			},
			script: toFlight(nil),
		},
		{
			// RFC 8446, Section 4.4.3: the server's scheme "MUST be one
			// offered in the client's "signature_algorithms" extension" and
			// RSASSA-PKCS1-v1_5 is "not defined for use in signed TLS
			// handshake messages".
			name: "certificate-verify/pkcs1-scheme", want: hush.AlertIllegalParameter, prot: protectedAlert,
			script: toFlight(replace(wire.TypeCertificateVerify, func(m []byte) []byte {
				m[wire.HeaderLen], m[wire.HeaderLen+1] = 0x04, 0x01
				return m
			})),
		},
		{
			// RFC 8446, Section 2: a server that does not use a PSK always
			// authenticates with Certificate and CertificateVerify; a
			// Finished in their place is the wrong message (Section 6.2,
			// unexpected_message).
			name: "server-flight/finished-without-certificate", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: toFlight(func(typ wire.HandshakeType, m []byte) []byte {
				if typ == wire.TypeCertificate || typ == wire.TypeCertificateVerify {
					return nil
				}
				return m
			}),
		},
		{
			name: "server-flight/new-session-ticket-instead-of-encrypted-extensions", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: toFlight(replace(wire.TypeEncryptedExtensions, func([]byte) []byte {
				return (&wire.NewSessionTicket13{Lifetime: 60, Nonce: []byte{0}, Ticket: []byte("t")}).Marshal()
			})),
		},
		{
			// RFC 8446, Section 4.2.2: opaque cookie<1..2^16-1>.
			name: "hello-retry-request/empty-cookie", want: hush.AlertDecodeError,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendHelloRetryRequest(kex.P256, func(h *wire.ServerHello) { h.Cookie = []byte{} })
			},
		},
		{
			// RFC 8446, Section 4.1.3: legacy_compression_method "MUST have
			// the value 0"; the field is well formed, its value is not.
			name: "server-hello/compression-method-1", want: hush.AlertIllegalParameter,
			script: serverHello(func(sh *wire.ServerHello) { sh.LegacyCompressionMethod = 1 }),
		},
		{
			// RFC 8446, Section 4.2: "Implementations MUST NOT send
			// extension responses if the remote endpoint did not send the
			// corresponding extension requests ... Upon receiving such an
			// extension, an endpoint MUST abort the handshake with an
			// "unsupported_extension" alert."
			name: "server-hello/unsolicited-extension", want: hush.AlertUnsupportedExtension,
			script: serverHello(func(sh *wire.ServerHello) { sh.ExtraExtensions = []wire.Extension{{Type: 0x7a7a}} }),
		},
		{
			// RFC 8446, Section 4.3.2: certificate_request_context "SHALL be
			// zero length unless used for the post-handshake authentication
			// exchanges".
			name: "certificate-request/non-empty-context-in-handshake", want: hush.AlertIllegalParameter, prot: protectedAlert,
			script: toFlight(replace(wire.TypeEncryptedExtensions, func(ee []byte) []byte {
				cr := &wire.CertificateRequest13{CertificateRequestContext: []byte{1}, SignatureAlgorithms: []uint16{0x0403}}
				return append(ee, cr.Marshal()...)
			})),
		},
		{
			// RFC 8446, Section 4.3.2: "The "signature_algorithms" extension
			// MUST be specified"; RFC 8446, Section 6.2, missing_extension.
			name: "certificate-request/without-signature-algorithms", want: hush.AlertMissingExtension, prot: protectedAlert,
			script: toFlight(replace(wire.TypeEncryptedExtensions, func(ee []byte) []byte {
				cr := []byte{byte(wire.TypeCertificateRequest), 0, 0, 3, 0, 0, 0} // empty context, no extensions
				return append(ee, cr...)
			})),
		},
		{
			// RFC 8446, Section 6.2: certificate_expired: "A certificate has
			// expired or is not currently valid."
			name: "certificate/expired", want: hush.AlertCertificateExpired, prot: protectedAlert,
			config: func(t *testing.T, c *hush.Config) {
				c.Time = func() time.Time { return time.Now().Add(30 * 24 * time.Hour) }
			},
			script: toFlight(nil),
		},
		{
			name: "server-flight/two-certificates", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: toFlight(replace(wire.TypeCertificate, func(m []byte) []byte { return append(bytes.Clone(m), m...) })),
		},
		{
			// RFC 8446, Section 4.1.3: "TLS 1.3 clients receiving a
			// ServerHello indicating TLS 1.2 or below MUST check that the
			// last 8 bytes are not equal to either of these values. ... If a
			// match is found, the client MUST abort the handshake with an
			// "illegal_parameter" alert."
			name: "server-hello/tls12-with-downgrade-sentinel", want: hush.AlertIllegalParameter,
			config: func(t *testing.T, c *hush.Config) {
				c.MinVersion = hush.VersionTLS12
				c.CipherSuites = []uint16{hush.TLS_AES_128_GCM_SHA256, hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
			},
			script: serverHello(func(sh *wire.ServerHello) {
				sh.SupportedVersion, sh.HasServerShare = 0, false
				sh.LegacySessionIDEcho = nil
				sh.CipherSuite = hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
				sh.ExtendedMasterSecret, sh.SecureRenegotiationSupported = true, true
				copy(sh.Random[24:], "DOWNGRD\x01")
			}),
		},
		{
			// The ServerHello precedes a key change: RFC 8446, Section 5.1
			// "Handshake messages MUST NOT span key changes ... they MUST
			// terminate the connection with an "unexpected_message" alert."
			name: "key-change/encrypted-extensions-in-server-hello-record", want: hush.AlertUnexpectedMessage, prot: anyProtection,
			script: func(r *raw) {
				r.readClientHello(1)
				r.shTrailer = (&wire.EncryptedExtensions{}).Marshal()
				r.sendServerHello(nil)
			},
		},
		{
			// So does the server Finished (the server application key).
			name: "key-change/new-session-ticket-in-server-finished-record", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: toFlight(replace(wire.TypeFinished, func(m []byte) []byte {
				return append(m, (&wire.NewSessionTicket13{Lifetime: 60, Nonce: []byte{0}, Ticket: []byte("t")}).Marshal()...)
			})),
			check: func(t *testing.T, r *raw, out hushOutcome) {
				// An aborted handshake sends no more handshake messages:
				// the client's Finished would tell the server the handshake
				// succeeded.
				for _, m := range r.msgs[1:] {
					t.Errorf("hush client sent handshake message type %d before its alert", m[0])
				}
			},
		},
		{
			name: "oversized/plaintext-server-hello-2^14+1", want: hush.AlertRecordOverflow,
			script: func(r *raw) {
				r.readClientHello(1)
				r.writeRaw(plain(record.TypeHandshake, make([]byte, 1<<14+1)))
			},
		},
		{
			name: "content-type/99-from-server", want: hush.AlertUnexpectedMessage,
			script: func(r *raw) {
				r.readClientHello(1)
				r.writeRaw(plain(99, []byte{0}))
			},
		},
		{
			name: "flight/application-data-before-server-finished", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendServerHello(nil)
				r.writeRaw(r.seal(record.TypeApplicationData, []byte("early")))
			},
		},
		{
			name: "ccs/value-2-from-server", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendServerHello(nil)
				r.writeRaw(plain(record.TypeChangeCipherSpec, []byte{2}))
			},
		},
		{
			name: "truncation/eof-after-server-hello", kind: truncated,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendServerHello(nil)
				r.closeWrite()
			},
		},
		{
			name: "post-handshake/truncated-new-session-ticket", want: hush.AlertDecodeError, prot: protectedAlert,
			script: func(r *raw) {
				clientDone(r)
				nst := (&wire.NewSessionTicket13{Lifetime: 60, Nonce: []byte{0}, Ticket: []byte("ticket")}).Marshal()
				nst = nst[:len(nst)-3]
				nst[3] -= 3 // consistent framing, short body
				r.sendHandshake(nst)
			},
		},
		{
			// RFC 8446, Section 4.6.2: "A client that receives a
			// CertificateRequest message without having sent the
			// "post_handshake_auth" extension MUST send an
			// "unexpected_message" fatal alert."
			name: "post-handshake/certificate-request-without-post-handshake-auth", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				clientDone(r)
				r.sendHandshake((&wire.CertificateRequest13{CertificateRequestContext: []byte{1}, SignatureAlgorithms: []uint16{0x0403}}).Marshal())
			},
		},
		{
			name: "post-handshake/server-hello", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				clientDone(r)
				sh := &wire.ServerHello{LegacyVersion: wire.VersionTLS12, Random: make([]byte, 32), CipherSuite: hush.TLS_AES_128_GCM_SHA256, SupportedVersion: wire.VersionTLS13}
				r.sendHandshake(sh.Marshal())
			},
		},
		{
			name: "post-handshake/change-cipher-spec", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) { clientDone(r); r.sendCCS() },
		},
		{
			name: "post-handshake/oversized-protected-record", want: hush.AlertRecordOverflow, prot: protectedAlert,
			script: func(r *raw) {
				clientDone(r)
				r.writeRaw(plain(record.TypeApplicationData, make([]byte, 1<<14+256+1)))
			},
		},
		{
			name: "post-handshake/unknown-alert", want: hush.Alert(255), kind: receivesAlert,
			script: func(r *raw) { clientDone(r); r.writeRaw(r.seal(record.TypeAlert, []byte{1, 255})) },
		},
		{
			name: "server-flight/unprotected-after-server-hello", want: hush.AlertUnexpectedMessage, prot: protectedAlert,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendServerHello(nil)
				r.writeRaw(plain(record.TypeHandshake, (&wire.EncryptedExtensions{}).Marshal()))
			},
		},
		{
			name: "server-flight/flipped-bit-in-protected-record", want: hush.AlertBadRecordMAC, prot: protectedAlert,
			script: func(r *raw) {
				r.readClientHello(1)
				r.sendServerHello(nil)
				rec := r.seal(record.TypeHandshake, r.serverFlight(nil))
				rec[len(rec)-1] ^= 1
				r.writeRaw(rec)
			},
		},
	}
}

// ---- running ----

func TestHostileServer(t *testing.T) {
	for _, row := range hostileServerRows() {
		t.Run(row.name, func(t *testing.T) { runHostileRow(t, false, row) })
	}
}

func TestHostileClient(t *testing.T) {
	for _, row := range hostileClientRows() {
		t.Run(row.name, func(t *testing.T) { runHostileRow(t, true, row) })
	}
}

func runHostileRow(t *testing.T, hushIsClient bool, row hostileRow) {
	if row.bug != "" {
		t.Skip("BUG: " + row.bug)
	}
	cfg := hostileServerConfig(t)
	if hushIsClient {
		cfg = hostileClientConfig(t)
	}
	if row.config != nil {
		row.config(t, cfg)
	}
	r, out := runHostile(t, hushIsClient, cfg, row.script)
	checkOutcome(t, r, out, row)
	if row.check != nil {
		row.check(t, r, out)
	}
}

// checkOutcome compares the alerts read off the wire and the hush side's
// error with the row.
func checkOutcome(t *testing.T, r *raw, out hushOutcome, row hostileRow) {
	t.Helper()
	switch row.kind {
	case succeeds:
		if len(r.alerts) != 0 {
			t.Errorf("wire: hush sent %v, want no alert", r.alerts)
		}
		if !errors.Is(out.err, io.EOF) {
			t.Errorf("hush returned %v, want io.EOF after close_notify", out.err)
		}
		return
	case truncated:
		if len(r.alerts) != 0 {
			t.Errorf("wire: hush sent %v on a truncated stream, want no alert", r.alerts)
		}
		if !errors.Is(out.err, io.ErrUnexpectedEOF) {
			t.Errorf("hush returned %v, want io.ErrUnexpectedEOF", out.err)
		}
		return
	case receivesAlert:
		if len(r.alerts) != 0 {
			t.Errorf("wire: hush answered a received fatal alert with %v, want silence", r.alerts)
		}
	case sendsAlert:
		switch {
		case len(r.alerts) == 0:
			t.Errorf("wire: no alert, want %v", row.want)
		case len(r.alerts) > 1:
			t.Errorf("wire: %d alerts %v, want exactly one %v", len(r.alerts), r.alerts, row.want)
		default:
			a := r.alerts[0]
			if hush.Alert(a.code) != row.want || a.level != 2 {
				t.Errorf("wire: %v, want fatal %v", a, row.want)
			}
			if row.prot != anyProtection && a.protected != (row.prot == protectedAlert) {
				t.Errorf("wire: %v, want it protected=%v", a, row.prot == protectedAlert)
			}
		}
	}
	var ae *hush.AlertError
	if !errors.As(out.err, &ae) {
		t.Fatalf("hush returned %v (%T), want *hush.AlertError %v", out.err, out.err, row.want)
	}
	wantReceived := row.kind == receivesAlert
	if ae.Alert != row.want || ae.Received != wantReceived {
		t.Errorf("hush returned AlertError{Alert: %v, Received: %v} (%v), want {%v, %v}",
			ae.Alert, ae.Received, out.err, row.want, wantReceived)
	}
	if !strings.HasPrefix(out.err.Error(), "hush: ") {
		t.Errorf("error %q does not begin with \"hush: \"", out.err)
	}
}
