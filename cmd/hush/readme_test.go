package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeCommands checks that every "go run ./cmd/hush ..." command in
// README.md names a real subcommand and flags it accepts: each is run with
// -h added after its flags, which parses them all and prints the help.
func TestReadmeCommands(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "go run ./cmd/hush "
	n := 0
	for i, line := range strings.Split(string(b), "\n") {
		_, rest, ok := strings.Cut(line, prefix)
		if !ok {
			continue
		}
		// Drop Markdown around inline commands, and the end of a sentence.
		rest, _, _ = strings.Cut(rest, "`")
		args := strings.Fields(rest)
		if len(args) == 0 {
			continue
		}
		if args[0] == "help" {
			if code, _, errs := runCmd(t, args...); code != exitOK {
				t.Errorf("README.md:%d: hush %s: exit %d: %s", i+1, rest, code, errs)
			}
			n++
			continue
		}
		// Flags end at the first argument that is not a flag or a flag's
		// value; -h goes there.
		cmd := lookup(args[0])
		if cmd == nil {
			t.Errorf("README.md:%d: unknown command %q", i+1, args[0])
			continue
		}
		withH := append([]string{args[0]}, args[1:]...)
		if args[0] == "client" {
			last := len(withH) - 1
			withH = append(append(withH[:last:last], "-h"), withH[last])
		} else {
			withH = append(withH, "-h")
		}
		code, out, errs := runCmd(t, withH...)
		if code != exitOK || !strings.HasPrefix(out, "usage: hush "+args[0]) {
			t.Errorf("README.md:%d: hush %s: exit %d\n%s", i+1, strings.Join(withH, " "), code, errs)
		}
		n++
	}
	if n < 8 {
		t.Errorf("found %d hush commands in README.md, want the demo, client and server ones", n)
	}
}
