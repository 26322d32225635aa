package suites

import (
	"crypto"
	"crypto/cipher"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestBuiltinRegistry(t *testing.T) {
	want := []struct {
		id      uint16
		name    string
		version uint16
		kx      KeyExchange
		hash    crypto.Hash
		keyLen  int
		ivLen   int
		ciph    Cipher
		limit   uint64
	}{
		{0x1301, "TLS_AES_128_GCM_SHA256", 0x0304, KeyExchangeTLS13, crypto.SHA256, 16, 12, CipherAESGCM, 1 << 24},
		{0x1302, "TLS_AES_256_GCM_SHA384", 0x0304, KeyExchangeTLS13, crypto.SHA384, 32, 12, CipherAESGCM, 1 << 24},
		{0x1303, "TLS_CHACHA20_POLY1305_SHA256", 0x0304, KeyExchangeTLS13, crypto.SHA256, 32, 12, CipherChaCha20Poly1305, 0},
		{0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0x0303, KeyExchangeECDHE_ECDSA, crypto.SHA256, 16, 4, CipherAESGCM, 0},
		{0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0x0303, KeyExchangeECDHE_ECDSA, crypto.SHA384, 32, 4, CipherAESGCM, 0},
		{0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0x0303, KeyExchangeECDHE_RSA, crypto.SHA256, 16, 4, CipherAESGCM, 0},
		{0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0x0303, KeyExchangeECDHE_RSA, crypto.SHA384, 32, 4, CipherAESGCM, 0},
		{0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0x0303, KeyExchangeECDHE_ECDSA, crypto.SHA256, 32, 12, CipherChaCha20Poly1305, 0},
		{0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0x0303, KeyExchangeECDHE_RSA, crypto.SHA256, 32, 12, CipherChaCha20Poly1305, 0},
		{0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x0303, KeyExchangeRSA, crypto.SHA256, 16, 4, CipherAESGCM, 0},
		{0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", 0x0303, KeyExchangeRSA, crypto.SHA384, 32, 4, CipherAESGCM, 0},
	}
	if got := len(All()); got != len(want) {
		t.Fatalf("All() has %d suites, want %d", got, len(want))
	}
	for _, w := range want {
		s, ok := Lookup(w.id)
		if !ok {
			t.Errorf("Lookup(0x%04x) missing", w.id)
			continue
		}
		got := []any{s.ID, s.Name, s.Version, s.KeyExchange, s.Hash, s.KeyLen, s.IVLen, s.Cipher, s.ConfidentialityLimit}
		exp := []any{w.id, w.name, w.version, w.kx, w.hash, w.keyLen, w.ivLen, w.ciph, w.limit}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("suite 0x%04x = %v, want %v", w.id, got, exp)
		}
		if Name(w.id) != w.name {
			t.Errorf("Name(0x%04x) = %q", w.id, Name(w.id))
		}
		aead, err := s.NewAEAD(make([]byte, s.KeyLen))
		if err != nil {
			t.Errorf("%s: NewAEAD: %v", s.Name, err)
			continue
		}
		if aead.NonceSize() != 12 || aead.Overhead() != 16 {
			t.Errorf("%s: nonce %d overhead %d", s.Name, aead.NonceSize(), aead.Overhead())
		}
		if _, err := s.NewAEAD(make([]byte, s.KeyLen+1)); err == nil {
			t.Errorf("%s: NewAEAD accepted a %d-byte key", s.Name, s.KeyLen+1)
		}
		wantAcc := s.Cipher == CipherChaCha20Poly1305 || HardwareAES()
		if s.Accelerated() != wantAcc {
			t.Errorf("%s: Accelerated() = %v, want %v", s.Name, s.Accelerated(), wantAcc)
		}
	}
	if _, ok := Lookup(TLS_FALLBACK_SCSV); ok {
		t.Error("Lookup found TLS_FALLBACK_SCSV")
	}
	for id, name := range map[uint16]string{
		TLS_EMPTY_RENEGOTIATION_INFO_SCSV: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
		TLS_FALLBACK_SCSV:                 "TLS_FALLBACK_SCSV",
		0x1234:                            "0x1234",
		0xabcd:                            "0xABCD",
	} {
		if got := Name(id); got != name {
			t.Errorf("Name(0x%04x) = %q, want %q", id, got, name)
		}
	}
}

var (
	orderWithHW = []uint16{
		0x1301, 0x1302, 0x1303,
		0xc02b, 0xc02c, 0xcca9,
		0xc02f, 0xc030, 0xcca8,
		0x009c, 0x009d,
	}
	orderWithoutHW = []uint16{
		0x1303, 0x1301, 0x1302,
		0xcca9, 0xc02b, 0xc02c,
		0xcca8, 0xc02f, 0xc030,
		0x009c, 0x009d,
	}
)

func ids(ss []*Suite) []uint16 {
	out := make([]uint16, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

func TestOrderSuites(t *testing.T) {
	entries := current.Load().entries
	if got := ids(orderSuites(entries, true)); !reflect.DeepEqual(got, orderWithHW) {
		t.Errorf("with AES hardware: %x, want %x", got, orderWithHW)
	}
	if got := ids(orderSuites(entries, false)); !reflect.DeepEqual(got, orderWithoutHW) {
		t.Errorf("without AES hardware: %x, want %x", got, orderWithoutHW)
	}
	want := orderWithoutHW
	if HardwareAES() {
		want = orderWithHW
	}
	if got := DefaultOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultOrder() = %x, want %x", got, want)
	}
	if got := ids(All()); !reflect.DeepEqual(got, want) {
		t.Errorf("All() = %x, want %x", got, want)
	}
}

// fakeAEAD lets validation tests control NonceSize and Overhead.
type fakeAEAD struct{ nonce, overhead int }

func (f fakeAEAD) NonceSize() int                                { return f.nonce }
func (f fakeAEAD) Overhead() int                                 { return f.overhead }
func (f fakeAEAD) Seal(dst, nonce, p, ad []byte) []byte          { return append(dst, p...) }
func (f fakeAEAD) Open(dst, nonce, c, ad []byte) ([]byte, error) { return append(dst, c...), nil }

func thirdParty(id uint16, version uint16, kx KeyExchange) Suite {
	s, _ := Lookup(TLS_AES_128_GCM_SHA256)
	c := *s
	c.ID, c.Name, c.Version, c.KeyExchange = id, fmt.Sprintf("TEST_%04X", id), version, kx
	c.Cipher, c.ConfidentialityLimit = 0, 0
	if version == version12 {
		c.IVLen = 4
	}
	return c
}

func TestRegisterValidation(t *testing.T) {
	t.Cleanup(resetRegistry)
	good := thirdParty(0xff01, version13, KeyExchangeTLS13)
	tests := []struct {
		name   string
		mod    func(*Suite)
		errSub string
	}{
		{"zero ID", func(s *Suite) { s.ID = 0 }, "ID 0"},
		{"renegotiation SCSV", func(s *Suite) { s.ID = TLS_EMPTY_RENEGOTIATION_INFO_SCSV }, "signalling"},
		{"fallback SCSV", func(s *Suite) { s.ID = TLS_FALLBACK_SCSV }, "signalling"},
		{"duplicate built-in", func(s *Suite) { s.ID = TLS_AES_128_GCM_SHA256 }, "already registered"},
		{"no name", func(s *Suite) { s.Name = "" }, "no name"},
		{"version 1.1", func(s *Suite) { s.Version = 0x0302 }, "version"},
		{"1.3 with 1.2 kx", func(s *Suite) { s.KeyExchange = KeyExchangeECDHE_RSA }, "KeyExchangeTLS13"},
		{"1.2 with 1.3 kx", func(s *Suite) { s.Version = version12 }, "not a TLS 1.2 key exchange"},
		{"1.2 with unknown kx", func(s *Suite) { s.Version = version12; s.KeyExchange = 9 }, "not a TLS 1.2 key exchange"},
		{"no hash", func(s *Suite) { s.Hash = 0 }, "hash"},
		{"unavailable hash", func(s *Suite) { s.Hash = crypto.MD4 }, "hash"},
		{"zero key", func(s *Suite) { s.KeyLen = 0 }, "key length"},
		{"negative key", func(s *Suite) { s.KeyLen = -16 }, "key length"},
		{"IV 8", func(s *Suite) { s.IVLen = 8 }, "IV length"},
		{"IV 4 in 1.3", func(s *Suite) { s.IVLen = 4 }, "IV length"},
		{"bad cipher", func(s *Suite) { s.Cipher = 9 }, "cipher family"},
		{"nil NewAEAD", func(s *Suite) { s.NewAEAD = nil }, "NewAEAD is nil"},
		{"NewAEAD rejects key", func(s *Suite) { s.KeyLen = 24 + 1 }, "NewAEAD"},
		{"NewAEAD error", func(s *Suite) {
			s.NewAEAD = func([]byte) (cipher.AEAD, error) { return nil, errors.New("nope") }
		}, "nope"},
		{"NewAEAD nil AEAD", func(s *Suite) {
			s.NewAEAD = func([]byte) (cipher.AEAD, error) { return nil, nil }
		}, "nil AEAD"},
		{"nonce 8", func(s *Suite) {
			s.NewAEAD = func([]byte) (cipher.AEAD, error) { return fakeAEAD{8, 16}, nil }
		}, "nonce size"},
		{"overhead 256", func(s *Suite) {
			s.NewAEAD = func([]byte) (cipher.AEAD, error) { return fakeAEAD{12, 256}, nil }
		}, "overhead"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			tt.mod(&s)
			err := Register(s)
			if err == nil || !strings.Contains(err.Error(), tt.errSub) || !strings.HasPrefix(err.Error(), "hush: ") {
				t.Fatalf("Register: %v, want error containing %q", err, tt.errSub)
			}
		})
	}
	if len(All()) != len(orderWithHW) {
		t.Fatal("a rejected suite was registered")
	}

	// Valid registrations: overhead 255 is the maximum; IV 4 is fine for 1.2.
	ok := []Suite{good, thirdParty(0xff02, version12, KeyExchangeECDHE_RSA)}
	edge := thirdParty(0xff03, version13, KeyExchangeTLS13)
	edge.NewAEAD = func([]byte) (cipher.AEAD, error) { return fakeAEAD{12, 255}, nil }
	ok = append(ok, edge)
	for _, s := range ok {
		if err := Register(s); err != nil {
			t.Fatalf("Register(%s): %v", s.Name, err)
		}
	}
	if err := Register(good); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("second Register(%s): %v", good.Name, err)
	}
	s, found := Lookup(0xff01)
	if !found || s.Cipher != CipherOther || s.Accelerated() {
		t.Fatalf("Lookup(0xff01) = %+v, %v; want CipherOther, not accelerated", s, found)
	}
}

