package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/lambda"
	"github.com/fractallabsdev/talkwise-infra/internal/scaffold"
)

// `make bench` measures synthesis against the floor every Go CDKTF app pays
// per process (jsii kernel start, AWS provider load), and prints each figure
// with its ratio to that floor. It works on temporary copies and a temporary
// output folder: the repository and its cdktf.out are left as they are.
func init() {
	register("bench", command{
		usage: "[-n N] [-projects N]  measure synthesis against the jsii floor (make bench); changes nothing",
		run:   runBench,
	})
}

// Targets of issue 7, as benchmark figures.
const (
	targetFullRatio  = 1.15
	targetNoop       = time.Second
	targetBundling   = 500 * time.Millisecond
	targetZipBytes   = 50 * 1024
	targetScaleRatio = 2.0
	targetPeakBytes  = 1536 << 20
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

func runBench(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	reps := fl.Int("n", 5, "repetitions of each figure")
	nProjects := fl.Int("projects", 50, "generated scheduled-Lambda projects in the scale case (each in 2 environments)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *reps < 1 || *nProjects < 1 {
		return fmt.Errorf("bench: -n and -projects must be at least 1")
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "talkwise-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	fmt.Fprintf(stdout, "machine: %s\n", machine())
	fmt.Fprintf(stdout, "load average at start: %s\n", loadAverage())

	// Compile once, outside every timed synth (the brief's process model:
	// a prebuilt binary, one process per synthesis).
	app := filepath.Join(tmp, "talkwise")
	say("compiling the app")
	compile, err := timed(root, nil, "go", "build", "-o", app, ".")
	if err != nil {
		return fmt.Errorf("compiling the app: %w", err)
	}

	say("generating the scale case: %d projects x 2 environments in a temporary copy", *nProjects)
	scaleRoot := filepath.Join(tmp, "scale")
	if err := copyRepo(root, scaleRoot); err != nil {
		return err
	}
	if err := generateProjects(scaleRoot, *nProjects); err != nil {
		return err
	}
	scaleApp := filepath.Join(tmp, "talkwise-scale")
	scaleCompile, err := timed(scaleRoot, nil, "go", "build", "-o", scaleApp, ".")
	if err != nil {
		return fmt.Errorf("compiling the scale case: %w", err)
	}
	scaleStacks, err := exec.Command(scaleApp, "list").Output()
	if err != nil {
		return fmt.Errorf("listing the scale case's stacks: %w", err)
	}
	fullStacks, err := exec.Command(app, "list").Output()
	if err != nil {
		return fmt.Errorf("listing the stacks: %w", err)
	}

	floor := &figure{name: "floor: empty stack, AWS provider"}
	full := &figure{name: fmt.Sprintf("full synth, %d stacks", lines(fullStacks))}
	scale := &figure{name: fmt.Sprintf("scale synth, %d stacks", lines(scaleStacks))}
	// Interleaved, so that load from other work on the machine hits every
	// figure alike rather than one of them.
	for i := 0; i < *reps; i++ {
		say("round %d/%d: floor, full synth, scale synth", i+1, *reps)
		// A bare app leaves the jsii runtime's folder in $TMPDIR: keep it in ours.
		r, err := measure(tmp, []string{"TMPDIR=" + tmp}, app, "floor", filepath.Join(tmp, "floor-out"))
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		floor.add(r)
		r, err = measure(root, []string{"CDKTF_OUTDIR=" + filepath.Join(tmp, "full-out")}, app, "synth")
		if err != nil {
			return fmt.Errorf("full synth: %w", err)
		}
		full.add(r)
		r, err = measure(scaleRoot, []string{"CDKTF_OUTDIR=" + filepath.Join(tmp, "scale-out")}, scaleApp, "synth")
		if err != nil {
			return fmt.Errorf("scale synth: %w", err)
		}
		scale.add(r)
	}

	say("bundling")
	bundling, zips, err := benchBundling(root, tmp, *reps)
	if err != nil {
		return err
	}

	say("no-op make synth")
	noop, err := benchNoop(root, tmp, app, *reps)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "load average at end: %s\n\n", loadAverage())
	fmt.Fprintf(stdout, "compile the app, warm Go cache (excluded below): %s\n", secs(compile))
	fmt.Fprintf(stdout, "compile the scale case's app (excluded below): %s\n\n", secs(scaleCompile))
	fmt.Fprintln(stdout, "wall time, then CPU time (user+system of the whole process tree); x fl = ratio to the floor")
	fmt.Fprintf(stdout, "%-34s %4s %8s %8s %6s %6s | %8s %8s %6s %6s | %8s\n", "figure", "runs",
		"min", "median", "x fl", "x fl", "cpu min", "cpu med", "x fl", "x fl", "peak mem")
	for _, f := range []*figure{floor, full, bundling, noop, scale} {
		peak, cpuMin, cpuMed, cpuRMin, cpuRMed := "-", "-", "-", "-", "-"
		if f.peak() > 0 {
			peak = fmt.Sprintf("%d MB", f.peak()>>20)
			cpuMin, cpuMed = secs(f.cpuMin()), secs(f.cpuMed())
			cpuRMin = fmt.Sprintf("%.2f", ratio(f.cpuMin(), floor.cpuMin()))
			cpuRMed = fmt.Sprintf("%.2f", ratio(f.cpuMed(), floor.cpuMed()))
		}
		fmt.Fprintf(stdout, "%-34s %4d %8s %8s %6.2f %6.2f | %8s %8s %6s %6s | %8s\n", f.name, len(f.runs),
			secs(f.min()), secs(f.median()), ratio(f.min(), floor.min()), ratio(f.median(), floor.median()),
			cpuMin, cpuMed, cpuRMin, cpuRMed, peak)
	}
	fmt.Fprintln(stdout, "\nLambda zips:")
	for _, z := range zips {
		fmt.Fprintf(stdout, "  %-60s %6.1f KB\n", z.dir, float64(z.size)/1024)
	}

	fmt.Fprintln(stdout, "\ntargets:")
	peak := max(floor.peak(), full.peak(), scale.peak())
	biggest := zips[0]
	for _, z := range zips {
		if z.size > biggest.size {
			biggest = z
		}
	}
	check := func(ok bool, what string, a ...any) {
		mark := "met   "
		if !ok {
			mark = "MISSED"
		}
		fmt.Fprintf(stdout, "  %s %s\n", mark, fmt.Sprintf(what, a...))
	}
	check(ratio(full.min(), floor.min()) <= targetFullRatio, "full synth <= %.2f x floor: %.2f (min), %.2f (median); CPU %.2f (min)",
		targetFullRatio, ratio(full.min(), floor.min()), ratio(full.median(), floor.median()), ratio(full.cpuMin(), floor.cpuMin()))
	check(noop.median() < targetNoop, "no-op make synth < %s: %s (median)", secs(targetNoop), secs(noop.median()))
	check(bundling.median() < targetBundling, "all bundling < %s: %s (median)", secs(targetBundling), secs(bundling.median()))
	check(biggest.size < targetZipBytes, "each zip < %d KB: largest %.1f KB", targetZipBytes/1024, float64(biggest.size)/1024)
	check(ratio(scale.min(), floor.min()) <= targetScaleRatio, "scale synth <= %.1f x floor: %.2f (min), %.2f (median); CPU %.2f (min)",
		targetScaleRatio, ratio(scale.min(), floor.min()), ratio(scale.median(), floor.median()), ratio(scale.cpuMin(), floor.cpuMin()))
	check(peak < targetPeakBytes, "peak memory < %d MB: %d MB", targetPeakBytes>>20, peak>>20)
	return nil
}

func lines(b []byte) int { return len(strings.Fields(string(b))) }

func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// machine describes where the figures come from.
func machine() string {
	mem := "?"
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	node, err := exec.Command("node", "--version").Output()
	if err != nil {
		node = []byte("not found")
	}
	return fmt.Sprintf("%d CPUs, %s memory, %s %s/%s, node %s", runtime.NumCPU(), mem, runtime.Version(),
		runtime.GOOS, runtime.GOARCH, strings.TrimSpace(string(node)))
}

func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(raw))[:3], " ")
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

