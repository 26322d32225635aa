package suites

import "sort"

// orderSuites returns the suites of entries in default preference order for
// a host with (hw) or without AES-GCM hardware. See DefaultOrder for the
// rules. It takes hw as a parameter so both orders can be tested on any host.
func orderSuites(entries []entry, hw bool) []*Suite {
	type ranked struct {
		s                    *Suite
		version, group, ciph int
		reg                  int
	}
	rs := make([]ranked, len(entries))
	for i, e := range entries {
		r := ranked{s: e.s, reg: i}
		if e.s.Version != version13 {
			r.version = 1
		}
		r.group = group(e)
		if e.builtin {
			r.ciph = cipherRank(e.s, hw)
		}
		rs[i] = r
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.version != b.version {
			return a.version < b.version
		}
		if a.group != b.group {
			return a.group < b.group
		}
		if a.ciph != b.ciph {
			return a.ciph < b.ciph
		}
		return a.reg < b.reg
	})
	out := make([]*Suite, len(rs))
	for i, r := range rs {
		out[i] = r.s
	}
	return out
}

// group ranks suites within a version: built-ins before third-party suites;
// in TLS 1.2, ECDHE_ECDSA before ECDHE_RSA, and static RSA after everything
// with forward secrecy.
func group(e entry) int {
	third := 0
	if !e.builtin {
		third = 1
	}
	switch e.s.KeyExchange {
	case KeyExchangeTLS13:
		return third
	case KeyExchangeECDHE_ECDSA:
		if e.builtin {
			return 0
		}
		return 2
	case KeyExchangeECDHE_RSA:
		if e.builtin {
			return 1
		}
		return 2
	default: // KeyExchangeRSA
		return 3 + third
	}
}

// cipherRank orders the built-in ciphers: AES-128-GCM, AES-256-GCM,
// ChaCha20-Poly1305 with AES-GCM hardware; ChaCha20-Poly1305 first without,
// since software AES-GCM is several times slower and not constant time.
func cipherRank(s *Suite, hw bool) int {
	switch s.Cipher {
	case CipherChaCha20Poly1305:
		if hw {
			return 2
		}
		return 0
	case CipherAESGCM:
		if s.KeyLen == 16 {
			return 0 + boolInt(!hw)
		}
		return 1 + boolInt(!hw)
	}
	return 3
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
