package ecsservice

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecs"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
)

func no() *bool { v := false; return &v }

// TestDefaults pins the documented defaults per environment (README table).
func TestDefaults(t *testing.T) {
	s := Settings{GitHubRepository: "o/r"}
	dev, prod := s.resolve(core.Dev), s.resolve(core.Production)
	type view struct {
		NAT                                networking.NatStrategy
		WAF, BlueGreen, DeletionProtection bool
		Autoscaling, ImmutableTags         bool
		GitHubClaim                        string
		CPU, Memory, Port, Wait            int
		Path                               string
	}
	v := func(r resolved) view {
		_, autoscaled := r.Tasks.(ecs.Autoscaling)
		return view{r.NAT, r.WAF, r.Deployment == core.BlueGreen, r.DeletionProtection, autoscaled, r.ImmutableTags, r.GitHub.Claim(),
			r.CPU, r.MemoryMB, r.ContainerPort, r.TerminationWaitMinutes, r.HealthCheckPath}
	}
	wantDev := view{networking.NatSingle, false, true, false, false, false, "repo:o/r:environment:dev", 512, 1024, 3000, 5, "/health"}
	wantProd := view{networking.NatOnePerAZ, true, true, true, true, true, "repo:o/r:environment:production", 512, 1024, 3000, 5, "/health"}
	if got := v(dev); got != wantDev {
		t.Errorf("dev defaults %+v, want %+v", got, wantDev)
	}
	if got := v(prod); got != wantProd {
		t.Errorf("production defaults %+v, want %+v", got, wantProd)
	}

	wait := 30
	s.Environments = map[core.Environment]EnvironmentSettings{core.Production: {
		NAT: networking.NatNone, WAF: no(), Deployment: core.Rolling, DeletionProtection: no(),
		Tasks: ecs.Autoscaling{MaxTasks: 8}, GitHubBranch: "main", TerminationWaitMinutes: &wait, ImmutableTags: no(),
	}}
	got := v(s.resolve(core.Production))
	want := view{networking.NatNone, false, false, false, true, false, "repo:o/r:ref:refs/heads/main", 512, 1024, 3000, 30, "/health"}
	if got != want {
		t.Errorf("overridden %+v, want %+v", got, want)
	}
	if a := s.resolve(core.Production).Tasks.(ecs.Autoscaling); a.MaxTasks != 8 {
		t.Errorf("Tasks.MaxTasks = %d", a.MaxTasks)
	}
	s.Environments = map[core.Environment]EnvironmentSettings{core.Production: {Tasks: ecs.FixedTasks(3)}}
	if got := s.resolve(core.Production).Tasks; got != ecs.FixedTasks(3) {
		t.Errorf("Tasks = %v, want 3 fixed tasks in production when asked", got)
	}
}
