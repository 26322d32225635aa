package testutil

import "time"

// Timeout bounds every wait in this package: a helper that has not finished
// within Timeout fails the test (after killing any process it started)
// instead of hanging it.
var Timeout = 20 * time.Second
