package testutil

import "time"

// Timeout bounds every wait in this package, so that a broken peer fails the
// test instead of hanging it. An openssl process started here is killed once
// it has run for Timeout, which ends every wait on it (and on the Go end of
// its connection), and the test fails with openssl's output. TCPPipe uses it
// as its accept and dial deadline.
var Timeout = 20 * time.Second
