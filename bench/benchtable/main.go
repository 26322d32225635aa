// Command benchtable turns benchstat's CSV output for package bench (run
// with -col /lib) into one Markdown table per benchmark family: hush,
// crypto/tls, their ratio and, for bulk transfer, the raw AEAD ceiling.
// compare.sh is its user:
//
//	benchstat -format csv -col /lib raw.txt | go run ./bench/benchtable
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// cell is one median with benchstat's confidence interval.
type cell struct {
	v  float64
	ci string
	ok bool
}

// key identifies a value: benchmark name (without the -GOMAXPROCS
// suffix), unit, and lib ("" for rows without one).
type key struct{ name, unit, lib string }

var procsSuffix = regexp.MustCompile(`-\d+$`)

// rawFile holds the raw samples; when given, ratios are the median of
// per-round ratios (each hush sample over the crypto/tls sample of the same
// round), which cancels most of the load that a shared machine adds.
var rawFile = flag.String("raw", "", "raw `go test -bench` output, for paired ratios")

// paired maps (benchmark name without lib, unit) to the median of the
// per-round hush/crypto_tls ratios.
var paired = map[[2]string]float64{}

func main() {
	flag.Parse()
	vals, order, err := parse(os.Stdin)
	if err == nil && *rawFile != "" {
		err = parseRaw(*rawFile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	bulk(os.Stdout, vals, order)
	handshakes(os.Stdout, vals, order, "Handshake", "Full handshakes, client and server in one process (medians)")
	handshakes(os.Stdout, vals, order, "ResumedHandshake", "Resumed handshakes, client and server in one process (medians)")
	idle(os.Stdout, vals, order)
}

// parse reads benchstat's CSV: tables separated by blank lines, each with a
// header row of column groups (the lib), a row of units, then one row per
// benchmark.
func parse(r io.Reader) (map[key]cell, []string, error) {
	vals := map[key]cell{}
	var order []string
	seen := map[string]bool{}
	var block []string
	flush := func() error {
		defer func() { block = block[:0] }()
		if len(block) < 3 {
			return nil
		}
		rd := csv.NewReader(strings.NewReader(strings.Join(block, "\n")))
		rd.FieldsPerRecord = -1
		recs, err := rd.ReadAll()
		if err != nil {
			return err
		}
		groups, units := recs[0], recs[1]
		for _, rec := range recs[2:] {
			if len(rec) == 0 || rec[0] == "geomean" {
				continue
			}
			name := procsSuffix.ReplaceAllString(rec[0], "")
			for i := 1; i < len(rec) && i < len(units); i++ {
				u := units[i]
				if u == "CI" || u == "vs base" || u == "P" || u == "" || rec[i] == "" {
					continue
				}
				v, err := strconv.ParseFloat(rec[i], 64)
				if err != nil {
					continue
				}
				c := cell{v: v, ok: true}
				if i+1 < len(rec) && units[i+1] == "CI" {
					c.ci = rec[i+1]
				}
				vals[key{name, u, groups[i]}] = c
				if !seen[name] {
					seen[name] = true
					order = append(order, name)
				}
			}
		}
		return nil
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			if err := flush(); err != nil {
				return nil, nil, err
			}
		case strings.Contains(line, ","):
			block = append(block, line)
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return vals, order, sc.Err()
}

// params splits "Family/a=x/b=y" into its family and key=value pairs.
func params(name string) (family string, kv map[string]string) {
	parts := strings.Split(name, "/")
	kv = map[string]string{}
	for _, p := range parts[1:] {
		if k, v, ok := strings.Cut(p, "="); ok {
			kv[k] = v
		}
	}
	return parts[0], kv
}

// rows returns the distinct benchmark names of a family, lib stripped, in
// first-seen order.
func rows(order []string, family string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range order {
		if f, _ := params(n); f == family && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func fmtVal(c cell, scale float64, prec int) string {
	if !c.ok {
		return "—"
	}
	s := strconv.FormatFloat(c.v/scale, 'f', prec, 64)
	if c.ci != "" && c.ci != "∞" {
		s += " ±" + c.ci
	}
	return s
}

// parseRaw reads raw benchmark lines and fills paired.
func parseRaw(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	samples := map[[3]string][]float64{} // name, unit, lib
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		full := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		i := strings.LastIndex(full, "/lib=")
		if i < 0 {
			continue
		}
		name, lib := full[:i], full[i+len("/lib="):]
		for j := 2; j+1 < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				continue
			}
			samples[[3]string{name, f[j+1], lib}] = append(samples[[3]string{name, f[j+1], lib}], v)
		}
	}
	for k, hs := range samples {
		if k[2] != "hush" {
			continue
		}
		ts := samples[[3]string{k[0], k[1], "crypto_tls"}]
		var rs []float64
		for i := 0; i < len(hs) && i < len(ts); i++ {
			if ts[i] != 0 {
				rs = append(rs, hs[i]/ts[i])
			}
		}
		if len(rs) == 0 {
			continue
		}
		sort.Float64s(rs)
		m := rs[len(rs)/2]
		if len(rs)%2 == 0 {
			m = (rs[len(rs)/2-1] + rs[len(rs)/2]) / 2
		}
		paired[[2]string{k[0], k[1]}] = m
	}
	return nil
}

// pairedRatio formats the paired ratio of hush over crypto/tls for the
// benchmark name (lib stripped) in the raw unit; invert for time units.
func pairedRatio(name, rawUnit string, invert bool) string {
	r, ok := paired[[2]string{name, rawUnit}]
	if !ok || r == 0 {
		return ""
	}
	if invert {
		r = 1 / r
	}
	return " (paired " + strconv.FormatFloat(r, 'f', 2, 64) + "×)"
}

func ratio(a, b cell) string {
	if !a.ok || !b.ok || b.v == 0 {
		return "—"
	}
	return strconv.FormatFloat(a.v/b.v, 'f', 2, 64) + "×"
}

func fmtCount(c cell) string {
	if !c.ok {
		return "—"
	}
	return strconv.FormatFloat(math.Round(c.v), 'f', -1, 64)
}

// aeadOf maps a bulk suite to its ceiling AEAD.
var aeadOf = map[string]string{
	"TLS13_AES_128_GCM":             "AES_128_GCM",
	"TLS13_AES_256_GCM":             "AES_256_GCM",
	"TLS13_CHACHA20_POLY1305":       "CHACHA20_POLY1305",
	"TLS12_ECDHE_ECDSA_AES_128_GCM": "AES_128_GCM",
}

func bulk(w io.Writer, vals map[key]cell, order []string) {
	names := rows(order, "Bulk")
	if len(names) == 0 {
		return
	}
	fmt.Fprintln(w, "### Bulk transfer, one direction (MB/s, medians ± 95% CI)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| suite | net | write | hush | crypto/tls | hush ÷ crypto/tls | AEAD ceiling | hush ÷ ceiling | allocs/op hush | allocs/op crypto/tls |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, n := range names {
		_, kv := params(n)
		h, t := vals[key{n, "B/s", "hush"}], vals[key{n, "B/s", "crypto_tls"}]
		ceilSize := "16KiB"
		if kv["size"] == "1KiB" {
			ceilSize = "1KiB"
		}
		ceil := vals[key{"AEADCeiling/aead=" + aeadOf[kv["suite"]] + "/size=" + ceilSize, "B/s", ""}]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			kv["suite"], kv["net"], kv["size"], fmtVal(h, 1e6, 0), fmtVal(t, 1e6, 0), ratio(h, t)+pairedRatio(n, "ns/op", true),
			fmtVal(cell{v: ceil.v, ok: ceil.ok}, 1e6, 0), ratio(h, ceil),
			fmtCount(vals[key{n, "allocs/op", "hush"}]), fmtCount(vals[key{n, "allocs/op", "crypto_tls"}]))
	}
	fmt.Fprintln(w)
	ceilings := rows(order, "AEADCeiling")
	sort.Strings(ceilings)
	if len(ceilings) > 0 {
		fmt.Fprintln(w, "AEAD ceiling (one seal + one open per op, MB/s of plaintext):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| AEAD | size | MB/s |")
		fmt.Fprintln(w, "|---|---|---:|")
		for _, n := range ceilings {
			_, kv := params(n)
			fmt.Fprintf(w, "| %s | %s | %s |\n", kv["aead"], kv["size"], fmtVal(vals[key{n, "B/s", ""}], 1e6, 0))
		}
		fmt.Fprintln(w)
	}
}

// handshakes prints the rows of one handshake benchmark family.
func handshakes(w io.Writer, vals map[key]cell, order []string, family, title string) {
	names := rows(order, family)
	if len(names) == 0 {
		return
	}
	fmt.Fprintln(w, "### "+title)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| handshake | hush /s | crypto/tls /s | hush ÷ crypto/tls | allocs/op hush | allocs/op crypto/tls | allocs ratio | B/op hush | B/op crypto/tls |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, n := range names {
		_, kv := params(n)
		hs, ts := vals[key{n, "sec/op", "hush"}], vals[key{n, "sec/op", "crypto_tls"}]
		rate := func(c cell) cell {
			if !c.ok || c.v == 0 {
				return cell{}
			}
			return cell{v: 1 / c.v, ok: true, ci: c.ci}
		}
		ha, ta := vals[key{n, "allocs/op", "hush"}], vals[key{n, "allocs/op", "crypto_tls"}]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", kv["kind"],
			fmtVal(rate(hs), 1, 0), fmtVal(rate(ts), 1, 0), ratio(rate(hs), rate(ts))+pairedRatio(n, "ns/op", true),
			fmtCount(ha), fmtCount(ta), ratio(ha, ta),
			fmtCount(vals[key{n, "B/op", "hush"}]), fmtCount(vals[key{n, "B/op", "crypto_tls"}]))
	}
	fmt.Fprintln(w)
}

func idle(w io.Writer, vals map[key]cell, order []string) {
	names := rows(order, "IdleConn")
	if len(names) == 0 {
		return
	}
	fmt.Fprintln(w, "### Idle connection: retained heap per connection after GC (bytes, medians)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| side | hush | crypto/tls | hush ÷ crypto/tls | reader stack hush | reader stack crypto/tls |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, n := range names {
		_, kv := params(n)
		h, t := vals[key{n, "heap-B/conn", "hush"}], vals[key{n, "heap-B/conn", "crypto_tls"}]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", kv["side"], fmtVal(h, 1, 0), fmtVal(t, 1, 0), ratio(h, t),
			fmtVal(vals[key{n, "stack-B/conn", "hush"}], 1, 0), fmtVal(vals[key{n, "stack-B/conn", "crypto_tls"}], 1, 0))
	}
	fmt.Fprintln(w)
}
