package stack

import (
	"fmt"

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
	// "<project>/<env>/terraform.tfstate".
	StateKeys map[core.Environment]string
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

// Validate checks the project's own settings (not its files).
func (p Project) Validate() error {
	if err := core.ValidateProjectName(p.Name); err != nil {
		return err
	}
	if p.Prepare == nil {
		return fmt.Errorf("project %s: Prepare is nil", p.Name)
	}
	if p.AccountWide && (len(p.Environments) > 0 || len(p.StateKeys) > 0) {
		return core.Errorf(fmt.Sprintf("project %s: AccountWide", p.Name), "leave Environments and StateKeys empty: an account-wide stack exists once", "an account-wide stack has no environments")
	}
	if p.LocalState && !p.AccountWide {
		return core.Errorf(fmt.Sprintf("project %s: LocalState", p.Name), "keep per-environment state in the S3 bucket", "LocalState is only for account-wide stacks")
	}
	for env := range p.StateKeys {
		if _, err := core.ParseEnvironment(string(env)); err != nil {
			return core.Errorf(fmt.Sprintf("project %s: StateKeys", p.Name), "use "+core.EnvironmentList(), "%v", err)
		}
	}
	return nil
}
