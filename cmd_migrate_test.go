package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The migrate command refuses bad arguments and a malformed state file
// with a message and exit 1, before synthesizing or writing anything.
func TestMigrateCommandRejectsBadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(bad, []byte(`{"version": 4, "resources": [{"mode": "managed"`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "usage: go run . migrate -p <project> -e <env> -state <file>"},
		{"no state", []string{"-p", "ruk-scheduler", "-e", "dev"}, "usage: go run . migrate"},
		{"bad env", []string{"-p", "ruk-scheduler", "-e", "staging", "-state", bad}, "-e: "},
		{"unknown project", []string{"-p", "nope", "-e", "dev", "-state", bad}, "-p: no stack nope-dev; run `go run . list`"},
		{"missing state", []string{"-p", "ruk-scheduler", "-e", "dev", "-state", bad + ".missing"}, "state.json.missing: no such file or directory"},
		{"malformed state", []string{"-p", "ruk-scheduler", "-e", "dev", "-state", bad}, "state.json: not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"migrate"}, tc.args...), &stdout, &stderr)
			if code != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and %q", code, stderr.String(), tc.want)
			}
			if _, err := os.Stat(filepath.Join("projects", "ruk-scheduler", "migrations")); err == nil {
				t.Errorf("a mapping folder was written for rejected input")
			}
		})
	}
}
