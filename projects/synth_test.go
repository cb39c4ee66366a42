package projects_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

// tree reads every file under dir, keyed by relative path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// One test, several synths: each test binary pays the jsii start-up once.
func TestSynth(t *testing.T) {
	rootA := synthtest.CopyInputs(t)
	rootB := synthtest.CopyInputs(t)
	outA := filepath.Join(t.TempDir(), "cdktf.out")
	outB := filepath.Join(t.TempDir(), "cdktf.out")

	namesA, err := synth.Synth(projects.All(), synth.Options{Root: rootA, Outdir: outA})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Synth(projects.All(), synth.Options{Root: rootB, Outdir: outB}); err != nil {
		t.Fatal(err)
	}

	t.Run("every project in every environment", func(t *testing.T) {
		if got, want := strings.Join(namesA, " "), strings.Join(stack.Names(projects.All()), " "); got != want {
			t.Errorf("synthesized %s; want %s", got, want)
		}
		for _, name := range namesA {
			if _, err := os.Stat(tfjson.StackFile(outA, name)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})

	t.Run("byte-identical from another root and outdir", func(t *testing.T) {
		a, b := tree(t, outA), tree(t, outB)
		if len(a) != len(b) {
			t.Fatalf("%d files vs %d", len(a), len(b))
		}
		for name, content := range a {
			if !bytes.Equal(content, b[name]) {
				t.Errorf("%s differs between two synths of the same inputs", name)
			}
		}
		for name, content := range a {
			for _, machinePath := range []string{rootA, outA, os.TempDir() + "/", synthtest.RepoRoot(t)} {
				if bytes.Contains(content, []byte(machinePath)) {
					t.Errorf("%s contains the machine path %s", name, machinePath)
				}
			}
		}
	})

	t.Run("a failed synth leaves the previous output untouched", func(t *testing.T) {
		before := tree(t, outA)
		bad := filepath.Join(rootA, "projects", "ruk-scheduler", "schedules.yaml")
		if err := os.WriteFile(bad, []byte("schedules:\n  - name: x\n    lambda_name: message-hub-dispatch\n    schedule_type: every_2_min\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := synth.Synth(projects.All(), synth.Options{Root: rootA, Outdir: outA})
		if err == nil || !strings.Contains(err.Error(), "projects/ruk-scheduler/schedules.yaml:4: schedules[0].schedule_type") {
			t.Fatalf("err = %v", err)
		}
		after := tree(t, outA)
		if len(after) != len(before) {
			t.Fatalf("output changed: %d files before, %d after", len(before), len(after))
		}
		for name, content := range before {
			if !bytes.Equal(content, after[name]) {
				t.Errorf("%s changed after a failed synth", name)
			}
		}
		entries, _ := os.ReadDir(filepath.Dir(outA))
		for _, e := range entries {
			if e.Name() != "cdktf.out" {
				t.Errorf("left behind %s next to the output", e.Name())
			}
		}
	})

	t.Run("terraform's working files survive re-synthesis", func(t *testing.T) {
		stackDir := filepath.Join(outB, "stacks", "project-x-dev")
		if err := os.MkdirAll(filepath.Join(stackDir, ".terraform", "providers"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(stackDir, ".terraform.lock.hcl"), []byte("# lock"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := synth.Synth(projects.All(), synth.Options{Root: rootB, Outdir: outB, Only: []string{"project-x-dev"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(stackDir, ".terraform", "providers")); err != nil {
			t.Errorf(".terraform lost: %v", err)
		}
		if raw, err := os.ReadFile(filepath.Join(stackDir, ".terraform.lock.hcl")); err != nil || string(raw) != "# lock" {
			t.Errorf("lock file lost: %v", err)
		}
		if _, err := os.Stat(tfjson.StackFile(outB, "ruk-scheduler-dev")); !os.IsNotExist(err) {
			t.Errorf("synth of one stack must write only that stack; ruk-scheduler-dev: %v", err)
		}
	})

	t.Run("unknown stack name", func(t *testing.T) {
		_, err := synth.Synth(projects.All(), synth.Options{Root: rootB, Outdir: outB, Only: []string{"nope-dev"}})
		if err == nil || !strings.Contains(err.Error(), `unknown stack "nope-dev"`) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestDuplicateProjectsRefused(t *testing.T) {
	all := projects.All()
	_, err := synth.Synth(append(all, all[0]), synth.Options{Root: t.TempDir(), Outdir: filepath.Join(t.TempDir(), "out")})
	if err == nil || !strings.Contains(err.Error(), "registered more than once") {
		t.Errorf("err = %v", err)
	}
}
