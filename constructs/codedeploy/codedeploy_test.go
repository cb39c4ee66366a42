package codedeploy

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

func TestDeploymentGroupRejectsBadInput(t *testing.T) {
	wait := 3000
	p := &EcsDeploymentGroupProps{TerminationWaitMinutes: &wait}
	err := p.validate(core.Names{Project: "p", Environment: core.Dev})
	for _, want := range []string{
		"TerminationWaitMinutes: 3000 minutes is outside CodeDeploy's range; use 0-2880 minutes",
		"TargetGroups: blue and green are not a pair",
		"Service and ProductionListener are required",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want %q", err, want)
		}
	}
}
