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
// a client certificate (Chain.OpenSSLArgs), ... The connection starts at
// once; s_client prints "CONNECTION ESTABLISHED" on stderr when its
// handshake is done. Data written to Stdin before then is sent after it.
//
// -quiet implies -ign_eof, which is what makes the standard streams carry
// application data only: without it s_client takes input whose first byte
// is Q, R, k or K as a command. With it, closing Stdin does nothing, and
// s_client exits when the server closes the connection (status 0 after
// close_notify). Pass "-no_ign_eof", "-nocommands" to make closing Stdin
// send close_notify and exit instead, with the data still binary-safe.
// Either way s_client half-closes and waits up to 500 ms for the server to
// close its end before it exits: close the server side before Wait.
//
// -brief prints a summary on stderr (see Output): "Protocol version:",
// "Ciphersuite:", "Peer certificate:", "Verification:", and last "Server
// Temp Key:" naming the group, e.g. "X25519, 253 bits" or "ECDH,
// prime256v1, 256 bits". Wait for it with WaitForLine(t, "Server Temp
// Key:").
func StartOpenSSLClient(t testing.TB, addr string, args ...string) *OpenSSLClient {
	t.Helper()
	argv := append([]string{"s_client", "-connect", addr, "-brief", "-quiet"}, args...)
	p, err := startOpenSSL(t, argv)
	if err != nil {
		t.Fatalf("testutil: starting openssl s_client: %v", err)
	}
	return &OpenSSLClient{OpenSSLProcess: p}
}
