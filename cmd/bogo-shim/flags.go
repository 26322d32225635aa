package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hushtls/hush"
)

// errUnimplemented marks a flag, or a flag value, this shim cannot honour.
// The runner reads exit code 89 as "unimplemented" and skips the test.
var errUnimplemented = errors.New("unimplemented")

// unimplementedError names what is missing; it unwraps to errUnimplemented.
type unimplementedError struct{ what string }

func (e *unimplementedError) Error() string { return "unimplemented: " + e.what }
func (e *unimplementedError) Unwrap() error { return errUnimplemented }

func unimplemented(format string, args ...any) error {
	return &unimplementedError{what: fmt.Sprintf(format, args...)}
}

// flagKind says how a flag's value is read.
type flagKind int

const (
	kindBool flagKind = iota
	kindInt
	kindString
	kindBase64
	kindIntList
)

// flagSpec is one flag the shim recognises. A flag without a setter is
// recognised only to be refused as unimplemented.
type flagSpec struct {
	kind flagKind
	set  func(c *testConfig, v flagValue) error
}

// flagValue is a parsed flag value.
type flagValue struct {
	b bool
	i int
	s string
	d []byte
}

// testConfig is the shim's configuration for one connection: the initial
// one, a resumption, or a 0-RTT retry (BoGo's -on-initial-, -on-resume- and
// -on-retry- prefixes select which).
type testConfig struct {
	port        int
	shimID      uint64
	ipv6        bool
	server      bool
	resumeCount int

	handshakerSupported bool

	// The default credential, then those -new-x509-credential added;
	// credential flags apply to the last one added, or to the default.
	credential
	extra []credential

	trustCert                 string
	verifyPeer                bool
	requireAnyClientCert      bool
	verifyFail                bool
	expectPeerCertFile        string
	expectPeerSignatureScheme int
	verifyPrefs               []hush.SignatureScheme
	expectPeerVerifyPrefs     []uint16

	minVersion, maxVersion    int
	noTLS13, noTLS12          bool
	expectVersion             int
	curves                    []int
	expectCurveID             int
	cipher                    string
	expectCipher              int
	expectCipherAES           int
	expectCipherNoAES         int
	hostName                  string
	expectServerName          string
	expectNoServerName        bool
	advertiseALPN             []string
	selectALPN                string
	expectALPN                string
	expectAdvertisedALPN      []string
	declineALPN               bool
	expectHRR                 bool
	expectNoHRR               bool
	expectOCSPResponse        []byte
	expectSCTs                []byte
	enableOCSPStapling        bool
	enableSCTs                bool
	exportKeyingMaterial      int
	exportLabel               string
	exportContext             string
	useExportContext          bool
	useExporterBetweenReads   bool
	shimWritesFirst           bool
	shimShutsDown             bool
	checkCloseNotify          bool
	implicitHandshake         bool
	handshakeTwice            bool
	writeDifferentRecordSizes bool
	readSize                  int
	expectTotalRenegotiations int
	expectSessionMiss         bool
	noTicket                  bool
	expectNoSession           bool
	expectTicketRenewal       bool
	resumptionDelay           int
	useOldClientCertCallback  bool
	declineOCSPCallback       bool
	failOCSPCallback          bool
	failCertCallback          bool
	rejectALPN                bool
	reverifyOnResume          bool
	exportTrafficSecrets      bool
	maxCertList               int
	async                     bool
	clientCANames             [][]byte
	policy                    *compliancePolicy
	useEarlyCallback          bool
	failEarlyCallback         bool
	failDDoSCallback          bool
	tlsUnique                 bool
	expectClientCANames       [][]byte

	// keyLog captures hush's key log for -export-traffic-secrets.
	keyLog *keyLogCapture
}

// credential is one certificate chain with its key and stapled data.
type credential struct {
	certFile, keyFile string
	ocspResponse      []byte
	scts              []byte
	signingPrefs      []hush.SignatureScheme
}

// current is the credential that credential flags configure.
func (c *testConfig) current() *credential {
	if n := len(c.extra); n > 0 {
		return &c.extra[n-1]
	}
	return &c.credential
}

// readALPNList parses a wire-format ALPN list: each protocol prefixed by
// its one-byte length.
func readALPNList(s string) ([]string, error) {
	var out []string
	for len(s) > 0 {
		n := int(s[0])
		if n == 0 || n > len(s)-1 {
			return nil, fmt.Errorf("malformed ALPN list %q", s)
		}
		out = append(out, s[1:1+n])
		s = s[1+n:]
	}
	return out, nil
}

