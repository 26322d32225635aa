// Package testutil holds helpers shared by hush's tests: certificate chains,
// connected TCP pairs, a goroutine leak check, and drivers that run the
// openssl binary (s_server, s_client) as a real external TLS peer.
//
// It is imported only from _test.go files. It never imports crypto/tls, so it
// stays neutral between hush and the reference implementation it is tested
// against.
package testutil
