package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

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

// privateTempDir points $TMPDIR at a new folder until cleanup removes it.
// The jsii runtime unpacks itself into a new folder under $TMPDIR at every
// start and removes it only in jsii.Close, whose shutdown races in
// jsii-runtime-go v1.112 (it prints "Runtime process exited abnormally"), so
// every run would leave 2.3 MB in /tmp, and ~35 MB when interrupted. It must
// be set before the first jsii call, and it is safe only when the process
// ends after this command (the kernel keeps working files there): main sets
// it for every command line, never tests, which call run repeatedly against
// one long-lived kernel. The folder carries the process id, so the next run
// removes the folders of runs that were killed (SIGKILL) before cleaning up;
// SIGINT and SIGTERM remove it through the cleanup package.
func privateTempDir() (restore func(), err error) {
	if privateTMP {
		return func() {}, nil
	}
	for _, prefix := range []string{"talkwise-synth-", "talkwise-build-"} {
		_ = cleanup.Sweep("", prefix, nil)
	}
	dir, err := cleanup.TempDir("", "talkwise-synth-")
	if err != nil {
		return nil, err
	}
	old, had := os.LookupEnv("TMPDIR")
	if err := os.Setenv("TMPDIR", dir); err != nil {
		cleanup.Remove(dir)
		return nil, err
	}
	privateTMP = true
	return func() {
		if had {
			os.Setenv("TMPDIR", old)
		} else {
			os.Unsetenv("TMPDIR")
		}
		privateTMP = false
		cleanup.Remove(dir)
	}, nil
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
