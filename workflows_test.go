package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/workflowlint"
)

// Every workflow of this repository passes actionlint (and shellcheck on its
// run: scripts).
func TestWorkflowsPassActionlint(t *testing.T) {
	files, err := filepath.Glob(".github/workflows/*.y*ml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflow files in .github/workflows (%v)", err)
	}
	shellcheck := workflowlint.Shellcheck()
	if shellcheck == "" {
		if workflowlint.RequireShellcheck() {
			t.Fatal("shellcheck is not installed: .ci/run installs it (apt-get install shellcheck)")
		}
		t.Log("shellcheck is not installed: run: scripts are not checked (apt-get install shellcheck)")
	}
	wd, _ := os.Getwd()
	problems, err := workflowlint.Lint(wd, files, shellcheck)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("actionlint:\n%s", strings.Join(problems, "\n"))
	}
}
