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
