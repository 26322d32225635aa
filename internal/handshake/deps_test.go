package handshake

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// netImporters lists the packages allowed to bring net into
// internal/handshake's dependencies, with the reason: crypto/x509 imports
// net for the IP addresses of certificates, and the handshake needs
// crypto/x509 to verify chains. So the transitive form of the DESIGN.md rule
// ("go list -deps on internal/handshake must not show net") cannot hold; this
// test enforces what can: no other package, and none of hush's own, imports
// net on the way.
var netImporters = []string{"crypto/x509"}

// netImportBug is the known violation: client_hello.go imports net for
// net.ParseIP in sniHostName.
const netImportBug = "internal/handshake/client_hello.go imports net for net.ParseIP in sniHostName; " +
	"netip.ParseAddr (net/netip does not import net) gives the same answer for the SNI check"

// TestNoNetworkImports enforces the layering rule of DESIGN.md: the state
// machines do no I/O, so crypto/tls is nowhere among their dependencies
// and net only where crypto/x509 needs it.
func TestNoNetworkImports(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	var deps, importNet []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		deps = append(deps, f[0])
		if slices.Contains(f[1:], "net") && !slices.Contains(netImporters, f[0]) {
			importNet = append(importNet, f[0])
		}
	}
	if !slices.Contains(deps, "github.com/hushtls/hush/internal/wire") {
		t.Fatalf("go list -deps output does not look right:\n%s", out)
	}
	for _, d := range deps {
		if d == "crypto/tls" || strings.HasPrefix(d, "crypto/tls/") {
			t.Errorf("internal/handshake depends on %s", d)
		}
	}
	if slices.Equal(importNet, []string{"github.com/hushtls/hush/internal/handshake"}) {
		t.Fatalf("regression: %s", netImportBug)
	}
	for _, p := range importNet {
		t.Errorf("%s imports net, and is among internal/handshake's dependencies", p)
	}
}
