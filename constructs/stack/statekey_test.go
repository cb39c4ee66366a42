package stack

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Keys Terraform's S3 backend or S3 refuses, and keys that would let a
// stack read another's state, are refused with the field and the fix.
func TestValidateStateKey(t *testing.T) {
	for _, ok := range []string{"ruk-scheduler/dev/terraform.tfstate", "ruk-scheduler/a_b/c.d-e/terraform.tfstate"} {
		if err := ValidateStateKey("StateKeys[dev]", "ruk-scheduler", ok, false); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	cases := []struct {
		key    string
		pinned bool
		want   string
	}{
		{"", false, "is empty"},
		{"/ruk-scheduler/dev/terraform.tfstate", false, `starts or ends with "/"; Terraform's S3 backend refuses that`},
		{"ruk-scheduler/dev/", false, `starts or ends with "/"`},
		{"ruk-scheduler//dev/terraform.tfstate", false, `contains "//"`},
		{"ruk-scheduler/../practice-interviews/dev/terraform.tfstate", false, `has a ".." segment`},
		{"ruk-scheduler/./dev/terraform.tfstate", true, `has a "." segment`},
		{"ruk-scheduler/dev/*.tfstate", false, "outside S3's safe set"},
		{"ruk-scheduler/dev/terraform.tfstate.tflock", false, "the name of another state's lock file"},
		{"ruk-scheduler/" + strings.Repeat("k", 1024), false, "bytes; S3 allows 1024"},
		{"practice-interviews/dev/terraform.tfstate", false, `is outside the project's prefix "ruk-scheduler/"`},
		{"projects/ruk-scheduler/dev/terraform.tfstate", false, `StateKeyPins: {"projects/ruk-scheduler/dev/terraform.tfstate": "<why>"}`},
	}
	for _, c := range cases {
		err := ValidateStateKey("StateKeys[dev]", "ruk-scheduler", c.key, c.pinned)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "StateKeys[dev]: ") {
			t.Errorf("%q: err = %v; want %q", c.key, err, c.want)
		}
	}
	if err := ValidateStateKey("StateKeys[dev]", "ruk-scheduler", "projects/ruk-scheduler/dev/terraform.tfstate", true); err != nil {
		t.Errorf("a pinned key outside the prefix: %v", err)
	}
}

func prepared(name string) Project {
	return Project{Name: name, Prepare: func(*Stack) (func() error, error) { return nil, nil }}
}

func TestStateKeyPinsNeedAReasonAndAUse(t *testing.T) {
	p := prepared("ruk-scheduler")
	p.StateKeys = map[core.Environment]string{core.Dev: "projects/ruk-scheduler/dev/terraform.tfstate"}
	p.StateKeyPins = map[string]string{"projects/ruk-scheduler/dev/terraform.tfstate": "the HCL project's key, adopted in place"}
	if err := p.Validate(); err != nil {
		t.Errorf("pinned: %v", err)
	}
	p.StateKeyPins = map[string]string{"projects/ruk-scheduler/dev/terraform.tfstate": " ", "old/key": "x"}
	err := p.Validate()
	for _, want := range []string{`StateKeyPins["projects/ruk-scheduler/dev/terraform.tfstate"]: has no reason`, `StateKeyPins["old/key"]: pins a key no StateKeys entry uses`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want %q", err, want)
		}
	}
}

// No two stacks, in any project or environment, share a state key.
func TestStateKeysUniqueAcrossProjects(t *testing.T) {
	ruk := prepared("ruk-scheduler")
	pi := prepared("practice-interviews")
	pi.SettingsFile = "projects/practice-interviews/project.go"
	pi.StateKeys = map[core.Environment]string{core.Dev: "ruk-scheduler/dev/terraform.tfstate"}
	pi.StateKeyPins = map[string]string{"ruk-scheduler/dev/terraform.tfstate": "a mistake"}
	platform := Project{Name: "platform", AccountWide: true}
	err := CheckStateKeysUnique([]Project{ruk, pi, platform})
	want := `projects/practice-interviews/project.go: StateKeys[dev]: stack practice-interviews-dev would keep its state at "ruk-scheduler/dev/terraform.tfstate", the state of stack ruk-scheduler-dev`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v; want %q", err, want)
	}
	both := prepared("x")
	both.StateKeys = map[core.Environment]string{core.Dev: "x/terraform.tfstate", core.Production: "x/terraform.tfstate"}
	if err := CheckStateKeysUnique([]Project{both}); err == nil || !strings.Contains(err.Error(), "x-production would keep its state at \"x/terraform.tfstate\", the state of stack x-dev") {
		t.Errorf("one key for dev and production: %v", err)
	}
	if err := CheckStateKeysUnique([]Project{ruk, prepared("practice-interviews"), platform}); err != nil {
		t.Errorf("default keys: %v", err)
	}
}
