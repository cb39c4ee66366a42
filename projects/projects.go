// Package projects lists every project this repository deploys.
package projects

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/platform"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"

	agentfactory "github.com/fractallabsdev/talkwise-infra/projects/agent-factory"
	practiceinterviews "github.com/fractallabsdev/talkwise-infra/projects/practice-interviews"
	projectx "github.com/fractallabsdev/talkwise-infra/projects/project-x"
	rukscheduler "github.com/fractallabsdev/talkwise-infra/projects/ruk-scheduler"
)

// All returns the projects in synthesis order.
func All() []stack.Project {
	return []stack.Project{
		practiceinterviews.Project,
		rukscheduler.Project,
		projectx.Project,
		agentfactory.Project,
		// The account-wide stack "platform": state bucket, lock table, GitHub
		// OIDC provider (docs/platform.md).
		platform.Project(platform.SettingsFromEnv()),
	}
}
