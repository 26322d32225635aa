package testutil

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// canObserveListeners reports whether waitListening can work here.
func canObserveListeners() bool {
	_, err := os.Stat("/proc/net/tcp")
	return err == nil
}

// waitListening waits until process p listens on 127.0.0.1:port, and reports
// false if it exits first. It polls /proc, which sees the socket without
// touching it: a probe connection would use up one of s_server's accepts,
// and a probe bind could steal the port. The wait is bounded by p's
// watchdog, which kills it after Timeout.
func waitListening(p *OpenSSLProcess, port int) bool {
	pid := p.cmd.Process.Pid
	local := fmt.Sprintf("0100007F:%04X", port)
	wait := 100 * time.Microsecond
	for {
		select {
		case <-p.done:
			return false
		default:
		}
		for _, inode := range listeningInodes(local) {
			if ownsSocket(pid, inode) {
				return true
			}
		}
		runtime.Gosched()
		time.Sleep(wait)
		if wait < 10*time.Millisecond {
			wait *= 2
		}
	}
}

// listeningInodes returns the inodes of the sockets in state LISTEN bound to
// local ("0100007F:1F90" form) in /proc/net/tcp.
func listeningInodes(local string) []string {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return nil
	}
	defer f.Close()
	var inodes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) >= 10 && fields[1] == local && fields[3] == "0A" {
			inodes = append(inodes, fields[9])
		}
	}
	return inodes
}

// ownsSocket reports whether process pid has socket inode open.
func ownsSocket(pid int, inode string) bool {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	want := "socket:[" + inode + "]"
	for _, e := range entries {
		if target, err := os.Readlink(dir + "/" + e.Name()); err == nil && target == want {
			return true
		}
	}
	return false
}
