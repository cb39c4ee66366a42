package main

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

func TestCostStacks(t *testing.T) {
	noop := func(*stack.Stack) (func() error, error) { return nil, nil }
	all := []stack.Project{
		{Name: "a", Prepare: noop},
		{Name: "b", Environments: []core.Environment{core.Production}, Prepare: noop},
		{Name: "platform", AccountWide: true, Prepare: noop},
	}
	ok := []struct {
		env, project string
		want         []string
	}{
		{"dev", "", []string{"a-dev", "platform"}},
		{"production", "", []string{"a-production", "b-production", "platform"}},
		{"dev", "a", []string{"a-dev"}},
		{"", "platform", []string{"platform"}},
	}
	for _, c := range ok {
		got, err := costStacks(all, c.env, c.project)
		if err != nil || strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("env %q project %q: %v (%v); want %v", c.env, c.project, got, err, c.want)
		}
	}
	bad := []struct {
		env, project, want string
	}{
		{"", "", "an environment is required"},
		{"", "a", "an environment is required"},
		{"staging", "", `unknown environment "staging"`},
		{"dev", "nope", `unknown project "nope"`},
		{"dev", "platform", "platform is account-wide"},
		{"dev", "b", "project b has no dev stack"},
	}
	for _, c := range bad {
		_, err := costStacks(all, c.env, c.project)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("env %q project %q: %v; want an error saying %q", c.env, c.project, err, c.want)
		}
	}
}
