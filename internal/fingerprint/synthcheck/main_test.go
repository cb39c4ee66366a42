package main

import (
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/fingerprint"
)

// TestMain doubles as the stand-in synthesizer the Makefile runs in these
// tests (SYNTH=...): it does what `go run . synth` does with the fingerprint
// (fingerprint first, write to staging, seal, swap) without the jsii runtime,
// and logs each run so a test can count them.
func TestMain(m *testing.M) {
	if log := os.Getenv("FAKE_SYNTH_LOG"); log != "" {
		if err := fakeSynth(log); err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func fakeSynth(log string) error {
	f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintln(f, "synth")
	f.Close()
	outdir := tfjson.DefaultOutdir()
	// What internal/synth's recovery does with an interrupted swap's leftover.
	if err := os.RemoveAll(outdir + ".old"); err != nil {
		return err
	}
	inputs, err := fingerprint.Inputs(".", outdir, nil)
	if err != nil {
		return err
	}
	schedules, err := os.ReadFile("projects/demo/schedules.yaml")
	if err != nil {
		return err
	}
	if strings.Contains(string(schedules), "broken") {
		return fmt.Errorf("projects/demo/schedules.yaml: broken")
	}
	staging := outdir + ".staging"
	if err := os.MkdirAll(filepath.Join(staging, "stacks", "demo-dev"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(staging, "stacks", "demo-dev", "cdk.tf.json"), schedules, 0o644); err != nil {
		return err
	}
	if err := inputs.Seal(staging); err != nil {
		return err
	}
	if err := os.RemoveAll(outdir); err != nil {
		return err
	}
	return os.Rename(staging, outdir)
}

// repoRoot is the real repository, three levels up.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// sandbox is a repository with the real Makefile, go.mod and fingerprint
// sources (so the Makefile builds the real checker) and a project input.
func sandbox(t *testing.T) string {
	t.Helper()
	real := repoRoot(t)
	dir := t.TempDir()
	for _, f := range []string{"Makefile", "go.mod", "go.sum"} {
		synthtest.CopyFile(t, filepath.Join(real, f), filepath.Join(dir, f))
	}
	sources, _ := filepath.Glob(filepath.Join(real, "internal/fingerprint/*.go"))
	for _, pkg := range []string{"tfjson", "cleanup"} {
		more, _ := filepath.Glob(filepath.Join(real, "internal", pkg, "*.go"))
		sources = append(sources, more...)
	}
	sources = append(sources, filepath.Join(real, "internal/fingerprint/synthcheck/main.go"))
	for _, s := range sources {
		if strings.HasSuffix(s, "_test.go") {
			continue
		}
		rel, _ := filepath.Rel(real, s)
		synthtest.CopyFile(t, s, filepath.Join(dir, rel))
	}
	writeFile(t, dir, "projects/demo/schedules.yaml", "schedules: [a]\n")
	writeFile(t, dir, "lambdas/demo/task/src/index.ts", "export const handler = () => 1;\n")
	return dir
}

func writeFile(t *testing.T, root, path, content string) {
	t.Helper()
	p := filepath.Join(root, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type result struct {
	out    string
	err    error
	synths int // how many times the synthesizer ran in total
}

// makeSynth runs `make synth` in dir with the stand-in synthesizer. NODE=node
// keeps the Makefile from installing Node into the sandbox.
func makeSynth(t *testing.T, dir string, args ...string) result {
	t.Helper()
	// The log lives beside the sandbox, not in it: it is no input.
	log := dir + ".synth.log"
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", append([]string{"--no-print-directory", "synth", "NODE=node",
		"SYNTH=env FAKE_SYNTH_LOG=" + log + " " + self}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	raw, _ := os.ReadFile(log)
	return result{out: string(out), err: err, synths: strings.Count(string(raw), "synth\n")}
}

func TestMakeSynthSkipsOnlyWhenNothingChanged(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	dir := sandbox(t)
	steps := []struct {
		name   string
		change func()
		args   []string
		synths int    // total runs of the synthesizer after this step
		say    string // in make's output
	}{
		{"first synth", func() {}, nil, 1, "synthesizing: cdktf.out does not exist"},
		{"nothing changed", func() {}, nil, 1, "cdktf.out is up to date"},
		{"again nothing changed", func() {}, nil, 1, "cdktf.out is up to date"},
		{"a schedule edited", func() { writeFile(t, dir, "projects/demo/schedules.yaml", "schedules: [b]\n") }, nil, 2,
			"synthesizing: projects/demo/schedules.yaml changed"},
		{"unchanged after it", func() {}, nil, 2, "cdktf.out is up to date"},
		{"a handler edited", func() { writeFile(t, dir, "lambdas/demo/task/src/index.ts", "export const handler = () => 2;\n") }, nil, 3,
			"synthesizing: lambdas/demo/task/src/index.ts changed"},
		{"a Go file added", func() { writeFile(t, dir, "projects/demo/project.go", "package demo\n") }, nil, 4,
			"synthesizing: projects/demo/project.go was added"},
		{"output deleted", func() { os.RemoveAll(filepath.Join(dir, "cdktf.out")) }, nil, 5,
			"synthesizing: cdktf.out does not exist"},
		{"output edited by hand", func() { writeFile(t, dir, "cdktf.out/stacks/demo-dev/cdk.tf.json", "{}") }, nil, 6,
			"synthesizing: cdktf.out was modified since it was synthesized"},
		{"an interrupted synth left cdktf.out.old", func() { writeFile(t, dir, "cdktf.out.old/stacks/demo-dev/cdk.tf.json", "{}") }, nil, 7,
			"synthesizing: cdktf.out.old is left from an interrupted synthesis"},
		{"forced", func() {}, []string{"FORCE=1"}, 8, ""},
		{"terraform init in a stack", func() { writeFile(t, dir, "cdktf.out/stacks/demo-dev/.terraform.lock.hcl", "# lock\n") }, nil, 8,
			"cdktf.out is up to date"},
	}
	for _, s := range steps {
		s.change()
		r := makeSynth(t, dir, s.args...)
		if r.err != nil {
			t.Fatalf("%s: make synth: %v\n%s", s.name, r.err, r.out)
		}
		if r.synths != s.synths {
			t.Errorf("%s: synthesizer has run %d times, want %d\n%s", s.name, r.synths, s.synths, r.out)
		}
		if !strings.Contains(r.out, s.say) {
			t.Errorf("%s: make said\n%s\nwant it to say %q", s.name, r.out, s.say)
		}
	}
}

// A failed synthesis leaves the previous output with its fingerprint, which
// no longer matches the inputs: the next make synth runs again, never
// serving the old output for the new inputs.
func TestMakeSynthRetriesAfterAFailure(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	dir := sandbox(t)
	if r := makeSynth(t, dir); r.err != nil || r.synths != 1 {
		t.Fatalf("first synth: %v, %d runs\n%s", r.err, r.synths, r.out)
	}
	writeFile(t, dir, "projects/demo/schedules.yaml", "schedules: [broken]\n")
	for i, want := range []int{2, 3} {
		r := makeSynth(t, dir)
		if r.err == nil {
			t.Fatalf("run %d: make synth succeeded on a broken input\n%s", i+1, r.out)
		}
		if r.synths != want {
			t.Errorf("run %d: synthesizer has run %d times, want %d (a failed synth must be retried)\n%s", i+1, r.synths, want, r.out)
		}
	}
	got, _ := os.ReadFile(filepath.Join(dir, "cdktf.out/stacks/demo-dev/cdk.tf.json"))
	if string(got) != "schedules: [a]\n" {
		t.Errorf("the failed synth changed the previous output to %q", got)
	}
	writeFile(t, dir, "projects/demo/schedules.yaml", "schedules: [a]\n")
	if r := makeSynth(t, dir); r.err != nil || r.synths != 3 || !strings.Contains(r.out, "up to date") {
		t.Errorf("inputs restored to those of the output: want a skip, got %v, %d runs\n%s", r.err, r.synths, r.out)
	}
}
