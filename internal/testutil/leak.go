package testutil

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// CheckGoroutines records the goroutines running now and, when the test
// finishes, checks that every goroutine started since has exited. Call it
// first in a test, before anything that registers its own cleanup, so that
// the check runs after those cleanups.
//
// The check polls for up to 5 seconds, since closing a connection does not
// stop its goroutines at once, then fails the test with the stacks of the
// goroutines that remain. Goroutines of the testing framework and of the
// runtime are ignored. A parallel test sees the goroutines of the tests it
// runs beside, so do not use CheckGoroutines in tests that call t.Parallel.
func CheckGoroutines(t testing.TB) {
	t.Helper()
	baseline := map[string]bool{}
	for _, g := range goroutines() {
		baseline[g.id] = true
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(leakGrace)
		wait := time.Millisecond
		for {
			var extra []goroutine
			for _, g := range goroutines() {
				if !baseline[g.id] && !ignorable(g.stack) {
					extra = append(extra, g)
				}
			}
			if len(extra) == 0 {
				return
			}
			if time.Now().After(deadline) {
				var b strings.Builder
				for _, g := range extra {
					b.WriteString("\n\n")
					b.WriteString(g.stack)
				}
				t.Errorf("testutil: %d goroutine(s) leaked by the test:%s", len(extra), b.String())
				return
			}
			runtime.Gosched()
			time.Sleep(wait)
			if wait < 50*time.Millisecond {
				wait *= 2
			}
		}
	})
}

// leakGrace is how long CheckGoroutines waits for goroutines to exit.
var leakGrace = 5 * time.Second

type goroutine struct {
	id    string // "goroutine 12"
	stack string
}

// goroutines returns a stack dump of every goroutine, split per goroutine.
func goroutines() []goroutine {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var gs []goroutine
	for _, s := range bytes.Split(buf, []byte("\n\n")) {
		stack := string(bytes.TrimSpace(s))
		// Each block starts "goroutine 12 [running]:".
		header, _, _ := strings.Cut(stack, " [")
		if !strings.HasPrefix(header, "goroutine ") {
			continue
		}
		gs = append(gs, goroutine{id: header, stack: stack})
	}
	return gs
}

// ignoredFrames mark goroutines that belong to the test framework or the
// runtime rather than to the code under test.
var ignoredFrames = []string{
	"testing.tRunner",
	"testing.(*T).Run",
	"testing.(*F).Fuzz",
	"testing.runFuzzing",
	"testing.(*M).",
	"testing.runTests",
	"runtime.goexit0",
	"os/signal.signal_recv",
	"os/signal.loop",
	"runtime.ensureSigM",
	"runtime/trace.",
}

// ignorable reports whether a goroutine's stack shows it belongs to the
// testing framework or the runtime.
func ignorable(stack string) bool {
	for _, f := range ignoredFrames {
		if strings.Contains(stack, f) {
			return true
		}
	}
	return false
}
