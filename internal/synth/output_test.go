package synth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// previous is a synthesized output with everything Terraform leaves in it:
// an initialized stack, a stack the next synth no longer has (its local
// state must survive, its .terraform may go) and the platform stack in
// bootstrap mode with its local state.
var previous = map[string]string{
	".inputs.sha256":                               "old fingerprint",
	"stacks/a/cdk.tf.json":                         "old a",
	"stacks/a/.terraform/providers/aws":            "provider binary",
	"stacks/a/.terraform.lock.hcl":                 "lock a",
	"stacks/gone/cdk.tf.json":                      "old gone",
	"stacks/gone/.terraform/modules.json":          "modules",
	"stacks/gone/terraform.tfstate":                "state of gone",
	"stacks/platform/cdk.tf.json":                  "old platform",
	"stacks/platform/.terraform.lock.hcl":          "lock platform",
	"stacks/platform/terraform.tfstate":            "state of platform",
	"stacks/platform/terraform.tfstate.backup":     "backup of platform",
	"stacks/platform/assets/Code/abc/function.zip": "zip",
}

var next = map[string]string{
	".inputs.sha256":              "new fingerprint",
	"stacks/a/cdk.tf.json":        "new a",
	"stacks/b/cdk.tf.json":        "new b",
	"stacks/platform/cdk.tf.json": "new platform",
}

// swapped is what the output holds after a complete swap: the new stacks
// with every working file of a stack that still exists, and the state (only)
// of the stack that is gone.
var swapped = map[string]string{
	".inputs.sha256":                           "new fingerprint",
	"stacks/a/cdk.tf.json":                     "new a",
	"stacks/a/.terraform/providers/aws":        "provider binary",
	"stacks/a/.terraform.lock.hcl":             "lock a",
	"stacks/b/cdk.tf.json":                     "new b",
	"stacks/gone/terraform.tfstate":            "state of gone",
	"stacks/platform/cdk.tf.json":              "new platform",
	"stacks/platform/.terraform.lock.hcl":      "lock platform",
	"stacks/platform/terraform.tfstate":        "state of platform",
	"stacks/platform/terraform.tfstate.backup": "backup of platform",
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func read(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(raw)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diff(got, want map[string]string) string {
	var d []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			d = append(d, "missing "+k)
		} else if g != v {
			d = append(d, fmt.Sprintf("%s = %q, want %q", k, g, v))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			d = append(d, "extra "+k)
		}
	}
	sort.Strings(d)
	return strings.Join(d, "\n")
}

// deadPID is the id of a process that has ended, so the staging folder of a
// run that was killed can be told from a live one.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// fixture lays out a previous output and a finished staging folder of a run
// whose process is gone by the time the next run looks.
func fixture(t *testing.T) (outdir, staging string) {
	t.Helper()
	parent := t.TempDir()
	outdir = filepath.Join(parent, "cdktf.out")
	staging = filepath.Join(parent, fmt.Sprintf("%s%d-123", stagingPrefix(outdir), deadPID(t)))
	write(t, outdir, previous)
	write(t, staging, next)
	return outdir, staging
}

// nextRun is what every synth does before its own work.
func nextRun(t *testing.T, outdir string) {
	t.Helper()
	if err := recoverOutput(outdir); err != nil {
		t.Fatal(err)
	}
	if err := sweepStaging(outdir); err != nil {
		t.Fatal(err)
	}
}

