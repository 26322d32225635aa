// Package cpu reports whether this host runs AES-GCM on a hardware fast
// path, which decides the default cipher-suite order (see package suites).
//
// Two questions are asked, of two sources:
//   - what the CPU has: github.com/klauspost/cpuid/v2 reads CPUID (x86) or
//     the ID registers / HWCAP (arm64) and names the processor;
//   - what Go will use: golang.org/x/sys/cpu mirrors the flags that the
//     standard library's crypto/aes consults, and, like the runtime's own
//     internal/cpu, it honours GODEBUG=cpu.aes=off (and cpu.pclmulqdq=off,
//     cpu.pmull=off, ...). Verified on Go 1.26 with x/sys v0.50.0: with
//     GODEBUG=cpu.aes=off, cpu.X86.HasAES reads false while cpuid still
//     reports AESNI. So no GODEBUG parsing of our own is needed.
//
// Hardware AES-GCM is reported only when both agree: the CPU has the
// instructions and Go has not been told to ignore them.
package cpu

import (
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
	"golang.org/x/sys/cpu"
)

// HasAESGCMHardware reports whether the CPU has AES and carry-less multiply
// instructions (x86: AES-NI and PCLMULQDQ; arm64: AES and PMULL) and Go's
// crypto/aes will use them for GCM.
func HasAESGCMHardware() bool {
	return cpuHas() && goUses()
}

// cpuHas reports what the processor itself offers, per CPUID.
func cpuHas() bool {
	switch runtime.GOARCH {
	case "amd64", "386":
		return cpuid.CPU.Supports(cpuid.AESNI, cpuid.CLMUL)
	case "arm64":
		return cpuid.CPU.Supports(cpuid.AESARM, cpuid.PMULL)
	}
	return false
}

// goUses reports what Go's assembly GCM is enabled for, after GODEBUG.
// On x86 crypto/aes also requires SSSE3 and SSE4.1 for its GCM assembly
// (crypto/internal/fips140/aes/gcm, Go 1.26), so those are checked too.
func goUses() bool {
	switch runtime.GOARCH {
	case "amd64", "386":
		return cpu.X86.HasAES && cpu.X86.HasPCLMULQDQ && cpu.X86.HasSSSE3 && cpu.X86.HasSSE41
	case "arm64":
		return cpu.ARM64.HasAES && cpu.ARM64.HasPMULL
	}
	return false
}

// Describe returns a one-line human description of the AES hardware
// situation, for demos and diagnostics, e.g.
// "AES-NI+PCLMULQDQ (AMD EPYC 7B13)" or "no AES hardware (...)".
func Describe() string {
	brand := strings.TrimSpace(cpuid.CPU.BrandName)
	if brand == "" {
		brand = runtime.GOARCH
	}
	var feat string
	switch runtime.GOARCH {
	case "amd64", "386":
		feat = "AES-NI+PCLMULQDQ"
	case "arm64":
		feat = "ARMv8 AES+PMULL"
	}
	switch {
	case HasAESGCMHardware():
		return feat + " (" + brand + ")"
	case cpuHas():
		return feat + " present but disabled for Go (GODEBUG) (" + brand + ")"
	default:
		return "no AES hardware (" + brand + ")"
	}
}
