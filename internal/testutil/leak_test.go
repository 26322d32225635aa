package testutil

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a testing.TB that records failures instead of reporting them,
// so the test can check that CheckGoroutines does fail.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, format)
}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) runCleanups() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestCheckGoroutinesPassesWhenGoroutinesExit(t *testing.T) {
	r := &recorder{TB: t}
	CheckGoroutines(r)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); <-stop }()
	}
	// As in a real test, a later cleanup (run first) stops the goroutines;
	// they may still be finishing when the check looks, which it must
	// tolerate.
	r.Cleanup(func() { close(stop) })
	r.runCleanups()
	wg.Wait()
	if len(r.errors) != 0 {
		t.Fatalf("unexpected failure: %v", r.errors)
	}
}

func TestCheckGoroutinesReportsLeak(t *testing.T) {
	defer func(d time.Duration) { leakGrace = d }(leakGrace)
	leakGrace = 100 * time.Millisecond
	r := &recorder{TB: t}
	CheckGoroutines(r)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { <-stop; close(done) }()
	r.runCleanups()
	close(stop)
	<-done
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "leaked") {
		t.Fatalf("got %q, want one leak report", r.errors)
	}
}
