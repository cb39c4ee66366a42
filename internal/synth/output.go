package synth

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/cleanup"
)

// The output folder and its siblings:
//
//	cdktf.out                  the output, always complete when it exists
//	cdktf.out.old              the previous output, only during a swap
//	.cdktf.out.staging-<pid>-* a synthesis in progress (or an interrupted one)
//
// The swap is a sequence of single renames (swapSteps). A crash may fall
// between any two; the next run's recoverOutput and sweepStaging then
// either put the previous output back or finish the swap. Nothing ever
// deletes a folder holding a Terraform working file that the output lacks:
// discard moves such files into the output first. So the platform stack's
// local terraform.tfstate (bootstrap mode), every .terraform folder and lock
// file survive any interruption.

// terraformWorkFiles are what `terraform init` leaves in a stack folder, and
// a local backend's state. They survive re-synthesis so a stack is not
// re-initialized after every edit, and local state is never lost.
var terraformWorkFiles = []string{".terraform", ".terraform.lock.hcl", stack.LocalStateFile, stack.LocalStateFile + ".backup"}

// stateFiles are the work files that cannot be recreated: Terraform state.
// The others come back with `terraform init`.
var stateFiles = map[string]bool{stack.LocalStateFile: true, stack.LocalStateFile + ".backup": true}

func oldDir(outdir string) string { return outdir + ".old" }

func stagingPrefix(outdir string) string { return "." + filepath.Base(outdir) + ".staging-" }

// swapStep is one file-system operation of the swap.
type swapStep struct {
	name string
	do   func() error
}

// swapSteps plans the replacement of outdir by staging:
//
//  1. carry each stack's Terraform working files from outdir into staging
//     (a state file of a stack staging no longer has goes along, in a
//     folder of its own; that stack's .terraform is left to go);
//  2. rename outdir to outdir.old;
//  3. rename staging to outdir;
//  4. discard outdir.old.
func swapSteps(staging, outdir string) []swapStep {
	var steps []swapStep
	entries, _ := os.ReadDir(filepath.Join(outdir, "stacks"))
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		kept := isDir(filepath.Join(staging, "stacks", name))
		for _, f := range terraformWorkFiles {
			src := filepath.Join(outdir, "stacks", name, f)
			dst := filepath.Join(staging, "stacks", name, f)
			if !exists(src) || (!kept && !stateFiles[f]) {
				continue
			}
			steps = append(steps, swapStep{"keep stacks/" + name + "/" + f, func() error {
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return err
				}
				return os.Rename(src, dst)
			}})
		}
	}
	hadOutput := exists(outdir)
	if hadOutput {
		steps = append(steps, swapStep{"move the previous output aside", func() error { return os.Rename(outdir, oldDir(outdir)) }})
	}
	steps = append(steps, swapStep{"move the new output into place", func() error { return os.Rename(staging, outdir) }})
	if hadOutput {
		steps = append(steps, swapStep{"remove the previous output", func() error { return discard(oldDir(outdir), outdir) }})
	}
	return steps
}

// swap replaces outdir with staging (swapSteps). On an error the previous
// output is put back; the working files carried into staging go back when
// the caller discards staging. Signals wait until it is done.
func swap(staging, outdir string) error {
	return cleanup.Critical(func() error { return runSwap(swapSteps(staging, outdir), outdir) })
}

func runSwap(steps []swapStep, outdir string) error {
	for _, st := range steps {
		err := st.do()
		if err == nil {
			continue
		}
		if st.name == "remove the previous output" {
			return nil // the new output is in place; the next run removes the rest
		}
		if !exists(outdir) && exists(oldDir(outdir)) {
			if rerr := os.Rename(oldDir(outdir), outdir); rerr != nil {
				return fmt.Errorf("%s: %w; putting the previous output back also failed (%v): the next synth restores it from %s", st.name, err, rerr, oldDir(outdir))
			}
		}
		return fmt.Errorf("%s: %w", st.name, describeFSError(err))
	}
	return nil
}

// recoverOutput finishes or undoes a swap that a crash interrupted: with the
// output missing, the previous output (outdir.old) goes back; with both
// present, the swap had put the new output in place, and outdir.old is
// discarded (its working files salvaged first).
func recoverOutput(outdir string) error {
	old := oldDir(outdir)
	if !exists(old) {
		return nil
	}
	if !exists(outdir) {
		if err := os.Rename(old, outdir); err != nil {
			return fmt.Errorf("restoring the previous output from %s after an interrupted synth: %w", old, err)
		}
		return nil
	}
	return discard(old, outdir)
}

// sweepStaging removes the staging folders of synths that no longer run,
// salvaging any working file they held (they hold some when a run died
// while carrying them over).
func sweepStaging(outdir string) error {
	return cleanup.Sweep(filepath.Dir(outdir), stagingPrefix(outdir), func(dir string) error { return discard(dir, outdir) })
}

// discard removes dir, a staging or previous output folder, after moving
// into outdir every Terraform working file outdir lacks: working files of
// stacks outdir has, and state files of any stack. A state file that outdir
// also holds with other content is refused, never deleted.
func discard(dir, outdir string) error {
	if !exists(dir) {
		return nil
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "stacks"))
	for _, e := range entries {
		for _, f := range terraformWorkFiles {
			src := filepath.Join(dir, "stacks", e.Name(), f)
			dst := filepath.Join(outdir, "stacks", e.Name(), f)
			if !exists(src) {
				continue
			}
			if exists(dst) {
				if stateFiles[f] && !sameContent(src, dst) {
					return fmt.Errorf("%s and %s are both Terraform state of stack %s and differ: keep the right one in %s, delete the other, and run again",
						src, dst, e.Name(), filepath.Dir(dst))
				}
				continue
			}
			if !stateFiles[f] && !exists(filepath.Join(outdir, "stacks", e.Name(), "cdk.tf.json")) {
				continue // the stack is gone; `terraform init` recreates the rest
			}
			if !isDir(filepath.Dir(dst)) {
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return fmt.Errorf("keeping %s: %w", src, describeFSError(err))
				}
			}
			if err := os.Rename(src, dst); err != nil {
				return fmt.Errorf("keeping %s: %w", src, describeFSError(err))
			}
		}
	}
	return os.RemoveAll(dir)
}

// describeFSError adds what a full disk means for the user to err.
func describeFSError(err error) error {
	if errors.Is(err, syscall.ENOSPC) || (err != nil && strings.Contains(err.Error(), "ENOSPC")) {
		return fmt.Errorf("%w (the disk is full: free some space and run again)", err)
	}
	return err
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

func sameContent(a, b string) bool {
	x, errA := os.ReadFile(a)
	y, errB := os.ReadFile(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}
