package testreport_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/testreport"
)

// goTestJSON runs the real `go test -json` on a throw-away module holding
// files, and returns its event stream.
func goTestJSON(t *testing.T, files map[string]string) []byte {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/m\n\ngo 1.22\n"
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-json", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, _ := cmd.Output() // fails when a test fails; the stream is what matters
	return out
}

func TestSkippedTestsAreListedWithTheirReason(t *testing.T) {
	stream := goTestJSON(t, map[string]string{
		"a/a_test.go": `package a
import "testing"
func TestPasses(t *testing.T) {}
func TestNeedsTerraform(t *testing.T) {
	t.Log("terraform is not on PATH")
	t.Skip("install Terraform 1.10+ and set TF_PLUGIN_DIR")
}
`,
	})
	var out bytes.Buffer
	sum, err := testreport.Summarize(bytes.NewReader(stream), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.OK() || sum.Passed != 1 || sum.Skipped != 1 {
		t.Errorf("summary %+v, want 1 passed, 1 skipped, OK", sum)
	}
	got := out.String()
	for _, want := range []string{
		"ok  \texample.com/m/a", // go test's own package line
		"SKIPPED: 1 tests did not run",
		"example.com/m/a TestNeedsTerraform",
		"terraform is not on PATH",
		"install Terraform 1.10+ and set TF_PLUGIN_DIR",
		"tests: 1 passed, 0 failed, 1 skipped",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "--- SKIP") || strings.Contains(got, "=== RUN") {
		t.Errorf("skip reasons should not repeat go test's framing lines:\n%s", got)
	}
}

func TestFailuresShowTheirOutputAndFail(t *testing.T) {
	stream := goTestJSON(t, map[string]string{
		"a/a_test.go": `package a
import "testing"
func TestBreaks(t *testing.T) { t.Error("want 2, got 3") }
`,
		"b/b_test.go": `package b
import "testing"
func TestPanics(t *testing.T) { panic("boom") }
`,
		"c/c_test.go": `package c
func broken( {
`,
	})
	var out bytes.Buffer
	sum, err := testreport.Summarize(bytes.NewReader(stream), &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.OK() {
		t.Fatalf("summary %+v is OK for a failing, a panicking and an unbuildable package:\n%s", sum, out.String())
	}
	if sum.BuildFailed != 1 || sum.PackagesFailed < 2 {
		t.Errorf("summary %+v, want 1 build failure and the failing packages counted", sum)
	}
	got := out.String()
	for _, want := range []string{"want 2, got 3", "--- FAIL: TestBreaks", "panic: boom", "FAIL\texample.com/m/c"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
