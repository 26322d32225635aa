package suites_test

import (
	"fmt"

	"github.com/hushtls/hush/suites"
)

func ExampleLookup() {
	s, ok := suites.Lookup(suites.TLS_AES_256_GCM_SHA384)
	fmt.Println(ok, s.Name, s.Hash, s.KeyLen, s.IVLen, s.Cipher)
	fmt.Println(suites.Name(0x5600), suites.Name(0x1234))
	// Output:
	// true TLS_AES_256_GCM_SHA384 SHA-384 32 12 AES-GCM
	// TLS_FALLBACK_SCSV 0x1234
}

func ExampleDefaultOrder() {
	for _, id := range suites.DefaultOrder()[:3] {
		s, _ := suites.Lookup(id)
		_ = s.Accelerated() // true for AES-GCM only on AES hardware
	}
	fmt.Println(len(suites.DefaultOrder()), "suites, TLS 1.3 first:", suites.All()[0].Version == 0x0304)
	// Output: 11 suites, TLS 1.3 first: true
}
