// Package workflowlint checks GitHub Actions workflow files with actionlint,
// used as a library so no binary has to be installed. actionlint checks the
// workflow syntax, expressions and their types, action inputs, job needs and
// matrices, and passes every run: script to shellcheck when it is installed.
package workflowlint

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rhysd/actionlint"
)

// Shellcheck reports where shellcheck is, or "" when it is not installed.
func Shellcheck() string {
	p, err := exec.LookPath("shellcheck")
	if err != nil {
		return ""
	}
	return p
}

// RequireShellcheck says whether a missing shellcheck is an error: on CI
// (CI=true), where .ci/run installs it, the run: scripts must be checked.
func RequireShellcheck() bool { return os.Getenv("CI") == "true" }

// Lint checks the workflow files of the repository at root (the folder
// holding .github/workflows) and returns one line per problem, "file:line:col:
// message [rule]". Local reusable workflows and actions resolve against root.
// shellcheck is the shellcheck binary to run on run: scripts, "" to skip them.
func Lint(root string, files []string, shellcheck string) ([]string, error) {
	project, err := actionlint.NewProject(root)
	if err != nil {
		return nil, err
	}
	var logs bytes.Buffer
	linter, err := actionlint.NewLinter(&bytes.Buffer{}, &actionlint.LinterOptions{
		Shellcheck: shellcheck,
		WorkingDir: root,
		LogWriter:  &logs,
		Color:      actionlint.ColorOptionKindNever,
	})
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(root, f)
	}
	errs, err := linter.LintFiles(paths, project)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range errs {
		rel, relErr := filepath.Rel(root, e.Filepath)
		if relErr != nil {
			rel = e.Filepath
		}
		out = append(out, fmt.Sprintf("%s:%d:%d: %s [%s]", rel, e.Line, e.Column, strings.TrimSpace(e.Message), e.Kind))
	}
	return out, nil
}

// StepScript returns the run: script of the step with id step in job of the
// workflow file, so a test can run it (e.g. the step that builds the stack
// matrix) on real input.
func StepScript(path, job, step string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	w, errs := actionlint.Parse(raw)
	if len(errs) > 0 {
		return "", fmt.Errorf("%s: %v", path, errs[0])
	}
	j, ok := w.Jobs[job]
	if !ok {
		return "", fmt.Errorf("%s: no job %q", path, job)
	}
	for _, s := range j.Steps {
		if s.ID == nil || s.ID.Value != step {
			continue
		}
		if run, ok := s.Exec.(*actionlint.ExecRun); ok && run.Run != nil {
			return run.Run.Value, nil
		}
		return "", fmt.Errorf("%s: step %s.%s has no run: script", path, job, step)
	}
	return "", fmt.Errorf("%s: job %s has no step with id %q", path, job, step)
}
