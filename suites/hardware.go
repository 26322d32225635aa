package suites

import (
	"sync"

	"github.com/hushtls/hush/internal/cpu"
)

var hardwareAES = sync.OnceValue(cpu.HasAESGCMHardware)

// HardwareAES reports whether this host runs AES-GCM in hardware: the CPU
// has AES and carry-less multiply (AES-NI+PCLMULQDQ, or ARMv8 AES+PMULL)
// and Go uses them (GODEBUG=cpu.aes=off turns this off). It is computed
// once per process.
func HardwareAES() bool { return hardwareAES() }
