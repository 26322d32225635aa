// Package keyschedule derives TLS secrets: the TLS 1.3 HKDF key schedule
// (RFC 8446, Section 7) as a chain of stage types — early, handshake,
// master — plus traffic keys, Finished, KeyUpdate, resumption and exporter
// derivations; the running transcript hash; and the TLS 1.2 PRF (RFC 5246,
// Section 5) with master secret, extended master secret (RFC 7627), key
// block, Finished and exporter (RFC 5705).
//
// The functions take only locally chosen lengths and labels. Passing a
// length or label that the RFCs cannot encode (for example an output longer
// than 255 * Hash.Size() from HKDF-Expand) is a programming error and
// panics; callers that forward application input (exporters) must bound it
// first, see MaxExport13.
package keyschedule
