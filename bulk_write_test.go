package hush_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/hushtls/hush"
	"github.com/hushtls/hush/internal/testutil"
)

// bulkPair returns two connected, handshaken hush connections over tr.
func bulkPair(t *testing.T, tr func(t *testing.T) (net.Conn, net.Conn), version uint16) (client, server *hush.Conn) {
	t.Helper()
	chain := testutil.NewChain(t, testutil.ECDSAP256)
	a, b := tr(t)
	client = hush.Client(a, &hush.Config{ServerName: "example.com", RootCAs: chain.RootPool, MinVersion: version, MaxVersion: version})
	server = hush.Server(b, &hush.Config{Certificates: []hush.Certificate{hushCert(chain)}, MinVersion: version, MaxVersion: version})
	cerr, serr := handshakeBoth(client, server)
	mustHandshake(t, cerr, serr)
	return client, server
}

// TestLargeWrites: writes of several batches (sealed by one goroutine while
// another hands the previous batch to the network) arrive intact and in
// order, whatever the reader's buffer size, and Write reports every byte.
func TestLargeWrites(t *testing.T) {
	sizes := []int{64<<10 - 1, 64 << 10, 64<<10 + 1, 3<<16 + 123, 1 << 20}
	for _, version := range []uint16{hush.VersionTLS13, hush.VersionTLS12} {
		for _, tr := range transports {
			t.Run(fmt.Sprintf("%x/%s", version, tr.name), func(t *testing.T) {
				client, server := bulkPair(t, tr.pair, version)
				defer closeBoth(client, server)
				for i, size := range sizes {
					data := bytes.Repeat([]byte{byte(i), 1, 2, 3, 4, 5, 6}, size/7+1)[:size]
					got := make(chan []byte, 1)
					go func() {
						buf := make([]byte, size)
						chunk := []int{100, 16 << 10, 32 << 10, 70 << 10}[i%4]
						n := 0
						for n < size {
							m, err := server.Read(buf[n:min(size, n+chunk)])
							if err != nil {
								t.Error(err)
								break
							}
							n += m
						}
						got <- buf[:n]
					}()
					n, err := client.Write(data)
					if err != nil || n != size {
						t.Fatalf("Write(%d bytes) = %d, %v", size, n, err)
					}
					if !bytes.Equal(<-got, data) {
						t.Fatalf("%d bytes: data corrupted in transit", size)
					}
				}
			})
		}
	}
}

// TestLargeWriteError: when the network fails in the middle of a large
// Write, the Write stops with the error, reports fewer bytes than asked,
// the error is sticky, and no goroutine is left behind.
func TestLargeWriteError(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			testutil.CheckGoroutines(t)
			client, server := bulkPair(t, tr.pair, hush.VersionTLS13)
			raw := server.NetConn()
			go func() {
				// Take some of the data, then break the connection.
				buf := make([]byte, 100<<10)
				_, _ = io.ReadFull(server, buf)
				raw.Close()
			}()
			data := make([]byte, 64<<20) // more than the socket buffers of both ends can absorb
			n, err := client.Write(data)
			if err == nil || n >= len(data) {
				t.Fatalf("Write = %d, %v; want an error before %d bytes", n, err, len(data))
			}
			if n%(64<<10) != 0 {
				t.Errorf("Write reported %d bytes, not a whole number of batches", n)
			}
			if _, err2 := client.Write([]byte("x")); err2 == nil || !errors.Is(err2, err) && err2.Error() != err.Error() {
				t.Errorf("second Write: %v, want the sticky %v", err2, err)
			}
			client.Close()
		})
	}
}

// TestBulkAllocs: steady-state Read and Write allocate nothing, large
// writes included.
func TestBulkAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			client, server := bulkPair(t, tr.pair, hush.VersionTLS13)
			defer closeBoth(client, server)
			want := make(chan int)
			done := make(chan error)
			go func() {
				buf := make([]byte, 32<<10)
				for n := range want {
					var err error
					for got := 0; got < n && err == nil; {
						var m int
						m, err = server.Read(buf)
						got += m
					}
					done <- err
				}
			}()
			defer close(want)
			for _, size := range []int{1 << 10, 16 << 10, 1 << 20} {
				msg := make([]byte, size)
				write := func() {
					want <- size
					if _, err := client.Write(msg); err != nil {
						t.Fatal(err)
					}
					if err := <-done; err != nil {
						t.Fatal(err)
					}
				}
				write() // warm up: pooled buffers, the flusher
				if a := testing.AllocsPerRun(20, write); a != 0 {
					t.Errorf("%d-byte writes: %v allocations per Write and Read", size, a)
				}
			}
		})
	}
}
