package main

import "github.com/hushtls/hush"

// resumptionSupported says whether hush can resume sessions; until it can,
// -resume-count above zero is refused as unimplemented.
const resumptionSupported = false

// applyResumption configures session caching and tickets for a connection.
func applyResumption(c *testConfig, cfg *hush.Config) {}
