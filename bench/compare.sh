#!/usr/bin/env bash
# Runs package bench (hush and crypto/tls side by side in one go test run)
# with -count >= 6, summarises the samples with benchstat, and prints the
# comparison table: hush, crypto/tls, the ratio and the AEAD ceiling.
#
#   bench/compare.sh                      # everything, -count 6
#   COUNT=10 BENCH='Bulk/.*net=pipe' bench/compare.sh
#
# Environment: COUNT (default 6, at least 6: benchstat's 95% confidence
# intervals need six samples), BENCH (the -bench regexp, default "."),
# IDLECONNS (connections for BenchmarkIdleConn, default 2000), OUT (a
# directory that keeps raw.txt, benchstat.txt and table.md; default a new
# temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${COUNT:-6}"
BENCH="${BENCH:-.}"
IDLECONNS="${IDLECONNS:-2000}"
OUT="${OUT:-$(mktemp -d)}"
if [ "$COUNT" -lt 6 ]; then
	echo "compare.sh: COUNT must be at least 6" >&2
	exit 2
fi
mkdir -p "$OUT"
# benchstat, pinned, run without touching go.mod.
BENCHSTAT=(go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da)

# COUNT rounds of -count 1 rather than one -count COUNT run: each round
# runs every row for both libraries, so a burst of load on this shared
# machine lands on hush and crypto/tls alike instead of on six samples of
# one of them.
go test -c -o "$OUT/bench.test" ./bench/
{
	echo "# $(go version); $(nproc) CPUs; $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p')"
	for round in $(seq "$COUNT"); do
		echo "# round $round of $COUNT" >&2
		(cd bench && "$OUT/bench.test" -test.run '^$' -test.bench "$BENCH" -test.timeout 0 -idleconns="$IDLECONNS")
	done
} | tee "$OUT/raw.txt"

"${BENCHSTAT[@]}" -col /lib "$OUT/raw.txt" >"$OUT/benchstat.txt"
"${BENCHSTAT[@]}" -format csv -col /lib "$OUT/raw.txt" 2>/dev/null | go run ./bench/benchtable -raw "$OUT/raw.txt" >"$OUT/table.md"
echo
echo "raw samples and benchstat's full report: $OUT"
echo
cat "$OUT/table.md"
