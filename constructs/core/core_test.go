package core

import (
	"strings"
	"testing"
)

func TestNamesEmbedProjectAndEnvironment(t *testing.T) {
	n := Names{Project: "ruk-scheduler", Environment: Production}
	if got := n.Resource("scheduler"); got != "ruk-scheduler-production-scheduler" {
		t.Errorf("Resource = %q", got)
	}
	if got := n.StackName(); got != "ruk-scheduler-production" {
		t.Errorf("StackName = %q", got)
	}
}

func TestValidateProjectName(t *testing.T) {
	for _, ok := range []string{"practice-interviews", "project-x", "a1"} {
		if err := ValidateProjectName(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Project", "1abc", "a--b", "a_b", "-a", "a-", "a b"} {
		if err := ValidateProjectName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseEnvironment(t *testing.T) {
	if e, err := ParseEnvironment("production"); err != nil || e != Production {
		t.Errorf("production: %v %v", e, err)
	}
	_, err := ParseEnvironment("prod")
	if err == nil || !strings.Contains(err.Error(), "use one of dev, production") {
		t.Errorf("prod: %v", err)
	}
}

func TestConfigErrorFormat(t *testing.T) {
	e := &ConfigError{File: "projects/x/schedules.yaml", Line: 7, Field: "schedules[1].cron", Problem: "bad", Fix: "use 6 fields"}
	if got, want := e.Error(), "projects/x/schedules.yaml:7: schedules[1].cron: bad; use 6 fields"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	moved := InFile(Errorf("Retry", "", "out of range"), "projects/x/project.go")
	if got := moved.Error(); got != "projects/x/project.go: Retry: out of range" {
		t.Errorf("InFile = %q", got)
	}
}

func TestCheckLength(t *testing.T) {
	if err := CheckLength("f", "IAM role", strings.Repeat("a", 64), MaxIAMRoleName); err != nil {
		t.Error(err)
	}
	err := CheckLength("f", "IAM role", strings.Repeat("a", 65), MaxIAMRoleName)
	if err == nil || !strings.Contains(err.Error(), "65 characters; AWS allows at most 64") || !strings.Contains(err.Error(), "shorten") {
		t.Errorf("err = %v", err)
	}
}
