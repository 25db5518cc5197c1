package main

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// A test that starts another process on a port it chose must not lose that
// port between choosing it and the process binding it. A port picked with
// ":0" and closed again is one of the kernel's ephemeral ports, which every
// other listener opened with ":0" meanwhile (16 certifications run at once,
// each world with several) may be handed: then certify meets another
// world's server on its target's port. reservedAddr picks ports below the
// ephemeral range instead, never the same twice in this process, checked
// free when handed out.

var reserved struct {
	sync.Mutex
	next, low, high int
	given           map[int]bool
}

// reservedAddr is a loopback address below the ephemeral port range, free a
// moment ago, for a process to take.
func reservedAddr() (string, error) {
	reserved.Lock()
	defer reserved.Unlock()
	if reserved.given == nil {
		reserved.low, reserved.high = 20000, ephemeralLow()-1
		reserved.given = map[int]bool{}
		reserved.next = reserved.low + rand.IntN(reserved.high-reserved.low) // processes start apart
	}
	for range reserved.high - reserved.low {
		port := reserved.next
		reserved.next++
		if reserved.next > reserved.high {
			reserved.next = reserved.low
		}
		if reserved.given[port] {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue // taken
		}
		ln.Close()
		reserved.given[port] = true
		return ln.Addr().String(), nil
	}
	return "", fmt.Errorf("no free port between %d and %d", reserved.low, reserved.high)
}

// ephemeralLow is the lowest port the kernel hands out for ":0" (Linux:
// net.ipv4.ip_local_port_range; 32768 elsewhere, the IANA-ish default
// floor that Linux also uses).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if low, err := strconv.Atoi(f[0]); err == nil && low > 21000 {
				return low
			}
		}
	}
	return 32768
}
