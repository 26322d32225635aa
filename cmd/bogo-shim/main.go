// Command bogo-shim runs hush under BoringSSL's TLS test runner (BoGo,
// ssl/test/runner in google/boringssl). The runner starts it with -port,
// -shim-id and the flags of one test; the shim dials the runner, sends its
// ID as an 8-byte little-endian integer, plays the client (or, with
// -server, the server) with hush, and echoes application data with every
// byte XORed with 0xff until the runner's close_notify. -resume-count R
// makes R+1 connections in turn. Exit code 89 tells the runner a flag is
// not implemented; see bogo/README.md for how to run the suite.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Exit codes the runner understands.
const (
	exitOK            = 0
	exitFailure       = 1
	exitUnimplemented = 89
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the shim with its arguments and output streams; it returns the
// process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	initial, resume, _, err := parseArgs(args)
	if err != nil {
		return report(stderr, err)
	}
	if initial.handshakerSupported {
		fmt.Fprintln(stdout, "No")
		return exitOK
	}
	for _, c := range []*testConfig{initial, resume} {
		if err := c.validate(); err != nil {
			return report(stderr, err)
		}
	}
	for i := 0; i <= initial.resumeCount; i++ {
		c := initial
		if i > 0 {
			c = resume
		}
		if err := connect(c, i > 0); err != nil {
			return report(stderr, fmt.Errorf("connection %d failed: %w", i+1, err))
		}
		advanceClock(c.resumptionDelay)
	}
	return exitOK
}

// logUnimplemented appends err to the file named by $BOGO_SHIM_UNIMPLEMENTED_LOG,
// when set: the runner does not show a skipped test's output, and this log
// is how to count which missing flags cost the most tests.
func logUnimplemented(err error) {
	path := os.Getenv("BOGO_SHIM_UNIMPLEMENTED_LOG")
	if path == "" {
		return
	}
	f, ferr := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if ferr != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, err)
}

// report prints err and returns its exit code.
func report(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, err)
	if errors.Is(err, errUnimplemented) {
		logUnimplemented(err)
		return exitUnimplemented
	}
	return exitFailure
}
