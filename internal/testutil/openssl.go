package testutil

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// OpenSSLPath returns the path of the openssl binary, skipping the test when
// there is none.
func OpenSSLPath(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl binary not found: install it (apt-get install openssl); .ci/run does")
	}
	return path
}

var (
	versionOnce sync.Once
	version     string
	versionErr  error
)

// OpenSSLVersion returns the output of `openssl version`, such as
// "OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)".
func OpenSSLVersion(t testing.TB) string {
	t.Helper()
	path := OpenSSLPath(t)
	versionOnce.Do(func() {
		out, err := exec.Command(path, "version").CombinedOutput()
		version, versionErr = strings.TrimSpace(string(out)), err
	})
	if versionErr != nil {
		t.Fatalf("testutil: openssl version: %v: %s", versionErr, version)
	}
	return version
}

// OpenSSLProcess is a running openssl s_server or s_client whose standard
// streams carry the TLS connection's application data:
//
//   - bytes written to Stdin are sent to the peer;
//   - bytes received from the peer come out of Stdout, unchanged;
//   - everything openssl prints for people (the -brief connection summary,
//     verification results, errors) goes to stderr and is kept, last 64 KiB,
//     for Output and WaitForOutput.
//
// Stdout is buffered in memory as fast as openssl writes it, so openssl
// never blocks on it, whatever the test is doing; Stdin is a plain pipe.
//
// The process is killed if it is still running Timeout after it started;
// every blocking method then returns, and the test fails with openssl's
// output. It is killed, and its goroutines stopped, when the test finishes.
type OpenSSLProcess struct {
	t        testing.TB
	argv     []string
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	stdout   *stream
	stderr   *tail
	done     chan struct{} // closed once the process has exited and its output is drained
	waitErr  error         // valid after done
	watchdog *time.Timer
	timedOut atomic.Bool
}

// startOpenSSL starts openssl with args and registers its cleanup.
func startOpenSSL(t testing.TB, args []string) (*OpenSSLProcess, error) {
	t.Helper()
	path := OpenSSLPath(t)
	p := &OpenSSLProcess{
		t:      t,
		argv:   append([]string{"openssl"}, args...),
		cmd:    exec.Command(path, args...),
		stdout: newStream(),
		stderr: newTail(64 << 10),
		done:   make(chan struct{}),
	}
	p.cmd.Stdout = p.stdout
	p.cmd.Stderr = p.stderr
	// After the process exits, do not wait long for anything else that
	// might hold its pipes.
	p.cmd.WaitDelay = 5 * time.Second
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	p.watchdog = time.AfterFunc(Timeout, func() {
		select {
		case <-p.done:
		default:
			p.timedOut.Store(true)
			p.cmd.Process.Kill()
		}
	})
	go func() {
		p.waitErr = p.cmd.Wait()
		p.stdout.close()
		p.stderr.close()
		close(p.done)
	}()
	t.Cleanup(p.stop)
	return p, nil
}

// stop kills the process if it still runs and waits for it.
func (p *OpenSSLProcess) stop() {
	p.watchdog.Stop()
	p.stdin.Close()
	select {
	case <-p.done:
	default:
		p.cmd.Process.Kill()
		<-p.done
	}
	if p.timedOut.Load() {
		p.t.Errorf("testutil: %s was killed after running for %v; its output:\n%s", p, Timeout, p.Output())
	}
}

// String returns the command line.
func (p *OpenSSLProcess) String() string { return strings.Join(p.argv, " ") }

// Stdin returns a writer whose bytes openssl sends to its peer as
// application data. Writes block while openssl is busy, so write from a
// goroutine of their own when the test must also read.
func (p *OpenSSLProcess) Stdin() io.Writer { return p.stdin }

// CloseStdin closes openssl's standard input. s_server then sends
// close_notify and closes the connection; s_client ignores it unless it was
// started with -no_ign_eof (see StartOpenSSLClient).
func (p *OpenSSLProcess) CloseStdin() error { return p.stdin.Close() }

// Stdout returns a reader of the application data openssl received from its
// peer, byte for byte. Read blocks until data arrives and returns io.EOF once
// the process has exited and all its data has been read.
func (p *OpenSSLProcess) Stdout() io.Reader { return p.stdout }

