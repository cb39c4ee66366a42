package constructs_test

import (
	"math"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/cost"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// NAT strategy "none" replaces the NAT gateway with interface endpoints for
// ECR (api, dkr), CloudWatch Logs and Secrets Manager in both AZs: 8
// endpoint-AZs at $0.01 an hour cost more than one NAT gateway, so "none"
// is the private option, not the cheap one.
func TestNoNATUsesEndpointsThatCostMoreThanOneNAT(t *testing.T) {
	p := ecsservice.Project("ecs-one", ecsservice.Settings{GitHubRepository: "o/r",
		Environments: map[core.Environment]ecsservice.EnvironmentSettings{
			core.Dev:        {NAT: networking.NatNone},
			core.Production: {AllowHTTPWithoutCertificate: true},
		}})
	stacks, err := synthtest.SynthProjects(t, []stack.Project{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	a := cost.DefaultAssumptions()
	e := costOf(t, "ecs-one-dev", stacks["ecs-one-dev"].Doc, a)
	endpoints := 0.0
	for _, l := range e.Lines {
		if l.Service == "VPC endpoint" {
			endpoints += l.Low
		}
		if l.Service == "NAT gateway" {
			t.Errorf("NAT none: unexpected %s", l.Address)
		}
	}
	if want := 4 * (2*730*0.01 + 1*0.01); math.Abs(endpoints-want) > 1e-9 {
		t.Errorf("endpoints: $%.2f; want $%.2f (4 interface endpoints in 2 AZs)", endpoints, want)
	}
	noNAT, _ := e.Total()
	oneNAT, _ := costOf(t, "agent-factory-dev", synthtest.Golden(t)["agent-factory-dev"].Doc, a).Total()
	if noNAT <= oneNAT {
		t.Errorf("no NAT $%.2f, one NAT $%.2f: endpoints were expected to cost more", noNAT, oneNAT)
	}
	t.Logf("one task, NAT none (endpoints): $%.2f; one NAT gateway: $%.2f", noNAT, oneNAT)
}

// costOf estimates one stack at the repository's price list.
func costOf(t *testing.T, name string, doc map[string]any, a cost.Assumptions) cost.StackEstimate {
	t.Helper()
	prices, err := cost.LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	e, err := cost.EstimateStack(name, doc, prices, a)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
