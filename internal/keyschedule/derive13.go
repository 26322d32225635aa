package keyschedule

import "crypto"

// TrafficKey derives the record protection key and IV from a traffic
// secret (RFC 8446, Section 7.3):
//
//	[sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
//	[sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
func TrafficKey(h crypto.Hash, trafficSecret []byte, keyLen, ivLen int) (key, iv []byte) {
	x := newExpander(h, trafficSecret)
	// One allocation for both; each keeps its own capacity.
	buf := make([]byte, 0, keyLen+ivLen)
	key = x.expandLabel(buf, "key", nil, keyLen)
	iv = x.expandLabel(key[len(key):len(key)], "iv", nil, ivLen)
	return key[:keyLen:keyLen], iv[:ivLen:ivLen]
}

// FinishedKey is HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
// (RFC 8446, Section 4.4.4).
func FinishedKey(h crypto.Hash, baseKey []byte) []byte {
	return ExpandLabel(h, baseKey, "finished", nil, h.Size())
}

// FinishedVerifyData computes the Finished verify_data
// (RFC 8446, Section 4.4.4):
//
//	HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*))
//
// baseKey is the sender's handshake (or, after the handshake, application)
// traffic secret.
func FinishedVerifyData(h crypto.Hash, baseKey, transcriptHash []byte) []byte {
	// The finished key is needed only here: it is derived into pooled
	// scratch space and wiped once the HMAC has taken it in.
	s := scratchPool.Get().(*scratch)
	x := newExpander(h, baseKey)
	key := x.expandLabel(s.block[:0], "finished", nil, h.Size())
	out := hmacSum(h, key, transcriptHash)
	clear(s.block[:])
	scratchPool.Put(s)
	return out
}

// NextTrafficSecret computes the traffic secret after a KeyUpdate
// (RFC 8446, Section 7.2):
//
//	application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)
func NextTrafficSecret(h crypto.Hash, secret []byte) []byte {
	return ExpandLabel(h, secret, "traffic upd", nil, h.Size())
}

// ResumptionPSK computes the PSK associated with a NewSessionTicket
// (RFC 8446, Section 4.6.1):
//
//	HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)
func ResumptionPSK(h crypto.Hash, resumptionMasterSecret, ticketNonce []byte) []byte {
	return ExpandLabel(h, resumptionMasterSecret, "resumption", ticketNonce, h.Size())
}

// MaxExport13Label is the longest exporter label Export13 accepts: the
// label goes into an HkdfLabel (after the 6-byte "tls13 " prefix) whose
// label field is at most 255 bytes.
const MaxExport13Label = 255 - len(labelPrefix)

// MaxExport13 returns the longest output Export13 can produce with h:
// HKDF-Expand yields at most 255 * Hash.length bytes.
func MaxExport13(h crypto.Hash) int { return 255 * h.Size() }

// Export13 is the TLS 1.3 exporter (RFC 8446, Section 7.5):
//
//	TLS-Exporter(label, context_value, key_length) =
//	    HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)
//
// exporterMasterSecret is the exporter_master_secret (or the early one).
// It panics if label is longer than MaxExport13Label or length exceeds
// MaxExport13(h); callers forwarding application input check first.
func Export13(h crypto.Hash, exporterMasterSecret []byte, label string, context []byte, length int) []byte {
	secret := DeriveSecret(h, exporterMasterSecret, label, emptyHash(h))
	ch := h.New()
	ch.Write(context)
	return ExpandLabel(h, secret, "exporter", ch.Sum(nil), length)
}