// flags is every flag the shim recognises, by name without a prefix.
var flags = map[string]flagSpec{
	"-port":                    {kindInt, func(c *testConfig, v flagValue) error { c.port = v.i; return nil }},
	"-shim-id":                 {kindInt, func(c *testConfig, v flagValue) error { c.shimID = uint64(v.i); return nil }},
	"-ipv6":                    {kindBool, func(c *testConfig, v flagValue) error { c.ipv6 = true; return nil }},
	"-server":                  {kindBool, func(c *testConfig, v flagValue) error { c.server = true; return nil }},
	"-is-handshaker-supported": {kindBool, func(c *testConfig, v flagValue) error { c.handshakerSupported = true; return nil }},
	"-resume-count":            {kindInt, func(c *testConfig, v flagValue) error { c.resumeCount = v.i; return nil }},

	"-cert-file":     {kindString, func(c *testConfig, v flagValue) error { c.current().certFile = v.s; return nil }},
	"-key-file":      {kindString, func(c *testConfig, v flagValue) error { c.current().keyFile = v.s; return nil }},
	"-ocsp-response": {kindBase64, func(c *testConfig, v flagValue) error { c.current().ocspResponse = v.d; return nil }},
	"-signed-cert-timestamps": {kindBase64, func(c *testConfig, v flagValue) error {
		c.current().scts = v.d
		return nil
	}},
	// -signing-prefs is a credential flag: the schemes the key signs
	// with, in order (Certificate.SupportedSignatureAlgorithms).
	"-signing-prefs": {kindInt, func(c *testConfig, v flagValue) error {
		cur := c.current()
		cur.signingPrefs = append(cur.signingPrefs, hush.SignatureScheme(v.i))
		return nil
	}},
	// -verify-prefs are the schemes advertised and accepted
	// (Config.SignatureSchemes).
	"-verify-prefs": {kindInt, func(c *testConfig, v flagValue) error {
		c.verifyPrefs = append(c.verifyPrefs, hush.SignatureScheme(v.i))
		return nil
	}},
	"-expect-peer-verify-pref": {kindInt, func(c *testConfig, v flagValue) error {
		c.expectPeerVerifyPrefs = append(c.expectPeerVerifyPrefs, uint16(v.i))
		return nil
	}},
	"-new-x509-credential": {kindBool, func(c *testConfig, v flagValue) error {
		c.extra = append(c.extra, credential{})
		return nil
	}},
	// The runner checks which chain arrives (its peerCertificate
	// expectation); hush does not report which credential it chose.
	"-expect-selected-credential": {kindInt, func(c *testConfig, v flagValue) error { return nil }},

	// BoringSSL's shim installs a verify callback that accepts any chain
	// (or rejects any, with -verify-fail): -trust-cert loads a store that
	// callback never consults.
	"-trust-cert":                 {kindString, func(c *testConfig, v flagValue) error { c.trustCert = v.s; return nil }},
	"-verify-peer":                {kindBool, func(c *testConfig, v flagValue) error { c.verifyPeer = true; return nil }},
	"-use-custom-verify-callback": {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	// -use-client-ca-list: the names a server's CertificateRequest
	// lists (Config.ClientCAs' subjects).
	"-use-client-ca-list": {kindString, func(c *testConfig, v flagValue) error {
		names, err := parseCANames(v.s)
		c.clientCANames = names
		return err
	}},
	"-require-any-client-certificate": {kindBool, func(c *testConfig, v flagValue) error { c.requireAnyClientCert = true; return nil }},
	// -reverify-on-resume runs the verify callback on resumptions too;
	// hush calls VerifyConnection on every handshake, resumed or not.
	"-reverify-on-resume":    {kindBool, func(c *testConfig, v flagValue) error { c.reverifyOnResume = true; return nil }},
	"-verify-fail":           {kindBool, func(c *testConfig, v flagValue) error { c.verifyFail = true; return nil }},
	"-expect-peer-cert-file": {kindString, func(c *testConfig, v flagValue) error { c.expectPeerCertFile = v.s; return nil }},
	"-expect-peer-signature-algorithm": {kindInt, func(c *testConfig, v flagValue) error {
		c.expectPeerSignatureScheme = v.i
		return nil
	}},

	"-min-version":    {kindInt, func(c *testConfig, v flagValue) error { c.minVersion = v.i; return nil }},
	"-max-version":    {kindInt, func(c *testConfig, v flagValue) error { c.maxVersion = v.i; return nil }},
	"-no-tls13":       {kindBool, func(c *testConfig, v flagValue) error { c.noTLS13 = true; return nil }},
	"-no-tls12":       {kindBool, func(c *testConfig, v flagValue) error { c.noTLS12 = true; return nil }},
	"-no-tls11":       {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-no-tls1":        {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-expect-version": {kindInt, func(c *testConfig, v flagValue) error { c.expectVersion = v.i; return nil }},
	"-curves": {kindInt, func(c *testConfig, v flagValue) error {
		c.curves = append(c.curves, v.i)
		return nil
	}},
	"-expect-curve-id":       {kindInt, func(c *testConfig, v flagValue) error { c.expectCurveID = v.i; return nil }},
	"-cipher":                {kindString, func(c *testConfig, v flagValue) error { c.cipher = v.s; return nil }},
	"-expect-cipher":         {kindInt, func(c *testConfig, v flagValue) error { c.expectCipher = v.i; return nil }},
	"-expect-cipher-aes":     {kindInt, func(c *testConfig, v flagValue) error { c.expectCipherAES = v.i; return nil }},
	"-expect-cipher-no-aes":  {kindInt, func(c *testConfig, v flagValue) error { c.expectCipherNoAES = v.i; return nil }},
	"-server-preference":     {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-host-name":             {kindString, func(c *testConfig, v flagValue) error { c.hostName = v.s; return nil }},
	"-expect-server-name":    {kindString, func(c *testConfig, v flagValue) error { c.expectServerName = v.s; return nil }},
	"-expect-no-server-name": {kindBool, func(c *testConfig, v flagValue) error { c.expectNoServerName = true; return nil }},
	"-advertise-alpn": {kindString, func(c *testConfig, v flagValue) error {
		l, err := readALPNList(v.s)
		c.advertiseALPN = l
		return err
	}},
	"-select-alpn": {kindString, func(c *testConfig, v flagValue) error { c.selectALPN = v.s; return nil }},
	"-expect-alpn": {kindString, func(c *testConfig, v flagValue) error { c.expectALPN = v.s; return nil }},
	"-expect-advertised-alpn": {kindString, func(c *testConfig, v flagValue) error {
		l, err := readALPNList(v.s)
		c.expectAdvertisedALPN = l
		return err
	}},
	"-decline-alpn":                  {kindBool, func(c *testConfig, v flagValue) error { c.declineALPN = true; return nil }},
	"-reject-alpn":                   {kindBool, func(c *testConfig, v flagValue) error { c.rejectALPN = true; return nil }},
	"-expect-no-next-proto":          {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-expect-hrr":                    {kindBool, func(c *testConfig, v flagValue) error { c.expectHRR = true; return nil }},
	"-expect-no-hrr":                 {kindBool, func(c *testConfig, v flagValue) error { c.expectNoHRR = true; return nil }},
	"-expect-ocsp-response":          {kindBase64, func(c *testConfig, v flagValue) error { c.expectOCSPResponse = v.d; return nil }},
	"-expect-signed-cert-timestamps": {kindBase64, func(c *testConfig, v flagValue) error { c.expectSCTs = v.d; return nil }},
	"-enable-ocsp-stapling":          {kindBool, func(c *testConfig, v flagValue) error { c.enableOCSPStapling = true; return nil }},
	"-enable-signed-cert-timestamps": {kindBool, func(c *testConfig, v flagValue) error { c.enableSCTs = true; return nil }},
	// The OCSP callback only changes how the staple is chosen; accepting
	// (or, with -decline-ocsp-callback, declining) is what it decides.
	"-use-ocsp-callback":     {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-set-ocsp-in-callback":  {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-decline-ocsp-callback": {kindBool, func(c *testConfig, v flagValue) error { c.declineOCSPCallback = true; return nil }},
	// A failing OCSP callback aborts the handshake. On a server that is a
	// GetCertificate error; on a client, a VerifyConnection that returns
	// an *AlertError choosing bad_certificate_status_response.
	"-fail-ocsp-callback": {kindBool, func(c *testConfig, v flagValue) error { c.failOCSPCallback = true; return nil }},
	// A failing certificate callback is a GetCertificate error on a server
	// and a GetClientCertificate error on a client (internal_error).
	"-fail-cert-callback": {kindBool, func(c *testConfig, v flagValue) error { c.failCertCallback = true; return nil }},
	// The old client certificate callback supplies the leaf alone.
	"-use-old-client-cert-callback": {kindBool, func(c *testConfig, v flagValue) error { c.useOldClientCertCallback = true; return nil }},

	"-export-keying-material": {kindInt, func(c *testConfig, v flagValue) error { c.exportKeyingMaterial = v.i; return nil }},
	"-export-label":           {kindString, func(c *testConfig, v flagValue) error { c.exportLabel = v.s; return nil }},
	"-export-context":         {kindString, func(c *testConfig, v flagValue) error { c.exportContext = v.s; return nil }},
	// The traffic secrets come from hush's key log (Config.KeyLogWriter).
	"-export-traffic-secrets": {kindBool, func(c *testConfig, v flagValue) error { c.exportTrafficSecrets = true; return nil }},
	// BoringSSL's max_cert_list bounds every handshake message, as
	// Config.MaxHandshakeMessageSize does.
	"-max-cert-list":                {kindInt, func(c *testConfig, v flagValue) error { c.maxCertList = v.i; return nil }},
	"-use-export-context":           {kindBool, func(c *testConfig, v flagValue) error { c.useExportContext = true; return nil }},
	"-use-exporter-between-reads":   {kindBool, func(c *testConfig, v flagValue) error { c.useExporterBetweenReads = true; return nil }},
	"-shim-writes-first":            {kindBool, func(c *testConfig, v flagValue) error { c.shimWritesFirst = true; return nil }},
	"-shim-shuts-down":              {kindBool, func(c *testConfig, v flagValue) error { c.shimShutsDown = true; return nil }},
	"-check-close-notify":           {kindBool, func(c *testConfig, v flagValue) error { c.checkCloseNotify = true; return nil }},
	"-implicit-handshake":           {kindBool, func(c *testConfig, v flagValue) error { c.implicitHandshake = true; return nil }},
	"-handshake-twice":              {kindBool, func(c *testConfig, v flagValue) error { c.handshakeTwice = true; return nil }},
	"-no-op-extra-handshake":        {kindBool, func(c *testConfig, v flagValue) error { c.handshakeTwice = true; return nil }},
	"-write-different-record-sizes": {kindBool, func(c *testConfig, v flagValue) error { c.writeDifferentRecordSizes = true; return nil }},
	"-read-size":                    {kindInt, func(c *testConfig, v flagValue) error { c.readSize = v.i; return nil }},
	// -async: reads and writes one byte at a time (see asyncConn).
	"-async":                 {kindBool, func(c *testConfig, v flagValue) error { c.async = true; return nil }},
	"-partial-write":         {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-install-ddos-callback": {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	"-forbid-renegotiation-after-handshake": {kindBool, func(c *testConfig, v flagValue) error {
		return nil // hush refuses every renegotiation
	}},
	"-expect-total-renegotiations": {kindInt, func(c *testConfig, v flagValue) error {
		if v.i != 0 {
			return unimplemented("renegotiation")
		}
		return nil
	}},
	"-expect-session-miss": {kindBool, func(c *testConfig, v flagValue) error { c.expectSessionMiss = true; return nil }},
	"-no-ticket":           {kindBool, func(c *testConfig, v flagValue) error { c.noTicket = true; return nil }},
	"-expect-no-session":   {kindBool, func(c *testConfig, v flagValue) error { c.expectNoSession = true; return nil }},
	// The shim's verify callback is the only verifier, so its result is
	// by construction what -verify-fail asked for: nothing to check.
	"-expect-verify-result": {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	// hush refuses TLS 1.2 without the extended master secret (RFC 7627)
	// and TLS 1.3 always binds the transcript, so a completed handshake
	// has it by construction.
	"-expect-extended-master-secret": {kindBool, func(c *testConfig, v flagValue) error { return nil }},
	// hush neither sends nor accepts early data: it is disabled, which
	// BoringSSL reports ahead of every other reason (RFC 8446, Section
	// 4.2.10: a server that does not accept it skips it).
	"-expect-early-data-reason": {kindString, func(c *testConfig, v flagValue) error {
		if v.s != "disabled" {
			return unimplemented("0-RTT (early data reason %q)", v.s)
		}
		return nil
	}},
	// BoringSSL's early (select-certificate) callback sees the ClientHello
	// before anything is negotiated: Config.GetConfigForClient. Used, it
	// keeps the configuration; failing, it rejects the connection with
	// handshake_failure.
	"-use-early-callback":  {kindBool, func(c *testConfig, v flagValue) error { c.useEarlyCallback = true; return nil }},
	"-fail-early-callback": {kindBool, func(c *testConfig, v flagValue) error { c.failEarlyCallback = true; return nil }},
	// BoringSSL's DDoS callback rejects a ClientHello before the handshake
	// goes on; in hush that is a GetConfigForClient error (internal_error).
	"-fail-ddos-callback": {kindBool, func(c *testConfig, v flagValue) error { c.failDDoSCallback = true; return nil }},
	// -expect-client-ca-list: the CA names a client sees in the server's
	// CertificateRequest (GetClientCertificate's AcceptableCAs).
	"-expect-client-ca-list": {kindString, func(c *testConfig, v flagValue) error {
		names, err := parseCANames(v.s)
		if names == nil {
			names = [][]byte{}
		}
		c.expectClientCANames = names
		return err
	}},
	// -tls-unique writes ConnectionState.TLSUnique (RFC 5929) after the
	// handshake.
	"-tls-unique": {kindBool, func(c *testConfig, v flagValue) error { c.tlsUnique = true; return nil }},
	// Compliance policies are Config settings (policy.go).
	"-fips-202205":      {kindBool, func(c *testConfig, v flagValue) error { c.policy = &fips202205; return nil }},
	"-wpa-202304":       {kindBool, func(c *testConfig, v flagValue) error { c.policy = &wpa202304; return nil }},
	"-cnsa-202407":      {kindBool, func(c *testConfig, v flagValue) error { c.policy = &cnsa202407; return nil }},
	"-resumption-delay": {kindInt, func(c *testConfig, v flagValue) error { c.resumptionDelay = v.i; return nil }},
	"-expect-ticket-renewal": {kindBool, func(c *testConfig, v flagValue) error {
		c.expectTicketRenewal = true
		return nil
	}},
}

// parseArgs reads the runner's command line into the configurations of
// the initial connection, resumptions and 0-RTT retries. Unknown flags and
// flags the shim cannot honour return an error wrapping errUnimplemented.
func parseArgs(args []string) (initial, resume, retry *testConfig, err error) {
	initial, resume, retry = new(testConfig), new(testConfig), new(testConfig)
	for i := 0; i < len(args); i++ {
		name := args[i]
		onShim := true
		if rest, ok := cutPrefixFlag(name, "-on-shim"); ok {
			name = rest
		} else if rest, ok := cutPrefixFlag(name, "-on-handshaker"); ok {
			name, onShim = rest, false
		}
		targets := []*testConfig{initial, resume, retry}
		if rest, ok := cutPrefixFlag(name, "-on-initial"); ok {
			name, targets = rest, targets[:1]
		} else if rest, ok := cutPrefixFlag(name, "-on-resume"); ok {
			name, targets = rest, targets[1:2]
		} else if rest, ok := cutPrefixFlag(name, "-on-retry"); ok {
			name, targets = rest, targets[2:]
		}
		spec, ok := flags[name]
		if !ok {
			return nil, nil, nil, unimplemented("flag %s", name)
		}
		var v flagValue
		if spec.kind != kindBool {
			if i+1 >= len(args) {
				return nil, nil, nil, fmt.Errorf("missing value for %s", name)
			}
			i++
			if v, err = parseValue(spec.kind, args[i]); err != nil {
				return nil, nil, nil, fmt.Errorf("invalid value for %s: %v", name, err)
			}
		}
		if !onShim {
			continue
		}
		for _, c := range targets {
			if err := spec.set(c, v); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return initial, resume, retry, nil
}

// cutPrefixFlag removes prefix from name when what follows is another
// dash: "-on-resume-expect-hrr" becomes "-expect-hrr".
func cutPrefixFlag(name, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || !strings.HasPrefix(rest, "-") {
		return name, false
	}
	return rest, true
}

func parseValue(kind flagKind, s string) (flagValue, error) {
	switch kind {
	case kindInt, kindIntList:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			// Shim IDs are unsigned 64-bit.
			u, uerr := strconv.ParseUint(s, 10, 64)
			return flagValue{i: int(u)}, uerr
		}
		return flagValue{i: int(n)}, nil
	case kindBase64:
		d, err := base64.StdEncoding.DecodeString(s)
		return flagValue{d: d}, err
	}
	return flagValue{s: s}, nil
}
