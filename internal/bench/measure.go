package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// benchRun is one measured process: wall time, CPU time (user + system) and
// the peak of the summed resident memory of its whole process tree (the Go
// app and both node processes of the jsii runtime), sampled every 10 ms. CPU
// time suffers less than wall time when other work shares the machine.
type benchRun struct {
	wall time.Duration
	cpu  time.Duration
	peak int64
}

// figure is one benchmark line: repeated runs of the same thing.
type figure struct {
	name string
	runs []benchRun
}

func (f *figure) add(r benchRun) { f.runs = append(f.runs, r) }

func (f *figure) sorted(of func(benchRun) time.Duration) []time.Duration {
	w := make([]time.Duration, len(f.runs))
	for i, r := range f.runs {
		w[i] = of(r)
	}
	sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
	return w
}

func wallOf(r benchRun) time.Duration { return r.wall }
func cpuOf(r benchRun) time.Duration  { return r.cpu }

func (f *figure) min() time.Duration    { return f.sorted(wallOf)[0] }
func (f *figure) median() time.Duration { return median(f.sorted(wallOf)) }
func (f *figure) cpuMin() time.Duration { return f.sorted(cpuOf)[0] }
func (f *figure) cpuMed() time.Duration { return median(f.sorted(cpuOf)) }

// median is the middle value of sorted, or the mean of the two middle ones.
func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func (f *figure) peak() int64 {
	var p int64
	for _, r := range f.runs {
		p = max(p, r.peak)
	}
	return p
}

// timed runs a command once and returns its wall time.
func timed(dir string, env []string, name string, args ...string) (time.Duration, error) {
	r, err := measure(dir, env, name, args...)
	return r.wall, err
}

// measure runs one process to completion, sampling its tree's memory.
func measure(dir string, env []string, name string, args ...string) (benchRun, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return benchRun{}, err
	}
	done := make(chan struct{})
	var peak int64
	cpu := map[int]time.Duration{} // descendants' CPU, as last sampled
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, sampleTree(cmd.Process.Pid, cpu))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		return benchRun{}, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	// The app's own CPU is exact; the jsii runtime's node processes are
	// not waited for by the app, so theirs is the last sample (<= 10 ms short).
	total := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	for _, t := range cpu {
		total += t
	}
	return benchRun{wall: wall, cpu: total, peak: peak}, nil
}

// sampleTree walks pid and its descendants once each (Linux; nothing
// elsewhere): it returns their summed resident memory and records in cpu the
// CPU time each descendant has used so far.
func sampleTree(pid int, cpu map[int]time.Duration) int64 {
	return sampleTreeOnce(pid, pid, cpu, map[int]bool{})
}

func sampleTreeOnce(root, pid int, cpu map[int]time.Duration, seen map[int]bool) int64 {
	if seen[pid] {
		return 0
	}
	seen[pid] = true
	var total int64
	if raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				total += kb << 10
			}
		}
	}
	if pid != root {
		if t, ok := procCPU(pid); ok {
			cpu[pid] = max(cpu[pid], t)
		}
	}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		raw, _ := os.ReadFile(t)
		for _, c := range strings.Fields(string(raw)) {
			if child, err := strconv.Atoi(c); err == nil {
				total += sampleTreeOnce(root, child, cpu, seen)
			}
		}
	}
	return total
}

// clockTick is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on Linux.
const clockTick = 10 * time.Millisecond

// procCPU is the user + system time pid has used, from /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	return statCPU(raw)
}

// statCPU reads utime and stime (fields 14 and 15) of a /proc/<pid>/stat line.
func statCPU(raw []byte) (time.Duration, bool) {
	// The command name (field 2) may hold spaces; fields after it are fixed.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * clockTick, true
}
