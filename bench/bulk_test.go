package bench

import (
	"fmt"
	"io"
	"testing"

	"github.com/hushtls/hush"
)

var bulkSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"1MiB", 1 << 20}}

const (
	// readBufSize is the reader's buffer, io.Copy's size.
	readBufSize = 32 << 10
	// warmupBytes go through every connection before the timer starts.
	warmupBytes = 1 << 20
)

// BenchmarkBulk measures one-direction throughput: the client writes
// size-byte messages, the server reads them into a 32 KiB buffer. The
// handshake and a 1 MiB warm-up run before the timer; allocations are
// counted on both ends.
func BenchmarkBulk(b *testing.B) {
	for _, sc := range bulkSuites {
		for _, tr := range transports {
			for _, sz := range bulkSizes {
				for _, lib := range libs {
					name := fmt.Sprintf("suite=%s/net=%s/size=%s/lib=%s", sc.name, tr.name, sz.name, lib)
					b.Run(name, func(b *testing.B) { benchBulk(b, lib, sc, tr, sz.n) })
				}
			}
		}
	}
}

func benchBulk(b *testing.B, lib string, sc suiteCase, tr transport, size int) {
	h := hsCase{group: hush.X25519, key: ecdsaP256, version: sc.version, suite: sc.id}
	rawClient, rawServer := tr.pair(b)
	client, server := establish(b, lib, h, rawClient, rawServer)

	msg := make([]byte, size)
	for i := range msg {
		msg[i] = byte(i)
	}
	// The reader runs for the whole benchmark; it is told how many bytes
	// to expect, so nothing is allocated while the timer runs.
	want := make(chan int64)
	done := make(chan error)
	go func() {
		buf := make([]byte, readBufSize)
		for n := range want {
			var err error
			for got := int64(0); got < n && err == nil; {
				var m int
				m, err = server.Read(buf)
				got += int64(m)
			}
			if err != nil {
				// Unblock the writer.
				_ = rawClient.Close()
				_ = rawServer.Close()
			}
			done <- err
		}
	}()
	defer close(want)
	transfer := func(count int) {
		want <- int64(count) * int64(size)
		var werr error
		for i := 0; i < count && werr == nil; i++ {
			_, werr = client.Write(msg)
		}
		if rerr := <-done; rerr != nil || werr != nil {
			if rerr == io.EOF {
				rerr = io.ErrUnexpectedEOF
			}
			b.Fatalf("transfer: write: %v, read: %v", werr, rerr)
		}
	}
	transfer(max(1, warmupBytes/size))

	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	transfer(b.N)
	b.StopTimer()
}
