package stack

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Names lists the stack names of projects without synthesizing anything.
func Names(projects []Project) []string {
	var out []string
	for _, p := range projects {
		if p.AccountWide {
			out = append(out, AccountStackName(p))
			continue
		}
		for _, env := range p.EnvironmentsOrAll() {
			out = append(out, core.Names{Project: p.Name, Environment: env}.StackName())
		}
	}
	return out
}