func onlyOutputLeft(t *testing.T, outdir string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Dir(outdir))
	for _, e := range entries {
		if e.Name() != filepath.Base(outdir) {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

// A crash after any number of the swap's steps loses nothing: the next run
// finds the previous output complete, with its .terraform, lock files and
// local state, or the new output complete with all of them carried over.
func TestSwapInterruptedAtEveryStep(t *testing.T) {
	outdir, staging := fixture(t)
	total := len(swapSteps(staging, outdir))
	if total < 8 {
		t.Fatalf("%d steps; the fixture should need at least 8 (6 carried files, 2 renames, 1 removal)", total)
	}
	for k := 0; k <= total; k++ {
		t.Run(fmt.Sprintf("crash after %d of %d steps", k, total), func(t *testing.T) {
			outdir, staging := fixture(t)
			steps := swapSteps(staging, outdir)
			for _, st := range steps[:k] {
				if err := st.do(); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
			}
			nextRun(t, outdir)
			got := read(t, outdir)
			if d, d2 := diff(got, previous), diff(got, swapped); d != "" && d2 != "" {
				t.Errorf("output is neither the previous nor the new one:\nvs previous:\n%s\nvs new:\n%s", d, d2)
			}
			onlyOutputLeft(t, outdir)
		})
	}
	// Removing the previous output is not one instruction: a crash can leave
	// it half deleted.
	t.Run("crash while removing the previous output", func(t *testing.T) {
		outdir, staging := fixture(t)
		steps := swapSteps(staging, outdir)
		for _, st := range steps[:len(steps)-1] {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
		}
		for _, rel := range []string{"stacks/a/cdk.tf.json", "stacks/gone/cdk.tf.json", ".inputs.sha256"} {
			os.Remove(filepath.Join(oldDir(outdir), rel))
		}
		nextRun(t, outdir)
		if d := diff(read(t, outdir), swapped); d != "" {
			t.Errorf("after recovery:\n%s", d)
		}
		onlyOutputLeft(t, outdir)
	})
}

// A step that fails (a full disk, a permission) puts the previous output
// back byte for byte, working files included, and says where and why.
func TestSwapFailingAtEveryStep(t *testing.T) {
	outdir, staging := fixture(t)
	total := len(swapSteps(staging, outdir))
	for k := 0; k < total; k++ {
		t.Run(fmt.Sprintf("step %d fails", k+1), func(t *testing.T) {
			outdir, staging := fixture(t)
			steps := swapSteps(staging, outdir)
			failing := steps[k].name
			steps[k].do = func() error {
				return &os.PathError{Op: "rename", Path: filepath.Join(outdir, "stacks"), Err: syscall.ENOSPC}
			}
			err := runSwap(steps, outdir)
			if failing == "remove the previous output" {
				// The new output is in place; the next run removes the rest.
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				nextRun(t, outdir)
				if d := diff(read(t, outdir), swapped); d != "" {
					t.Errorf("%s", d)
				}
				onlyOutputLeft(t, outdir)
				return
			}
			if err == nil || !strings.Contains(err.Error(), failing) || !strings.Contains(err.Error(), outdir) || !strings.Contains(err.Error(), "the disk is full") {
				t.Errorf("err = %v; want the step, the path and the cause", err)
			}
			if !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("err = %v does not wrap ENOSPC", err)
			}
			// What Synth does on its way out.
			if err := discard(staging, outdir); err != nil {
				t.Fatal(err)
			}
			if d := diff(read(t, outdir), previous); d != "" {
				t.Errorf("previous output changed:\n%s", d)
			}
			onlyOutputLeft(t, outdir)
		})
	}
}

// The swap before this change carried the working files into staging
// before the renames and removed a leftover cdktf.out.old first: after a
// crash between its renames, the next run deleted the only copy of the
// state. Such leftovers are salvaged, not deleted.
func TestLeftoversOfTheOldSwapAreSalvaged(t *testing.T) {
	outdir, staging := fixture(t)
	for _, rel := range []string{"stacks/platform/terraform.tfstate", "stacks/a/.terraform"} {
		dst := filepath.Join(staging, rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.Rename(filepath.Join(outdir, rel), dst); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(outdir, oldDir(outdir)); err != nil {
		t.Fatal(err)
	}
	nextRun(t, outdir)
	if d := diff(read(t, outdir), previous); d != "" {
		t.Errorf("after recovery:\n%s", d)
	}
	onlyOutputLeft(t, outdir)
}

// Two copies of one stack's state that differ are never resolved by
// deleting one: the run stops and names both.
func TestConflictingStateIsRefusedNotDeleted(t *testing.T) {
	outdir, staging := fixture(t)
	write(t, staging, map[string]string{"stacks/platform/terraform.tfstate": "another state"})
	err := sweepStaging(outdir)
	if err == nil || !strings.Contains(err.Error(), "both Terraform state of stack platform and differ") {
		t.Fatalf("err = %v", err)
	}
	if got := read(t, staging)["stacks/platform/terraform.tfstate"]; got != "another state" {
		t.Errorf("the conflicting state was not kept: %q", got)
	}
}

// A live run's staging folder is left alone by another run's sweep.
func TestSweepLeavesLiveRunsAlone(t *testing.T) {
	parent := t.TempDir()
	outdir := filepath.Join(parent, "cdktf.out")
	live := filepath.Join(parent, fmt.Sprintf("%s%d-1", stagingPrefix(outdir), os.Getpid()))
	dead := filepath.Join(parent, fmt.Sprintf("%s%d-2", stagingPrefix(outdir), deadPID(t)))
	unnamed := filepath.Join(parent, stagingPrefix(outdir)+"12345") // an earlier version's name, no pid
	for _, d := range []string{live, dead, unnamed} {
		write(t, d, map[string]string{"stacks/x/cdk.tf.json": "{}"})
	}
	if err := sweepStaging(outdir); err != nil {
		t.Fatal(err)
	}
	if !exists(live) || exists(dead) || exists(unnamed) {
		t.Errorf("live kept: %v, dead removed: %v, unnamed removed: %v", exists(live), !exists(dead), !exists(unnamed))
	}
}
