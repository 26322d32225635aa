// Package bench compares hush with Go's crypto/tls, side by side in the same
// `go test -bench` run: bulk transfer over net.Pipe and loopback TCP, full
// handshakes, the raw AEAD ceiling and the memory an idle connection
// retains. Every row has a "lib=hush" and a "lib=crypto_tls" sub-benchmark
// (library against itself on both ends); compare.sh runs them with
// benchstat and prints the ratio table kept in docs/BENCHMARKS.md.
//
// The package holds no library code: everything is in its _test.go files.
package bench
