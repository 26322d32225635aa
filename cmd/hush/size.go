package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag.Value for amounts of data: "256MiB", "16MiB", "1GiB",
// "512KiB", "10MB", "1500" (bytes). Binary (KiB, MiB, GiB) and decimal
// (kB, MB, GB) suffixes are both accepted, case-insensitively.
type byteSize int64

var sizeSuffixes = []struct {
	suffix string
	mult   int64
}{
	// Longest first, so "MiB" is not read as "B".
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30},
	{"b", 1},
}

// maxSize bounds -size so that the demo stays a demo.
const maxSize = 64 << 30

func parseByteSize(s string) (byteSize, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, sf := range sizeSuffixes {
		if strings.HasSuffix(t, sf.suffix) {
			t = strings.TrimSpace(strings.TrimSuffix(t, sf.suffix))
			mult = sf.mult
			break
		}
	}
	if t == "" {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	v := f * float64(mult)
	if v > maxSize {
		return 0, fmt.Errorf("size %q is larger than the limit of %s", s, byteSize(maxSize))
	}
	if v < 1 {
		return 0, errors.New("size must be at least 1 byte")
	}
	return byteSize(v), nil
}

// Set implements flag.Value.
func (b *byteSize) Set(s string) error {
	v, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// String formats the size with the largest binary unit that divides it, or
// with one decimal of the largest unit it reaches.
func (b byteSize) String() string {
	n := int64(b)
	units := []struct {
		name string
		mult int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}
	for _, u := range units {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + " " + u.name
		}
	}
	for _, u := range units {
		if n >= u.mult {
			return strconv.FormatFloat(float64(n)/float64(u.mult), 'f', 1, 64) + " " + u.name
		}
	}
	if n == 1 {
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
