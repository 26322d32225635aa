package testutil

import "testing"

// OpenSSLClient is a running `openssl s_client`.
type OpenSSLClient struct {
	*OpenSSLProcess
}

// StartOpenSSLClient runs
//
//	openssl s_client -connect ADDR -brief -quiet ARGS...
//
// args are further s_client flags: -servername, -CAfile with
// -verify_return_error, -tls1_3, -tls1_2, -ciphersuites, -cipher, -groups,
// -cert and -key, ... The connection starts at once; wait for
// "CONNECTION ESTABLISHED" with WaitForOutput to know the handshake is done.
//
// -quiet implies -ign_eof, which is what makes the standard streams carry
// application data only: without it s_client interprets input whose first
// byte is Q, R, k or K as a command. With it, closing Stdin does nothing and
// s_client exits when the server closes the connection (status 0 after
// close_notify). Pass "-no_ign_eof", "-nocommands" to make closing Stdin send
// close_notify and exit instead, while keeping the data binary-safe.
//
// -brief prints a summary on stderr (see Output): "Protocol version:",
// "Ciphersuite:", "Server Temp Key:" with the group, "Verification:".
func StartOpenSSLClient(t testing.TB, addr string, args ...string) *OpenSSLClient {
	t.Helper()
	argv := append([]string{"s_client", "-connect", addr, "-brief", "-quiet"}, args...)
	p, err := startOpenSSL(t, argv)
	if err != nil {
		t.Fatalf("testutil: starting openssl s_client: %v", err)
	}
	return &OpenSSLClient{OpenSSLProcess: p}
}
