package grpccreds_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReadmeSnippets type-checks, with go vet inside this module (which has
// gRPC in its go.mod), the Go programs of ../README.md that import gRPC.
// The root module's test checks the others.
func TestReadmeSnippets(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(".", ".readme-snippets-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var (
		pkgs  []string
		code  strings.Builder
		start int
		in    bool
	)
	for i, l := range strings.Split(string(b), "\n") {
		switch {
		case !in && strings.TrimSpace(l) == "```go":
			in, start = true, i+1
			code.Reset()
		case in && strings.TrimSpace(l) == "```":
			in = false
			src := code.String()
			if !strings.HasPrefix(src, "package main\n") || !strings.Contains(src, `"google.golang.org/grpc"`) {
				continue
			}
			pkg := filepath.Join(dir, "snippet"+strconv.Itoa(start))
			if err := os.Mkdir(pkg, 0o755); err != nil {
				t.Fatal(err)
			}
			src = "// README.md line " + strconv.Itoa(start) + "\n\n" + src
			if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			pkgs = append(pkgs, "./"+filepath.ToSlash(pkg))
		case in:
			code.WriteString(l + "\n")
		}
	}
	if len(pkgs) < 2 {
		t.Fatalf("found %d gRPC programs in README.md, want the server and the client", len(pkgs))
	}
	if out, err := exec.Command(goTool, append([]string{"vet"}, pkgs...)...).CombinedOutput(); err != nil {
		t.Fatalf("go vet on the README's gRPC programs: %v\n%s", err, out)
	}
}
