package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
)

// keyLogCapture collects the NSS key log lines hush writes, so the shim can
// hand the TLS 1.3 traffic secrets to the runner (-export-traffic-secrets).
type keyLogCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (k *keyLogCapture) Write(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.buf.Write(p)
}

// secret returns the last secret logged under label.
func (k *keyLogCapture) secret(label string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var found []byte
	sc := bufio.NewScanner(bytes.NewReader(k.buf.Bytes()))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != label {
			continue
		}
		s, err := hex.DecodeString(f[2])
		if err != nil {
			return nil, fmt.Errorf("key log line for %s: %v", label, err)
		}
		found = s
	}
	if found == nil {
		return nil, fmt.Errorf("no %s in the key log", label)
	}
	return found, nil
}

// writeTrafficSecrets sends what BoGo's -export-traffic-secrets expects:
// the secrets' length as 2 little-endian bytes, then this side's read
// secret and its write secret (the initial application traffic secrets).
func writeTrafficSecrets(w io.Writer, k *keyLogCapture, server bool) error {
	client, err := k.secret("CLIENT_TRAFFIC_SECRET_0")
	if err != nil {
		return err
	}
	srv, err := k.secret("SERVER_TRAFFIC_SECRET_0")
	if err != nil {
		return err
	}
	read, write := srv, client
	if server {
		read, write = client, srv
	}
	out := binary.LittleEndian.AppendUint16(nil, uint16(len(read)))
	out = append(append(out, read...), write...)
	_, err = w.Write(out)
	return err
}
