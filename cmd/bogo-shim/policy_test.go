package main

import (
	"crypto/tls"
	"slices"
	"strings"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

func TestCompliancePolicyConfig(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, tc := range []struct {
		flag    string
		suites  []uint16
		groups  []hush.CurveID
		schemes []hush.SignatureScheme
	}{
		{"-fips-202205", fips202205.suites, fips202205.groups, fips202205.schemes},
		{"-wpa-202304", wpa202304.suites, wpa202304.groups, wpa202304.schemes},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			c, _, _, err := parseArgs([]string{"-server", tc.flag,
				"-cert-file", writeFile(t, chain.CertPEM), "-key-file", writeFile(t, chain.KeyPEM)})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := c.hushConfig()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cfg.CipherSuites, tc.suites) || !slices.Equal(cfg.CurvePreferences, tc.groups) ||
				!slices.Equal(cfg.SignatureSchemes, tc.schemes) || cfg.MinVersion != hush.VersionTLS12 {
				t.Errorf("config %v %v %v min %#x", cfg.CipherSuites, cfg.CurvePreferences, cfg.SignatureSchemes, cfg.MinVersion)
			}
			if !slices.Equal(cfg.Certificates[0].SupportedSignatureAlgorithms, tc.schemes) {
				t.Errorf("signing schemes %v, want the policy's", cfg.Certificates[0].SupportedSignatureAlgorithms)
			}
		})
	}

	// A -curves list keeps its order, minus what the policy forbids; one
	// the policy leaves empty is refused rather than widened to defaults.
	c, _, _, err := parseArgs([]string{"-fips-202205", "-curves", "29", "-curves", "24", "-curves", "23"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := c.hushConfig()
	if err != nil || !slices.Equal(cfg.CurvePreferences, []hush.CurveID{hush.CurveP384, hush.CurveP256}) {
		t.Errorf("curves %v, %v; want [P-384 P-256]", cfg.CurvePreferences, err)
	}
	c, _, _, _ = parseArgs([]string{"-wpa-202304", "-curves", "29"})
	if _, err := c.hushConfig(); !isUnimplemented(err) {
		t.Errorf("policy leaving no group: %v, want unimplemented", err)
	}

	// CNSA only reorders TLS 1.3 suites.
	c, _, _, _ = parseArgs([]string{"-server", "-cnsa-202407"})
	cfg, err = c.hushConfig()
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint16{hush.TLS_AES_256_GCM_SHA384, hush.TLS_AES_128_GCM_SHA256, hush.TLS_CHACHA20_POLY1305_SHA256}; !slices.Equal(cfg.CipherSuites[:3], want) {
		t.Errorf("CNSA suites %x, want %x first", cfg.CipherSuites, want)
	}
}

func isUnimplemented(err error) bool {
	_, ok := err.(*unimplementedError)
	return ok
}

// A FIPS-policy shim server refuses a crypto/tls client that offers only
// X25519, and completes with one that offers P-256.
func TestCompliancePolicyHandshake(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, tc := range []struct {
		curve tls.CurveID
		ok    bool
	}{{tls.X25519, false}, {tls.CurveP256, true}} {
		r := startShim(t, "-server", "-fips-202205",
			"-cert-file", writeFile(t, chain.CertPEM), "-key-file", writeFile(t, chain.KeyPEM))
		client := tls.Client(r.accept(), &tls.Config{
			InsecureSkipVerify: true,
			CurvePreferences:   []tls.CurveID{tc.curve},
		})
		err := client.Handshake()
		if (err == nil) != tc.ok {
			t.Fatalf("curve %v: handshake error %v, want success %v", tc.curve, err, tc.ok)
		}
		if tc.ok {
			echoRound(t, client, []byte("fips"))
		}
		client.Close()
		code := r.wait()
		if (code == exitOK) != tc.ok {
			t.Fatalf("curve %v: shim exit %d: %s", tc.curve, code, r.stderr.String())
		}
	}
}

// A client's failing OCSP callback sends bad_certificate_status_response
// (hush.AlertError returned from VerifyConnection), staple or not.
func TestClientFailingOCSPCallback(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	cert := tlsCert(t, chain)
	cert.OCSPStaple = []byte("staple")
	r := startShim(t, "-enable-ocsp-stapling", "-use-ocsp-callback", "-fail-ocsp-callback")
	server := tls.Server(r.accept(), &tls.Config{Certificates: []tls.Certificate{cert}})
	err := server.Handshake()
	if err == nil || !strings.Contains(err.Error(), "bad certificate status response") {
		t.Errorf("crypto/tls server error %v, want the bad_certificate_status_response alert", err)
	}
	server.Close()
	if code := r.wait(); code == exitOK || code == exitUnimplemented {
		t.Fatalf("shim exit %d, want a failure", code)
	}
}

// -fail-early-callback rejects the ClientHello with handshake_failure
// (GetConfigForClient returning an *AlertError); -use-early-callback
// keeps the configuration.
func TestEarlyCallback(t *testing.T) {
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	for _, tc := range []struct {
		flag string
		ok   bool
	}{{"-use-early-callback", true}, {"-fail-early-callback", false}} {
		r := startShim(t, "-server", tc.flag, "-cert-file", writeFile(t, chain.CertPEM), "-key-file", writeFile(t, chain.KeyPEM))
		client := tls.Client(r.accept(), &tls.Config{InsecureSkipVerify: true})
		err := client.Handshake()
		if tc.ok {
			if err != nil {
				t.Fatalf("%s: %v", tc.flag, err)
			}
			echoRound(t, client, []byte("early"))
		} else if err == nil || !strings.Contains(err.Error(), "handshake failure") {
			t.Errorf("%s: crypto/tls error %v, want the handshake_failure alert", tc.flag, err)
		}
		client.Close()
		if code := r.wait(); (code == exitOK) != tc.ok {
			t.Fatalf("%s: shim exit %d: %s", tc.flag, code, r.stderr.String())
		}
	}
}
