// Package bench measures synthesis against the floor every Go CDKTF app pays
// per process (jsii kernel start, AWS provider load) and prints each figure
// with its ratio to that floor (`make bench`, docs/performance.md). It works
// on temporary copies and a temporary output folder: the repository and its
// cdktf.out are left as they are.
package bench

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Targets of issue 7, as benchmark figures.
const (
	targetFullRatio  = 1.15
	targetNoop       = time.Second
	targetBundling   = 500 * time.Millisecond
	targetZipBytes   = 50 * 1024
	targetScaleRatio = 2.0
	targetPeakBytes  = 1536 << 20
)

// Options say what to measure.
type Options struct {
	// Root is the repository root.
	Root string
	// Reps is how many times each figure is measured; at least 1.
	Reps int
	// Projects is how many scheduled-Lambda projects the scale case adds
	// (each in both environments); at least 1.
	Projects int
}

// apps are the prebuilt binaries the figures run: the app of the
// repository, and the app of the scale case's copy with its extra projects.
type apps struct {
	app, scaleApp, scaleRoot string
	compile, scaleCompile    time.Duration
	fullStacks, scaleStacks  int
}

// figures are every measured figure.
type figures struct {
	floor, full, scale, bundling, noop *figure
	zips                               []zipSize
}

// Run measures every figure and prints them, with the targets met or missed.
func Run(opts Options, stdout, stderr io.Writer) error {
	if opts.Reps < 1 || opts.Projects < 1 {
		return fmt.Errorf("bench: -n and -projects must be at least 1")
	}
	tmp, err := os.MkdirTemp("", "talkwise-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	fmt.Fprintf(stdout, "machine: %s\n", machine())
	fmt.Fprintf(stdout, "load average at start: %s\n", loadAverage())
	a, err := prepare(opts, tmp, say)
	if err != nil {
		return err
	}
	f, err := measureSynths(opts, a, tmp, say)
	if err != nil {
		return err
	}
	say("bundling")
	if f.bundling, f.zips, err = benchBundling(opts.Root, tmp, opts.Reps); err != nil {
		return err
	}
	say("no-op make synth")
	if f.noop, err = benchNoop(opts.Root, tmp, a.app, opts.Reps); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "load average at end: %s\n\n", loadAverage())
	report(stdout, a, f)
	return nil
}

// prepare compiles the app once, outside every timed synth (a prebuilt
// binary, one process per synthesis), and the scale case's copy.
func prepare(opts Options, tmp string, say func(string, ...any)) (apps, error) {
	a := apps{app: filepath.Join(tmp, "talkwise"), scaleRoot: filepath.Join(tmp, "scale"), scaleApp: filepath.Join(tmp, "talkwise-scale")}
	say("compiling the app")
	var err error
	if a.compile, err = timed(opts.Root, nil, "go", "build", "-o", a.app, "."); err != nil {
		return a, fmt.Errorf("compiling the app: %w", err)
	}
	say("generating the scale case: %d projects x 2 environments in a temporary copy", opts.Projects)
	if err := copyRepo(opts.Root, a.scaleRoot); err != nil {
		return a, err
	}
	if err := generateProjects(a.scaleRoot, opts.Projects); err != nil {
		return a, err
	}
	if a.scaleCompile, err = timed(a.scaleRoot, nil, "go", "build", "-o", a.scaleApp, "."); err != nil {
		return a, fmt.Errorf("compiling the scale case: %w", err)
	}
	if a.fullStacks, err = countStacks(a.app); err != nil {
		return a, err
	}
	a.scaleStacks, err = countStacks(a.scaleApp)
	return a, err
}

func countStacks(app string) (int, error) {
	out, err := exec.Command(app, "list").Output()
	if err != nil {
		return 0, fmt.Errorf("listing the stacks of %s: %w", app, err)
	}
	return len(strings.Fields(string(out))), nil
}

// measureSynths times the floor, the full synth and the scale synth,
// interleaved, so that load from other work on the machine hits every
// figure alike rather than one of them.
func measureSynths(opts Options, a apps, tmp string, say func(string, ...any)) (figures, error) {
	f := figures{
		floor: &figure{name: "floor: empty stack, AWS provider"},
		full:  &figure{name: fmt.Sprintf("full synth, %d stacks", a.fullStacks)},
		scale: &figure{name: fmt.Sprintf("scale synth, %d stacks", a.scaleStacks)},
	}
	for i := 0; i < opts.Reps; i++ {
		say("round %d/%d: floor, full synth, scale synth", i+1, opts.Reps)
		for _, c := range []struct {
			fig  *figure
			dir  string
			env  []string
			args []string
		}{
			// A bare app leaves the jsii runtime's folder in $TMPDIR: keep it in ours.
			{f.floor, tmp, []string{"TMPDIR=" + tmp}, []string{a.app, "floor", filepath.Join(tmp, "floor-out")}},
			{f.full, opts.Root, []string{"CDKTF_OUTDIR=" + filepath.Join(tmp, "full-out")}, []string{a.app, "synth"}},
			{f.scale, a.scaleRoot, []string{"CDKTF_OUTDIR=" + filepath.Join(tmp, "scale-out")}, []string{a.scaleApp, "synth"}},
		} {
			r, err := measure(c.dir, c.env, c.args[0], c.args[1:]...)
			if err != nil {
				return f, fmt.Errorf("%s: %w", c.fig.name, err)
			}
			c.fig.add(r)
		}
	}
	return f, nil
}

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
