// Package rfc8448 holds the values of RFC 8448 (Example Handshake Traces for
// TLS 1.3) that hush's tests check against, each written once, as the trace
// prints it: spaced hex over several lines. The text of the RFC is
// ../shared/rfc/rfc8448.txt.
//
// A name begins with the section of the trace it comes from: S2 is Section 2
// (Private Keys), S3 Section 3 (Simple 1-RTT Handshake), S4 Section 4
// (Resumed 0-RTT Handshake), S5 Section 5 (HelloRetryRequest) and S6 Section 6
// (Client Authentication). The rest of the name is the message or the
// secret: HS stands for handshake, AP for application, C and S for client
// and server, as in the labels "tls13 c hs traffic" and so on.
//
// The values are shared by the tests of several packages: a test that needs
// to change one copies it first (bytes.Clone). Only tests may import this
// package.
package rfc8448

import (
	"encoding/hex"
	"strings"
)

// Hex decodes hex octets as RFC 8448 prints them: pairs of hex digits
// separated by spaces and line breaks. It panics on anything else, since its
// input is the constant test data of this package.
func Hex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic("rfc8448.Hex: " + err.Error())
	}
	return b
}
