package projects_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func accountProject(local bool) stack.Project {
	return stack.Project{
		Name:        "shared",
		AccountWide: true,
		LocalState:  local,
		Prepare:     func(*stack.Stack) (func() error, error) { return func() error { return nil }, nil },
	}
}

// An account-wide project is one stack named after it, with the shared S3
// backend under "<name>/terraform.tfstate" and no Environment tag.
func TestAccountWideStack(t *testing.T) {
	if got := stack.Names([]stack.Project{accountProject(false)}); strings.Join(got, ",") != "shared" {
		t.Errorf("Names = %v; want [shared]", got)
	}
	stacks, err := synthtest.SynthProjects(t, []stack.Project{accountProject(false)}, "")
	if err != nil {
		t.Fatal(err)
	}
	s := stacks["shared"]
	if s == nil || len(stacks) != 1 {
		t.Fatalf("stacks = %v; want only shared", stacks)
	}
	synthtest.Resource{Fields: s.Doc}.Expect(t, map[string]any{
		"terraform.backend.s3.key":           "shared/terraform.tfstate",
		"terraform.backend.s3.bucket":        core.Talkwise.StateBucket,
		"terraform.backend.s3.use_lockfile":  true,
		"provider.aws.0.default_tags.0.tags": map[string]any{"Project": "shared", "ManagedBy": "cdktf"},
	})
}

// With LocalState the state file sits in the stack's folder under a relative
// path, and re-synthesis carries it over like .terraform: losing it would
// lose the state of whatever the stack bootstrapped.
func TestLocalStateSurvivesResynthesis(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdktf.out")
	opts := synth.Options{Root: synthtest.RepoRoot(t), Outdir: out}
	if _, err := synth.Synth([]stack.Project{accountProject(true)}, opts); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Read(t, out, "shared").Doc
	synthtest.Resource{Fields: doc}.Expect(t, map[string]any{"terraform.backend.local.path": "terraform.tfstate"})

	state := filepath.Join(out, "stacks", "shared", "terraform.tfstate")
	for _, f := range []string{state, state + ".backup"} {
		if err := os.WriteFile(f, []byte(`{"version":4,"serial":7}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := synth.Synth([]stack.Project{accountProject(true)}, opts); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{state, state + ".backup"} {
		if got, err := os.ReadFile(f); err != nil || string(got) != `{"version":4,"serial":7}` {
			t.Errorf("%s after re-synthesis: %q, %v; want it carried over unchanged", filepath.Base(f), got, err)
		}
	}
}

func TestAccountWideSettingsAreChecked(t *testing.T) {
	withEnv := accountProject(false)
	withEnv.Environments = []core.Environment{core.Dev}
	notAccount := stack.Project{Name: "p", LocalState: true, Prepare: accountProject(false).Prepare}
	for _, c := range []struct {
		p    stack.Project
		want string
	}{
		{withEnv, "an account-wide stack has no environments"},
		{notAccount, "LocalState is only for account-wide stacks"},
	} {
		_, err := synthtest.SynthProjects(t, []stack.Project{c.p}, "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v; want %q", err, c.want)
		}
	}
}