func TestThirdPartyOrder(t *testing.T) {
	t.Cleanup(resetRegistry)
	for _, s := range []Suite{
		thirdParty(0xff10, version12, KeyExchangeRSA),
		thirdParty(0xff11, version12, KeyExchangeECDHE_ECDSA),
		thirdParty(0xff12, version13, KeyExchangeTLS13),
		thirdParty(0xff13, version12, KeyExchangeECDHE_RSA),
		thirdParty(0xff14, version13, KeyExchangeTLS13),
	} {
		if err := Register(s); err != nil {
			t.Fatal(err)
		}
	}
	want := []uint16{
		0x1301, 0x1302, 0x1303, 0xff12, 0xff14,
		0xc02b, 0xc02c, 0xcca9,
		0xc02f, 0xc030, 0xcca8,
		0xff11, 0xff13,
		0x009c, 0x009d, 0xff10,
	}
	if got := ids(orderSuites(current.Load().entries, true)); !reflect.DeepEqual(got, want) {
		t.Errorf("order = %x, want %x", got, want)
	}
	if got := len(DefaultOrder()); got != len(want) {
		t.Errorf("DefaultOrder has %d suites, want %d", got, len(want))
	}
}

func TestReturnedSlicesAreCopies(t *testing.T) {
	a := DefaultOrder()
	a[0] = 0
	if DefaultOrder()[0] == 0 {
		t.Error("DefaultOrder returned the registry's own slice")
	}
	b := All()
	b[0] = nil
	if All()[0] == nil {
		t.Error("All returned the registry's own slice")
	}
}

