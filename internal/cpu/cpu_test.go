package cpu

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// subprocessEnv marks a re-run of this test binary in a child process.
const subprocessEnv = "HUSH_CPU_TEST_CHILD"

func TestHasAESGCMHardwareHost(t *testing.T) {
	if os.Getenv(subprocessEnv) != "" {
		t.Skip("child process")
	}
	if !cpuHas() {
		t.Skip("host CPU has no AES and carry-less multiply instructions")
	}
	if strings.Contains(os.Getenv("GODEBUG"), "cpu.") {
		t.Skip("GODEBUG already adjusts CPU features")
	}
	if !HasAESGCMHardware() {
		t.Fatalf("HasAESGCMHardware() = false on a host whose CPU has the instructions (%s)", Describe())
	}
	if d := Describe(); strings.Contains(d, "no AES") || strings.Contains(d, "disabled") {
		t.Errorf("Describe() = %q", d)
	}
}

// TestGODEBUGChild runs only in the child process started by
// TestGODEBUGDisablesAES and reports through its exit status.
func TestGODEBUGChild(t *testing.T) {
	if os.Getenv(subprocessEnv) == "" {
		t.Skip("only runs as a child of TestGODEBUGDisablesAES")
	}
	if HasAESGCMHardware() {
		t.Fatalf("GODEBUG=%q: HasAESGCMHardware() = true", os.Getenv("GODEBUG"))
	}
	if d := Describe(); strings.HasPrefix(d, "AES-NI+PCLMULQDQ (") || strings.HasPrefix(d, "ARMv8 AES+PMULL (") {
		t.Errorf("Describe() = %q claims hardware", d)
	}
}

func TestGODEBUGDisablesAES(t *testing.T) {
	if os.Getenv(subprocessEnv) != "" {
		t.Skip("child process")
	}
	for _, godebug := range []string{"cpu.aes=off", "cpu.pclmulqdq=off", "cpu.pmull=off,cpu.aes=off"} {
		if runtime.GOARCH == "arm64" && godebug == "cpu.pclmulqdq=off" {
			continue
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestGODEBUGChild$", "-test.v")
		cmd.Env = append(os.Environ(), subprocessEnv+"=1", "GODEBUG="+godebug)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("GODEBUG=%s: child failed: %v\n%s", godebug, err, out)
			continue
		}
		if !strings.Contains(string(out), "--- PASS: TestGODEBUGChild") {
			t.Errorf("GODEBUG=%s: child did not run the check:\n%s", godebug, out)
		}
	}
}
