package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/aws/jsii-runtime-go"

	"github.com/fractallabsdev/talkwise-infra/constructs/lambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/cleanup"
	"github.com/fractallabsdev/talkwise-infra/internal/fingerprint"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("synth", command{
		usage: "[STACK...]  synthesize every stack (or the named ones) into cdktf.out/, all or nothing",
		run: func(args []string, stdout, stderr io.Writer) error {
			// Fingerprint the inputs before reading any of them: a file
			// edited mid-run then differs from the fingerprint, and the next
			// `make synth` runs again instead of trusting mixed output.
			root, err := os.Getwd()
			if err != nil {
				return err
			}
			inputs, err := fingerprint.Inputs(root, tfjson.DefaultOutdir(), args)
			if err != nil {
				return err
			}
			buildDir, err := cleanup.TempDir("", "talkwise-build-")
			if err != nil {
				return fmt.Errorf("%w\nnothing was written; the previous cdktf.out is unchanged", err)
			}
			defer cleanup.Remove(buildDir)
			// Bundle the handlers while the jsii runtime starts and loads the
			// AWS provider, seconds in which this process would only wait; the
			// projects then find their bundles in lambda.Build's cache.
			var bundling sync.WaitGroup
			bundling.Go(func() { prebundle(root, buildDir) })
			defer bundling.Wait()
			names, err := synth.Synth(allProjects(), synth.Options{
				Root: root, BuildDir: buildDir, Only: args, BeforeSwap: inputs.Seal,
			})
			if err != nil {
				return fmt.Errorf("%w\nnothing was written; the previous cdktf.out is unchanged", err)
			}
			fmt.Fprintf(stdout, "synthesized %d stacks into cdktf.out: %v\n", len(names), names)
			return nil
		},
	})
	register("list", command{
		usage: "print every stack name",
		run: func(args []string, stdout, stderr io.Writer) error {
			for _, name := range stack.Names(projects.All()) {
				fmt.Fprintln(stdout, name)
			}
			return nil
		},
	})
	register("loggroups", command{
		usage: "STACK  print the log groups of a synthesized stack (used by make logs)",
		run: func(args []string, stdout, stderr io.Writer) error {
			if len(args) != 1 {
				return fmt.Errorf("usage: loggroups STACK")
			}
			doc, err := tfjson.ReadStack(tfjson.DefaultOutdir(), args[0])
			if err != nil {
				return err
			}
			for _, g := range doc.ApplicationLogGroups() {
				fmt.Fprintln(stdout, g)
			}
			return nil
		},
	})
}

// allProjects is what the synth command synthesizes; the hostile-input
// tests give it other projects' settings.
var allProjects = projects.All

// privateTmpEnv holds "<pid>:<folder>", the private temporary folder a
// command line runs with and the process that owns it (see
// withPrivateTempDir). A child process (make bench runs the app) inherits it
// but does not own it: it makes its own rather than remove its parent's.
const privateTmpEnv = "TALKWISE_PRIVATE_TMPDIR"

// ownPrivateTempDir returns the private temporary folder this process owns,
// or "".
func ownPrivateTempDir() string {
	pid, dir, ok := strings.Cut(os.Getenv(privateTmpEnv), ":")
	if !ok || pid != strconv.Itoa(os.Getpid()) {
		return ""
	}
	return dir
}

// withPrivateTempDir re-executes the program with $TMPDIR pointing at a new
// folder of its own, which main removes when the command ends (or a signal
// stops it; the kernel's files are there too: ~35 MB after a synth).
//
// It must happen before any package initializer runs: the jsii runtime
// unpacks itself into $TMPDIR when the cdktf and constructs packages
// register their classes (package init, before main), and removes that
// folder only in jsii.Close, whose shutdown races in jsii-runtime-go v1.112
// once the kernel runs. So every run would leave 2.3 MB behind. Here the
// kernel has not started, so jsii.Close is safe and removes what this
// process's initializers unpacked; the re-executed process unpacks into the
// private folder. Not for tests: they call run repeatedly against one
// long-lived kernel. On any error the command runs in the shared $TMPDIR.
func withPrivateTempDir() {
	if ownPrivateTempDir() != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	// Folders of earlier runs killed before they could clean up (SIGKILL).
	for _, prefix := range []string{"talkwise-synth-", "talkwise-build-"} {
		_ = cleanup.Sweep("", prefix, nil)
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("talkwise-synth-%d-", os.Getpid()))
	if err != nil {
		return
	}
	shareGraphvizCache(dir)
	jsii.Close()
	// Go keeps the first of duplicate variables: drop the inherited ones.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TMPDIR=") && !strings.HasPrefix(kv, privateTmpEnv+"=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TMPDIR="+dir, fmt.Sprintf("%s=%d:%s", privateTmpEnv, os.Getpid(), dir))
	err = syscall.Exec(exe, os.Args, env) // the same process id: the folder's name stays true
	os.RemoveAll(dir)
	fmt.Fprintf(os.Stderr, "warning: running without a private temporary folder: %v\n", err)
}

// graphvizCacheDir is the folder under $TMPDIR where go-graphviz keeps
// Graphviz's WebAssembly compiled for this machine.
const graphvizCacheDir = "go-graphviz"

// shareGraphvizCache points the private temporary folder's graphviz cache
// at the shared one. go-graphviz compiles Graphviz's WebAssembly when its
// package initializes, in every command, and caches the result only in
// $TMPDIR/go-graphviz: in a new private folder each run would compile it
// again, about 2 s of CPU a command. The cache is go-graphviz's own default,
// keyed by the wazero version and machine; a failure here only costs that
// compile.
func shareGraphvizCache(private string) {
	shared := filepath.Join(os.TempDir(), graphvizCacheDir)
	if err := os.MkdirAll(shared, 0o755); err != nil {
		return
	}
	_ = os.Symlink(shared, filepath.Join(private, graphvizCacheDir))
}

// privateTempDir returns the function that removes the private temporary
// folder (withPrivateTempDir), registered for removal on a signal too; it
// does nothing when there is none.
func privateTempDir() (restore func(), err error) {
	dir := ownPrivateTempDir()
	if dir == "" || privateTMP {
		return func() {}, nil
	}
	privateTMP = true
	cleanup.Register(dir, func() { os.RemoveAll(dir) })
	return func() { privateTMP = false; cleanup.Remove(dir) }, nil
}

var privateTMP bool

// prebundle builds every handler under lambdas/ into buildDir. Errors are
// left for the projects to report, with their context, when they build the
// same handler again (lambda.Build caches only successes).
func prebundle(root, buildDir string) {
	entries, _ := filepath.Glob(filepath.Join(root, "lambdas", "*", "*", "src", "index.ts"))
	for _, e := range entries {
		if dir, err := filepath.Rel(root, filepath.Dir(filepath.Dir(e))); err == nil {
			_, _ = lambda.Build(root, filepath.ToSlash(dir), buildDir)
		}
	}
}
