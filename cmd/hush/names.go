package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/suites"
)

// signatureSchemeNames are the SignatureScheme names of RFC 8446, Section
// 4.2.3, including the legacy SHA-1 code points a TLS 1.2 peer may use.
var signatureSchemeNames = map[uint16]string{
	0x0401: "rsa_pkcs1_sha256",
	0x0501: "rsa_pkcs1_sha384",
	0x0601: "rsa_pkcs1_sha512",
	0x0403: "ecdsa_secp256r1_sha256",
	0x0503: "ecdsa_secp384r1_sha384",
	0x0603: "ecdsa_secp521r1_sha512",
	0x0804: "rsa_pss_rsae_sha256",
	0x0805: "rsa_pss_rsae_sha384",
	0x0806: "rsa_pss_rsae_sha512",
	0x0807: "ed25519",
	0x0808: "ed448",
	0x0809: "rsa_pss_pss_sha256",
	0x080a: "rsa_pss_pss_sha384",
	0x080b: "rsa_pss_pss_sha512",
	0x0201: "rsa_pkcs1_sha1",
	0x0203: "ecdsa_sha1",
}

// signatureSchemeName names a SignatureScheme, with its code point.
func signatureSchemeName(s uint16) string {
	if s == 0 {
		return "none (no signature in this handshake)"
	}
	if n, ok := signatureSchemeNames[s]; ok {
		return fmt.Sprintf("%s (0x%04x)", n, s)
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
