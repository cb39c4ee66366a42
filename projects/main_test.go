package projects_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

// This binary holds every test that synthesizes whole projects (golden
// stacks, address pins, Terraform's verdict on every stack, migrations of
// the real projects, the synthesis driver on projects.All): each test
// binary pays the jsii start-up, so they share one.

// synthesized is every registered project, synthesized once for the whole
// test binary as `make synth` does.
var synthesized = synthtest.Shared{Projects: projects.All}

// The tests that mostly wait for Terraform (the check of every stack, the
// migration plans) run in parallel with each other once the others are
// done: Terraform's processes overlap, while synthesis, one jsii kernel for
// the whole binary, is taken in turns (synthtest.LockJSII).

// all returns every stack by name.
func all(t *testing.T) map[string]*synthtest.Stack { return synthesized.Stacks(t) }

// TestMain starts the jsii kernel with every folder holding a terraform
// binary removed from its PATH, so every synthesis here proves synthesis
// needs no terraform (cdktf would otherwise run `terraform version` for
// import and moved blocks). The tests themselves keep the full PATH: the
// Terraform checks run terraform.
func TestMain(m *testing.M) {
	full := os.Getenv("PATH")
	var keep []string
	for _, dir := range filepath.SplitList(full) {
		if _, err := os.Stat(filepath.Join(dir, "terraform")); err == nil {
			continue
		}
		keep = append(keep, dir)
	}
	os.Setenv("PATH", strings.Join(keep, string(os.PathListSeparator)))
	synth.NewApp(os.TempDir()) // the kernel starts here and keeps this PATH
	os.Setenv("PATH", full)
	code := m.Run()
	synthesized.Cleanup()
	os.Exit(code)
}
