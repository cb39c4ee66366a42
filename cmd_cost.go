package main

import (
	"flag"
	"io"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/cost"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("cost", command{
		usage: "-env ENV [-project P] [assumption flags]  monthly cost estimate of the synthesized stacks (make cost)",
		run:   runCost,
	})
}

func runCost(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := fs.String("env", "", "environment whose stacks to estimate: "+core.EnvironmentList())
	project := fs.String("project", "", "only this project's stack (default: every project, plus the account-wide stacks)")
	outdir := fs.String("outdir", tfjson.DefaultOutdir(), "where the synthesized stacks are")
	a := cost.DefaultAssumptions()
	a.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	names, err := costStacks(projects.All(), *env, *project)
	if err != nil {
		return err
	}
	prices, err := cost.LoadPrices()
	if err != nil {
		return err
	}
	var estimates []cost.StackEstimate
	for _, name := range names {
		doc, err := tfjson.ReadStack(*outdir, name)
		if err != nil {
			return err
		}
		est, err := cost.EstimateStack(name, doc, prices, a)
		if err != nil {
			return err
		}
		estimates = append(estimates, est)
	}
	return cost.Report(stdout, estimates, prices, a)
}

// costStacks picks the stacks to estimate: one project's stack in env, or
// every project's stack in env plus the account-wide stacks (their cost is
// shared by every environment, and belongs in the bill).
func costStacks(all []stack.Project, env, project string) ([]string, error) {
	var known []string
	for _, p := range all {
		known = append(known, p.Name)
		if p.Name != project {
			continue
		}
		if p.AccountWide {
			if env != "" {
				return nil, core.Errorf("e", "drop e= (make cost p="+p.Name+")", "%s is account-wide and has no environment", p.Name)
			}
			return []string{p.Name}, nil
		}
	}
	if project != "" && !contains(known, project) {
		return nil, core.Errorf("p", "use one of "+strings.Join(known, ", "), "unknown project %q", project)
	}
	if env == "" {
		return nil, core.Errorf("e", "use e=dev or e=production (make cost e=dev)", "an environment is required")
	}
	if _, err := core.ParseEnvironment(env); err != nil {
		return nil, core.Errorf("e", "use one of "+core.EnvironmentList(), "%v", err)
	}
	var out []string
	for _, p := range all {
		if project != "" && p.Name != project {
			continue
		}
		if p.AccountWide {
			out = append(out, p.Name)
			continue
		}
		want := p.Name + "-" + env
		if contains(stack.Names([]stack.Project{p}), want) {
			out = append(out, want)
		}
	}
	if project != "" && len(out) == 0 {
		return nil, core.Errorf("e", "run `go run . list` for the stacks", "project %s has no %s stack", project, env)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
