// gohog: a Go program that grows its Go heap on command, for the runtime-attribution tests
// (tests/e2e/test_runtimes.py). Prints "ready PID"; then per stdin line:
//
//	grow N   keeps N MiB more of 64 KiB byte slices alive (filled, so their pages are touched)
//	exit     exits 0 (EOF too)
//
// and answers every command with "ok HEAPINUSE HEAPSYS HEAPRELEASED" from runtime.ReadMemStats
// after a GC, in bytes.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

var keep [][]byte

func main() {
	fmt.Printf("ready %d\n", os.Getpid())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		w := strings.Fields(in.Text())
		if len(w) == 0 || w[0] == "exit" {
			return
		}
		if w[0] == "grow" && len(w) == 2 {
			mib, err := strconv.Atoi(w[1])
			if err != nil {
				fmt.Printf("err %v\n", err)
				continue
			}
			for i := 0; i < mib*16; i++ {
				b := make([]byte, 65536)
				for j := range b {
					b[j] = 1
				}
				keep = append(keep, b)
			}
		} else if w[0] != "stat" {
			fmt.Printf("err unknown command %s\n", w[0])
			continue
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Printf("ok %d %d %d\n", m.HeapInuse, m.HeapSys, m.HeapReleased)
	}
}
