package scaffold

import (
	"strings"
	"testing"
)

func TestPackageName(t *testing.T) {
	for in, want := range map[string]string{"practice-interviews": "practiceinterviews", "x": "x", "a1-b2-c3": "a1b2c3"} {
		if got := PackageName(in); got != want {
			t.Errorf("PackageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateNames(t *testing.T) {
	long := func(n int) string { return "p" + strings.Repeat("a", n-1) }
	tests := []struct {
		name    string
		pattern Pattern
		project string
		task    string
		want    string // substring of the error; "" means valid
	}{
		{"plain lambda", Lambda, "my-new-project", "my-new-project-task", ""},
		{"digits after the first letter", Lambda, "app2", "app2-task", ""},
		{"upper case", Lambda, "MyProject", "t", `"MyProject" is not a valid project name`},
		{"underscore", Lambda, "my_project", "t", "not a valid project name"},
		{"leading digit", Lambda, "2fast", "t", "not a valid project name"},
		{"double hyphen", Lambda, "my--project", "t", "not a valid project name"},
		{"trailing hyphen", Lambda, "my-project-", "t", "not a valid project name"},
		{"go keyword", Lambda, "func", "t", `becomes the Go package "func", which is a keyword`},
		{"keyword after removing hyphens", Lambda, "go-to", "t", `becomes the Go package "goto", which is a keyword`},
		{"package main", Lambda, "ma-in", "t", `becomes the Go package "main", which cannot be imported`},
		{"package init", Lambda, "init", "t", `"init", which cannot be imported`},
		{"bad task", Lambda, "ok", "My_Task", `task: "My_Task" is not a valid name`},
		// <project>-production-<task> is the Lambda function, its role and
		// its schedule: AWS allows 64 characters for each.
		{"function name at 64", Lambda, long(20), strings.Repeat("t", 64-20-12), ""},
		{"function name at 65", Lambda, long(20), strings.Repeat("t", 65-20-12),
			"Lambda function name \"" + long(20) + "-production-" + strings.Repeat("t", 65-20-12) + "\" is 65 characters; AWS allows at most 64; shorten the project or task name (task=...) by 1 characters"},
		// <project>-production-github-actions (the role CI assumes) caps the
		// project name at 64-26 = 38 characters.
		{"CI role at 64", Lambda, long(38), "t", ""},
		{"CI role at 65", Lambda, long(39), "t", "IAM role (GitHub Actions) name \"" + long(39) + "-production-github-actions\" is 65 characters"},
		// <project>-production-green is a target group (32 characters at most),
		// so an ECS project's name has at most 15.
		{"ECS name of 15", ECS, long(15), "", ""},
		{"ECS name of 16", ECS, long(16), "", "target group name \"" + long(16) + "-production-green\" is 33 characters; AWS allows at most 32"},
		{"ECS load balancer", ECS, long(18), "", "load balancer name \"" + long(18) + "-production-alb\" is 33 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateNames(tt.pattern, tt.project, tt.task)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("want an error containing %q, got none", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

func TestParsePattern(t *testing.T) {
	for _, ok := range []string{"lambda", "ecs"} {
		if _, err := ParsePattern(ok); err != nil {
			t.Errorf("ParsePattern(%q): %v", ok, err)
		}
	}
	_, err := ParsePattern("fargate")
	if err == nil || !strings.Contains(err.Error(), `pattern: unknown pattern "fargate"; use pattern=lambda`) {
		t.Errorf("ParsePattern(fargate) = %v", err)
	}
}
