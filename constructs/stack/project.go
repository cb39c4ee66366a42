package stack

import (
	"fmt"
	"path"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Project is one deployable project: a name, how to build its stack for an
// environment, and where its state lives.
type Project struct {
	// Name is the project name, e.g. "practice-interviews".
	Name string
	// Environments to synthesize; defaults to every environment in core.Environments.
	Environments []core.Environment
	// StateKeys overrides the S3 state key per environment, so a stack can
	// point at the key its HCL project already uses. Defaults to
	// "<project>/<env>/terraform.tfstate". A key must stay under
	// "<project>/" unless StateKeyPins pins it; every stack's key is unique.
	StateKeys map[core.Environment]string
	// StateKeyPins allows a StateKeys entry outside "<project>/", keyed by
	// the exact key, with the reason (e.g. the HCL project's key, adopted in
	// place). Defaults to none.
	StateKeyPins map[string]string
	// NotSecrets lets values that look like credentials through the
	// synth-time checks, by name, each with its reason (core.NotSecrets).
	// Defaults to none.
	NotSecrets core.NotSecrets
	// SettingsFile is where the project's settings are written, relative
	// to the repository root, for messages. Defaults to
	// "projects/<name>/project.go" when that file exists.
	SettingsFile string
	// Prepare reads and validates the project's files for one environment
	// (schedules, Lambda sources) before any resource is created, and returns
	// the function that builds the stack. Keeping the two apart means a bad
	// input is reported without half-building anything.
	Prepare func(s *Stack) (Build func() error, err error)
	// AccountWide builds one stack named Name for the whole account instead
	// of one per environment (the platform stack; see account.go). Defaults
	// to false. Environments and StateKeys must then be empty.
	AccountWide bool
	// LocalState keeps an AccountWide stack's state in a local file in its
	// output folder instead of the S3 bucket: for bootstrapping the bucket
	// itself. Defaults to false (S3 key "<name>/terraform.tfstate").
	LocalState bool
}

// EnvironmentsOrAll is Environments, or every environment when it is empty.
func (p Project) EnvironmentsOrAll() []core.Environment {
	if len(p.Environments) == 0 {
		return core.Environments
	}
	return p.Environments
}

// StateKey is the S3 key of the project's state in one environment.
func (p Project) StateKey(n core.Names) string {
	if k, ok := p.StateKeys[n.Environment]; ok && k != "" {
		return k
	}
	return DefaultStateKey(n)
}

// DefaultSettingsFile is where a project's settings live by convention.
func DefaultSettingsFile(project string) string { return path.Join("projects", project, "project.go") }

// Validate checks the project's own settings (not its files), once for all
// its environments. Errors name the field; the synthesis driver places them
// in SettingsFile.
func (p Project) Validate() error {
	if err := core.ValidateProjectName(p.Name); err != nil {
		return err
	}
	if p.Prepare == nil {
		return fmt.Errorf("project %s: Prepare is nil", p.Name)
	}
	if p.AccountWide && (len(p.Environments) > 0 || len(p.StateKeys) > 0) {
		return core.Errorf("AccountWide", "leave Environments and StateKeys empty: an account-wide stack exists once", "an account-wide stack has no environments")
	}
	if p.LocalState && !p.AccountWide {
		return core.Errorf("LocalState", "keep per-environment state in the S3 bucket", "LocalState is only for account-wide stacks")
	}
	return core.Join(p.validateStateKeys(), p.NotSecrets.Validate("NotSecrets"))
}