func TestConcurrentRegisterAndLookup(t *testing.T) {
	t.Cleanup(resetRegistry)
	const writers, perWriter, readers = 4, 25, 4
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				if err := Register(thirdParty(uint16(0xfe00+w*perWriter+i), version13, KeyExchangeTLS13)); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if s, ok := Lookup(TLS_AES_128_GCM_SHA256); !ok || s.Name != "TLS_AES_128_GCM_SHA256" {
					t.Error("built-in suite missing during registration")
					return
				}
				order, all := DefaultOrder(), All()
				if len(order) < len(orderWithHW) || len(all) < len(orderWithHW) {
					t.Error("short registry snapshot")
					return
				}
				_ = Name(uint16(0xfe00 + i))
			}
		}()
	}
	wg.Wait()
	if got, want := len(DefaultOrder()), len(orderWithHW)+writers*perWriter; got != want {
		t.Fatalf("DefaultOrder has %d suites, want %d", got, want)
	}
}

// childEnv marks a re-run of this test binary under GODEBUG=cpu.aes=off.
const childEnv = "HUSH_SUITES_TEST_CHILD"

// TestSoftwareOrderChild runs only as the child of
// TestGODEBUGSelectsChaCha20 and checks the software order.
func TestSoftwareOrderChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("only runs as a child of TestGODEBUGSelectsChaCha20")
	}
	if HardwareAES() {
		t.Fatal("HardwareAES() = true under GODEBUG=cpu.aes=off")
	}
	if got := DefaultOrder(); !reflect.DeepEqual(got, orderWithoutHW) {
		t.Fatalf("DefaultOrder() = %x, want %x", got, orderWithoutHW)
	}
	aes, _ := Lookup(TLS_AES_128_GCM_SHA256)
	cha, _ := Lookup(TLS_CHACHA20_POLY1305_SHA256)
	if aes.Accelerated() || !cha.Accelerated() {
		t.Fatal("Accelerated(): AES-GCM should be false and ChaCha20 true without hardware")
	}
}

func TestGODEBUGSelectsChaCha20(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSoftwareOrderChild$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1", "GODEBUG=cpu.aes=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestSoftwareOrderChild") {
		t.Fatalf("child did not run the check:\n%s", out)
	}
}
