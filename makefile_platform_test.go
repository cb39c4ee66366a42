package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder writes a stand-in for a command that logs "<name> <args>" to
// $CALLS_LOG, for APP (go run .), which standIns lacks.
func recorder(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	script := "#!/bin/sh\necho \"" + name + " $*\" >> \"$CALLS_LOG\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// The platform stack has no environment, and a plain destroy is refused.
func TestMakefilePlatformStack(t *testing.T) {
	root, _ := os.Getwd()
	out := fakeOutput(t, "platform")
	dir := out + "/stacks/platform"

	r := runMake(t, root, out, "plan", "p=platform")
	want := []string{"terraform -chdir=" + dir + " init -input=false", "terraform -chdir=" + dir + " plan -input=false"}
	if r.err != nil || strings.Join(r.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("make plan p=platform ran %v (%v); want %v\n%s", r.calls, r.err, want, r.output)
	}

	// bootstrap=1 reaches the synthesis as TALKWISE_PLATFORM_BOOTSTRAP=1.
	r = runMake(t, root, out, "deploy", "p=platform", "bootstrap=1",
		"SYNTH=sh -c 'echo \"synth bootstrap=$$TALKWISE_PLATFORM_BOOTSTRAP\" >> \"$$CALLS_LOG\"'")
	if r.err != nil || len(r.calls) == 0 || r.calls[0] != "synth bootstrap=1" {
		t.Errorf("make deploy p=platform bootstrap=1 ran %v (%v)\n%s", r.calls, r.err, r.output)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"destroy", "p=platform"}, "refusing to destroy platform"},
		{[]string{"plan", "p=platform", "e=dev"}, "platform is account-wide and has no environment: drop e=dev"},
	} {
		r := runMake(t, root, out, c.args...)
		if r.err == nil || !strings.Contains(r.output, c.want) {
			t.Errorf("make %v: %v\n%s\nwant a refusal saying %q", c.args, r.err, r.output, c.want)
		}
		if len(r.calls) > 0 {
			t.Errorf("make %v ran %v; nothing may run", c.args, r.calls)
		}
	}
}

func TestMakefileCostAndGraph(t *testing.T) {
	root, _ := os.Getwd()
	out := fakeOutput(t, "ruk-scheduler-dev")
	app := recorder(t, "app")
	graphs := t.TempDir()
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"cost", "e=dev"}, []string{"app cost -env dev"}},
		{[]string{"cost", "e=production", "p=ruk-scheduler", "COST_FLAGS=-nat-gb 5"}, []string{"app cost -env production -project ruk-scheduler -nat-gb 5"}},
		// SVG straight from the app: no system Graphviz.
		{[]string{"graph", "p=ruk-scheduler", "e=dev"}, []string{"app graph -o " + graphs + "/ruk-scheduler-dev.svg ruk-scheduler-dev"}},
		{[]string{"graph", "p=platform"}, []string{"app graph -o " + graphs + "/platform.svg platform"}},
	}
	for _, c := range cases {
		r := runMake(t, root, out, append(c.args, "APP="+app, "GRAPH_DIR="+graphs)...)
		if r.err != nil || strings.Join(r.calls, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("make %v ran:\n%s\n(%v)\nwant:\n%s\n%s", c.args, strings.Join(r.calls, "\n"), r.err, strings.Join(c.want, "\n"), r.output)
		}
	}

	r := runMake(t, root, out, "graph", "p=ruk-scheduler", "APP="+app)
	if r.err == nil || !strings.Contains(r.output, "e=<environment> is required") || len(r.calls) > 0 {
		t.Errorf("make graph without e: %v, ran %v\n%s", r.err, r.calls, r.output)
	}
}
