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
}

func (p Project) environments() []core.Environment {
	if len(p.Environments) == 0 {
		return core.Environments
	}
	return p.Environments
}

func (p Project) stateKey(n core.Names) string {
	if k, ok := p.StateKeys[n.Environment]; ok && k != "" {
		return k
	}
	return DefaultStateKey(n)
}

func (p Project) validate() error {
	if err := core.ValidateProjectName(p.Name); err != nil {
		return err
	}
	if p.Prepare == nil {
		return fmt.Errorf("project %s: Prepare is nil", p.Name)
	}
	for env := range p.StateKeys {
		if _, err := core.ParseEnvironment(string(env)); err != nil {
			return core.Errorf(fmt.Sprintf("project %s: StateKeys", p.Name), "use "+core.EnvironmentList(), "%v", err)
		}
	}
	return nil
}