// copyRepo copies the repository's sources (not .git, .tools, output or
// node_modules) so the scale case and the no-op run change nothing here.
func copyRepo(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			switch {
			case rel == ".git" || rel == ".tools" || d.Name() == "node_modules" || d.Name() == ".terraform",
				strings.HasPrefix(rel, "cdktf.out") || strings.HasPrefix(rel, ".cdktf.out"):
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, info.Mode().Perm())
	})
}

// generateProjects adds n scheduled-Lambda projects with the scaffolder that
// `make new` uses, so they are what a real new project looks like.
func generateProjects(root string, n int) error {
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("bench%02d", i)
		if _, err := scaffold.New(scaffold.Options{Root: root, Name: name, Pattern: scaffold.Lambda}); err != nil {
			return fmt.Errorf("generating %s: %w", name, err)
		}
	}
	return nil
}

type zipSize struct {
	dir  string
	size int64
}

// benchBundling bundles and zips every handler (lambda.Build), all of them
// once per repetition, each time into a fresh folder so nothing is cached.
func benchBundling(root, tmp string, reps int) (*figure, []zipSize, error) {
	entries, err := filepath.Glob(filepath.Join(root, "lambdas", "*", "*", "src", "index.ts"))
	if err != nil {
		return nil, nil, err
	}
	var dirs []string
	for _, e := range entries {
		rel, _ := filepath.Rel(root, filepath.Dir(filepath.Dir(e)))
		dirs = append(dirs, filepath.ToSlash(rel))
	}
	if len(dirs) == 0 {
		return nil, nil, errors.New("bench: no handlers under lambdas/*/*/src/index.ts")
	}
	f := &figure{name: fmt.Sprintf("bundle + zip all %d Lambdas", len(dirs))}
	var zips []zipSize
	for i := 0; i < reps; i++ {
		buildDir := filepath.Join(tmp, fmt.Sprintf("bundles-%d", i))
		start := time.Now()
		var sizes []zipSize
		for _, d := range dirs {
			b, err := lambda.Build(root, d, buildDir)
			if err != nil {
				return nil, nil, err
			}
			sizes = append(sizes, zipSize{dir: d, size: b.Size})
		}
		f.add(benchRun{wall: time.Since(start)})
		zips = sizes
	}
	return f, zips, nil
}

// benchNoop times `make synth` when nothing changed since the last one, in
// a copy of the repository synthesized once beforehand with the prebuilt app.
func benchNoop(root, tmp, app string, reps int) (*figure, error) {
	dir := filepath.Join(tmp, "noop")
	if err := copyRepo(root, dir); err != nil {
		return nil, err
	}
	// NODE=node: never install Node into the copy; a no-op does not start it.
	synth := "SYNTH=" + app + " synth"
	if _, err := timed(dir, nil, "make", "-s", "synth", "NODE=node", synth); err != nil {
		return nil, fmt.Errorf("priming the no-op case: %w", err)
	}
	f := &figure{name: "no-op make synth"}
	for i := 0; i < reps; i++ {
		cmd := exec.Command("make", "-s", "synth", "NODE=node", synth)
		cmd.Dir = dir
		start := time.Now()
		out, err := cmd.CombinedOutput()
		wall := time.Since(start)
		if err != nil {
			return nil, fmt.Errorf("no-op make synth: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "up to date") {
			return nil, fmt.Errorf("no-op make synth synthesized although nothing changed:\n%s", out)
		}
		f.add(benchRun{wall: wall})
	}
	return f, nil
}
