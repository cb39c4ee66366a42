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

type alarm string

func (a alarm) AlarmName() *string { s := string(a); return &s }

// CodeDeploy watches at most 10 alarms per deployment group.
func TestDeploymentGroupRefusesMoreThanTenAlarms(t *testing.T) {
	var alarms []Alarm
	for i := 0; i < 11; i++ {
		alarms = append(alarms, alarm("a"))
	}
	p := &EcsDeploymentGroupProps{Alarms: alarms}
	if err := p.validate(core.Names{Project: "p", Environment: core.Dev}); err == nil || !strings.Contains(err.Error(), "Alarms: 11 alarms; watch at most 10 alarms") {
		t.Errorf("error = %v", err)
	}
	if got := rollbackEvents(&EcsDeploymentGroupProps{Alarms: alarms[:1]}); strings.Join(got, ",") != "DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_ALARM" {
		t.Errorf("with alarms: %v", got)
	}
	if got := rollbackEvents(&EcsDeploymentGroupProps{}); strings.Join(got, ",") != "DEPLOYMENT_FAILURE" {
		t.Errorf("without alarms: %v", got)
	}
}
