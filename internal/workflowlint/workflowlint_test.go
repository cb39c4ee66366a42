package workflowlint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A workflow with known mistakes is reported, each with file, line and rule,
// so a clean result elsewhere means the files were really checked.
func TestLintReportsMistakes(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, ".github", "workflows")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	workflow := `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    needs: missing
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-asume: arn:aws:iam::1:role/x
      - run: echo $UNQUOTED
        env:
          UNQUOTED: a b
      - run: echo "${{ matrix.nothing }}"
`
	if err := os.WriteFile(filepath.Join(dir, "ci.yml"), []byte(workflow), 0o644); err != nil {
		t.Fatal(err)
	}
	shellcheck := Shellcheck()
	problems, err := Lint(root, []string{".github/workflows/ci.yml"}, shellcheck)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(problems, "\n")
	want := []string{
		`.github/workflows/ci.yml:3:3: job "build" needs job "missing" which does not exist in this workflow [job-needs]`,
		`input "role-to-asume" is not defined in action "aws-actions/configure-aws-credentials@v4"`,
		`property "nothing" is not defined in object type {}`,
	}
	if shellcheck != "" {
		want = append(want, "SC2086") // unquoted $UNQUOTED
	} else if RequireShellcheck() {
		t.Fatal("shellcheck is not installed: .ci/run installs it")
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in:\n%s", w, all)
		}
	}
}
