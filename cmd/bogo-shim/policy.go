package main

import (
	"slices"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/suites"
)

// compliancePolicy is one of BoringSSL's compliance policies
// (-fips-202205, -wpa-202304, -cnsa-202407), expressed with hush's
// ordinary Config fields: the suites, groups and signature schemes it
// allows, in the order it prefers them. A nil list leaves that setting
// alone.
type compliancePolicy struct {
	// reorder13: suites is only a preference order for TLS 1.3 suites;
	// nothing is removed.
	reorder13 bool
	suites    []uint16
	groups    []hush.CurveID
	schemes   []hush.SignatureScheme
}

// fips202205 is the "FIPS 2022-05" policy: TLS 1.2 and 1.3 with AES-GCM
// only, the P-256 and P-384 groups, and RSA (PKCS#1 v1.5 and PSS) and
// ECDSA P-256/P-384 signatures with SHA-2.
var fips202205 = compliancePolicy{
	suites: []uint16{
		hush.TLS_AES_128_GCM_SHA256,
		hush.TLS_AES_256_GCM_SHA384,
		hush.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		hush.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		hush.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		hush.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	},
	groups: []hush.CurveID{hush.CurveP256, hush.CurveP384},
	schemes: []hush.SignatureScheme{
		hush.ECDSAWithP256AndSHA256,
		hush.PSSWithSHA256,
		hush.PKCS1WithSHA256,
		hush.ECDSAWithP384AndSHA384,
		hush.PSSWithSHA384,
		hush.PKCS1WithSHA384,
		hush.PSSWithSHA512,
		hush.PKCS1WithSHA512,
	},
}

// wpa202304 is the "WPA3 192-bit" policy: AES-256-GCM only, P-384, and
// signatures with SHA-384 or SHA-512.
var wpa202304 = compliancePolicy{
	suites: []uint16{
		hush.TLS_AES_256_GCM_SHA384,
		hush.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		hush.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	},
	groups: []hush.CurveID{hush.CurveP384},
	schemes: []hush.SignatureScheme{
		hush.ECDSAWithP384AndSHA384,
		hush.PSSWithSHA384,
		hush.PKCS1WithSHA384,
		hush.PSSWithSHA512,
		hush.PKCS1WithSHA512,
	},
}

// cnsa202407 is the "CNSA 2.0 (2024-07)" policy as far as the runner
// checks it: every suite stays allowed, but a TLS 1.3 server prefers
// AES-256-GCM, then AES-128-GCM, then ChaCha20-Poly1305.
var cnsa202407 = compliancePolicy{
	reorder13: true,
	suites: []uint16{
		hush.TLS_AES_256_GCM_SHA384,
		hush.TLS_AES_128_GCM_SHA256,
		hush.TLS_CHACHA20_POLY1305_SHA256,
	},
}

// apply restricts cfg to the policy. Settings already made (a -cipher
// list, -curves, -verify-prefs, a credential's -signing-prefs) are kept
// where the policy allows them; where none was made, the policy's list, in
// its order, replaces hush's defaults. A setting the policy leaves nothing
// of is refused as unimplemented: an empty list means "defaults" to hush,
// which would widen the policy instead of failing the handshake.
func (p compliancePolicy) apply(cfg *hush.Config) error {
	cfg.MinVersion = max(cfg.MinVersion, hush.VersionTLS12)
	var err error
	if p.reorder13 {
		cfg.CipherSuites = preferTLS13(cfg.CipherSuites, p.suites)
	} else if p.suites != nil {
		if cfg.CipherSuites, err = restrict(cfg.CipherSuites, p.suites, "cipher suites"); err != nil {
			return err
		}
	}
	if p.groups != nil {
		if cfg.CurvePreferences, err = restrict(cfg.CurvePreferences, p.groups, "groups"); err != nil {
			return err
		}
	}
	if p.schemes != nil {
		if cfg.SignatureSchemes, err = restrict(cfg.SignatureSchemes, p.schemes, "signature schemes"); err != nil {
			return err
		}
		for i := range cfg.Certificates {
			c := &cfg.Certificates[i]
			if c.SupportedSignatureAlgorithms, err = restrict(c.SupportedSignatureAlgorithms, p.schemes, "signing schemes"); err != nil {
				return err
			}
		}
	}
	return nil
}

// restrict keeps the entries of have that allowed lists, in have's order;
// when have is empty it returns allowed itself.
func restrict[T comparable](have, allowed []T, what string) ([]T, error) {
	if len(have) == 0 {
		return slices.Clone(allowed), nil
	}
	var out []T
	for _, v := range have {
		if slices.Contains(allowed, v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, unimplemented("a compliance policy that allows none of the configured %s", what)
	}
	return out, nil
}

// preferTLS13 puts the TLS 1.3 suites of order first, in that order, and
// keeps the TLS 1.2 suites of have (or of hush's default order).
func preferTLS13(have, order []uint16) []uint16 {
	if len(have) == 0 {
		have = suites.DefaultOrder()
	}
	out := slices.Clone(order)
	for _, id := range have {
		if s, ok := suites.Lookup(id); ok && s.Version != hush.VersionTLS13 {
			out = append(out, id)
		}
	}
	return out
}
