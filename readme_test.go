package hush_test

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readmeSnippet is a ```go block of README.md.
type readmeSnippet struct {
	line int // where the block starts, 1-based
	code string
}

// readmeGoSnippets returns the ```go blocks of a Markdown file.
func readmeGoSnippets(t *testing.T, path string) []readmeSnippet {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out   []readmeSnippet
		cur   *readmeSnippet
		lines = strings.Split(string(b), "\n")
	)
	for i, l := range lines {
		switch {
		case cur == nil && strings.TrimSpace(l) == "```go":
			cur = &readmeSnippet{line: i + 1}
		case cur != nil && strings.TrimSpace(l) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.code += l + "\n"
		}
	}
	if cur != nil {
		t.Fatalf("%s: the ```go block at line %d is not closed", path, cur.line)
	}
	return out
}

// TestReadmeSnippets type-checks every Go program in README.md (the ```go
// blocks with "package main") inside this module, with go vet, and checks
// that each is gofmt-clean, so the README cannot rot. Programs that import
// gRPC are checked by the grpccreds module's own test, which has gRPC in its
// go.mod.
func TestReadmeSnippets(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	snippets := readmeGoSnippets(t, "README.md")
	// The directory is inside the module, so the snippets build against
	// this very tree with its go.mod; the leading dot keeps "./..." from
	// seeing it should another go command run meanwhile.
	dir, err := os.MkdirTemp(".", ".readme-snippets-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var pkgs []string
	for i, s := range snippets {
		if !strings.HasPrefix(s.code, "package main\n") {
			continue
		}
		if formatted, err := format.Source([]byte(s.code)); err != nil {
			t.Errorf("README.md:%d: %v", s.line, err)
			continue
		} else if !bytes.Equal(formatted, []byte(s.code)) {
			t.Errorf("README.md:%d: the snippet is not gofmt-clean; gofmt gives:\n%s", s.line, formatted)
		}
		if strings.Contains(s.code, `"google.golang.org/grpc`) {
			continue
		}
		pkg := filepath.Join(dir, "snippet"+strconv.Itoa(i))
		if err := os.Mkdir(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		// A comment ties compiler errors back to the README.
		code := "// README.md line " + strconv.Itoa(s.line) + "\n\n" + s.code
		if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(pkg))
	}
	if len(pkgs) < 4 {
		t.Fatalf("found %d Go programs in README.md, want at least 4 (quickstart client and server, HTTPS server, HTTP client)", len(pkgs))
	}
	cmd := exec.Command(goTool, append([]string{"vet"}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet on the README's programs: %v\n%s", err, out)
	}
}
