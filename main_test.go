package main

import (
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"

	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			raw, _ := os.ReadFile(p)
			out[p] = string(raw)
		}
		return nil
	})
	return out
}

// synthesizedWorkspace copies what synthesis reads (projects/, lambdas/)
// into a temporary folder, makes it the working directory for the test,
// synthesizes there with the app's run(), and returns the output's files.
func synthesizedWorkspace(t *testing.T) map[string]string {
	t.Helper()
	repo, _ := os.Getwd()
	work := t.TempDir()
	synthtest.CopyTree(t, repo, work, "projects", "lambdas")
	t.Chdir(work)
	t.Setenv("CDKTF_OUTDIR", "")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"synth"}, &stdout, &stderr); code != 0 {
		t.Fatalf("clean synth exited %d:\n%s", code, stderr.String())
	}
	out := snapshot(t, "cdktf.out")
	if len(out) == 0 {
		t.Fatal("no output")
	}
	return out
}

// The app's own exit code and messages for the bad inputs a user is most
// likely to make; each must leave the previous cdktf.out exactly as it was.
func TestSynthRefusesBadInputAndKeepsPreviousOutput(t *testing.T) {
	good := synthesizedWorkspace(t)

	const sched = "projects/ruk-scheduler/schedules.yaml"
	const handler = "lambdas/ruk-scheduler/message-hub-dispatch"
	cases := []struct {
		name   string
		file   string
		write  string // new content; "" removes the file or folder
		expect []string
	}{
		{"unknown key", sched, "schedules:\n  - name: a\n    lambda_name: message-hub-dispatch\n    schedule_type: hourly\n    cron_expr: x\n",
			[]string{sched + ":5:", `unknown field "cron_expr"`, "allowed keys here are"}},
		{"unknown schedule_type", sched, "schedules:\n  - name: a\n    lambda_name: message-hub-dispatch\n    schedule_type: every_minute\n",
			[]string{sched + ":4: schedules[0].schedule_type", "use one of"}},
		{"bad cron", sched, "schedules:\n  - name: a\n    lambda_name: message-hub-dispatch\n    cron: \"0 9 * * 1 *\"\n",
			[]string{sched + ":4: schedules[0].cron", `exactly one of day-of-month ("*") and day-of-week ("1") must be "?"`}},
		{"bad timezone", sched, "schedules:\n  - name: a\n    lambda_name: message-hub-dispatch\n    schedule_type: daily\n    timezone: US/Nowhere\n",
			[]string{sched + ":5: schedules[0].timezone", "IANA"}},
		{"lambda_name not declared", sched, "schedules:\n  - name: a\n    lambda_name: other-lambda\n    schedule_type: daily\n",
			[]string{sched + ":3: schedules[0].lambda_name", "use one of: message-hub-dispatch"}},
		{"unknown environment", sched, "schedules:\n  - name: a\n    lambda_name: message-hub-dispatch\n    schedule_type: daily\n    environments: [prod]\n",
			[]string{sched + ":5: schedules[0].environments", `unknown environment "prod"`}},
		{"duplicate schedule name", sched, "schedules:\n  - name: a\n    lambda_name: message-hub-dispatch\n    schedule_type: daily\n  - name: a\n    lambda_name: message-hub-dispatch\n    schedule_type: hourly\n",
			[]string{sched + ":5: schedules[1].name", "duplicate schedule name"}},
		{"missing lambda folder", handler, "",
			[]string{handler + ": handler folder does not exist", "create it"}},
		{"TypeScript that does not compile", handler + "/src/index.ts", "export const handler = async () => {\n  const x: number = ;\n};\n",
			[]string{handler + "/src/index.ts:2:", "fix the TypeScript"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			original := snapshot(t, c.file)
			restore := func() {
				_ = os.RemoveAll(c.file)
				for p, content := range original {
					_ = os.MkdirAll(filepath.Dir(p), 0o755)
					_ = os.WriteFile(p, []byte(content), 0o644)
				}
			}
			defer restore()
			if c.write == "" {
				if err := os.RemoveAll(c.file); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(c.file, []byte(c.write), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := run([]string{"synth"}, &stdout, &stderr)
			if code == 0 {
				t.Fatalf("exit code 0; want non-zero")
			}
			for _, want := range c.expect {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr does not contain %q:\n%s", want, stderr.String())
				}
			}
			if !strings.Contains(stderr.String(), "previous cdktf.out is unchanged") {
				t.Errorf("stderr does not say the output is unchanged:\n%s", stderr.String())
			}
			after := snapshot(t, "cdktf.out")
			if len(after) != len(good) {
				t.Fatalf("cdktf.out changed: %d files, was %d", len(after), len(good))
			}
			for p, content := range good {
				if after[p] != content {
					t.Errorf("%s changed", p)
				}
			}
		})
	}
}