// Output returns what openssl printed on stderr so far (at most the last
// 64 KiB): with -brief, the connection summary, e.g. "Protocol version:
// TLSv1.3", "Ciphersuite: TLS_AES_128_GCM_SHA256" and, from s_client only,
// "Server Temp Key: X25519, 253 bits".
func (p *OpenSSLProcess) Output() string { return p.stderr.String() }

// WaitForOutput waits until openssl's stderr contains substr and returns the
// output so far. It fails the test if the process exits (or is killed for
// running too long) first.
func (p *OpenSSLProcess) WaitForOutput(t testing.TB, substr string) string {
	t.Helper()
	out, ok := p.stderr.waitFor(substr)
	if !ok {
		t.Fatalf("testutil: %s exited (%v) before printing %q; its output:\n%s", p, p.exitStatus(), substr, out)
	}
	return out
}

// WaitForLine waits until openssl's stderr has a complete line starting
// with prefix and returns that line without its newline. It fails the test
// if the process exits first. The -brief summary is printed piecemeal and
// ends with "Supported groups: ..." from s_server and "Server Temp Key: ..."
// from s_client, so waiting for those lines waits for the whole summary.
func (p *OpenSSLProcess) WaitForLine(t testing.TB, prefix string) string {
	t.Helper()
	line, ok := p.stderr.waitForLine(prefix)
	if !ok {
		t.Fatalf("testutil: %s exited (%v) before printing a line starting %q; its output:\n%s", p, p.exitStatus(), prefix, p.Output())
	}
	return line
}

// Exited returns a channel closed once the process has exited and all its
// output has been read.
func (p *OpenSSLProcess) Exited() <-chan struct{} { return p.done }

// Wait waits for the process to exit and returns nil if it exited with
// status 0. The error otherwise carries openssl's output.
func (p *OpenSSLProcess) Wait() error {
	<-p.done
	if err := p.exitStatus(); err != nil {
		return fmt.Errorf("%s: %w; its output:\n%s", p, err, p.Output())
	}
	return nil
}

func (p *OpenSSLProcess) exitStatus() error {
	select {
	case <-p.done:
	default:
		return errors.New("still running")
	}
	if p.timedOut.Load() {
		return fmt.Errorf("killed after running for %v (testutil.Timeout)", Timeout)
	}
	return p.waitErr
}

// stream is an unbounded in-memory pipe: Write never blocks, Read blocks
// until there is data or the writer has closed.
type stream struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    []byte
	closed bool
}

func newStream() *stream {
	s := &stream{}
	s.cond.L = &s.mu
	return s
}

func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	s.cond.Broadcast()
	return len(p), nil
}

func (s *stream) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.buf) == 0 && !s.closed {
		s.cond.Wait()
	}
	if len(s.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	if len(s.buf) == 0 {
		s.buf = nil
	}
	return n, nil
}

func (s *stream) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.cond.Broadcast()
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu     sync.Mutex
	cond   sync.Cond
	max    int
	buf    []byte
	closed bool
}

func newTail(max int) *tail {
	t := &tail{max: max}
	t.cond.L = &t.mu
	return t
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0:0], t.buf[len(t.buf)-t.max:]...)
	}
	t.cond.Broadcast()
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// waitFor waits until the kept output contains substr or the writer closes.
func (t *tail) waitFor(substr string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		if strings.Contains(string(t.buf), substr) {
			return string(t.buf), true
		}
		if t.closed {
			return string(t.buf), false
		}
		t.cond.Wait()
	}
}

// waitForLine waits until the kept output has a complete line starting with
// prefix, or the writer closes.
func (t *tail) waitForLine(prefix string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		lines := strings.Split(string(t.buf), "\n")
		for _, l := range lines[:len(lines)-1] { // the last is incomplete
			if strings.HasPrefix(l, prefix) {
				return strings.TrimSuffix(l, "\r"), true
			}
		}
		if t.closed {
			return "", false
		}
		t.cond.Wait()
	}
}

func (t *tail) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.cond.Broadcast()
}
