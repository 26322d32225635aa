package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/sig"
	"github.com/hushtls/hush/suites"
)

// signatureSchemeName names a SignatureScheme (RFC 8446, Section 4.2.3)
// with its code point.
func signatureSchemeName(s uint16) string {
	if s == 0 {
		return "none (no signature in this handshake)"
	}
	if _, known := sig.Hash(s); known {
		return fmt.Sprintf("%s (0x%04x)", sig.Name(s), s)
	}
	return fmt.Sprintf("0x%04x", s)
}

// groupNames maps the -group spellings to groups. Keys are lower case with
// '-' and '_' removed.
var groupNames = map[string]hush.CurveID{
	"x25519":         hush.X25519,
	"p256":           hush.CurveP256,
	"secp256r1":      hush.CurveP256,
	"p384":           hush.CurveP384,
	"secp384r1":      hush.CurveP384,
	"x25519mlkem768": hush.X25519MLKEM768,
}

// parseGroup reads a key exchange group name such as "X25519", "P-256",
// "P-384" or "X25519MLKEM768".
func parseGroup(s string) (hush.CurveID, error) {
	k := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s))
	if g, ok := groupNames[k]; ok {
		return g, nil
	}
	return 0, fmt.Errorf("unknown group %q (want X25519, P-256, P-384 or X25519MLKEM768)", s)
}

// parseSuite reads a cipher suite given by its IANA name (case-insensitive,
// the "TLS_" prefix optional) or by its number ("0x1301").
func parseSuite(s string) (*suites.Suite, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		id, err := strconv.ParseUint(s[2:], 16, 16)
		if err == nil {
			if suite, ok := suites.Lookup(uint16(id)); ok {
				return suite, nil
			}
		}
		return nil, fmt.Errorf("unknown cipher suite %q", s)
	}
	want := strings.ToUpper(s)
	if !strings.HasPrefix(want, "TLS_") {
		want = "TLS_" + want
	}
	var names []string
	for _, suite := range suites.All() {
		if suite.Name == want {
			return suite, nil
		}
		names = append(names, suite.Name)
	}
	return nil, fmt.Errorf("unknown cipher suite %q; known suites:\n\t%s", s, strings.Join(names, "\n\t"))
}
