package scaffold

import (
	"fmt"
	"go/token"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Pattern is the kind of project the scaffolder creates.
type Pattern string

const (
	// Lambda is a scheduled-Lambda project (constructs/patterns/scheduledlambda).
	Lambda Pattern = "lambda"
	// ECS is an ECS Fargate service behind a load balancer.
	ECS Pattern = "ecs"
)

// Patterns lists the patterns in the order help texts show them.
var Patterns = []Pattern{Lambda, ECS}

// ParsePattern accepts exactly the pattern names above.
func ParsePattern(s string) (Pattern, error) {
	for _, p := range Patterns {
		if string(p) == s {
			return p, nil
		}
	}
	return "", core.Errorf("pattern", "use pattern=lambda (scheduled tasks) or pattern=ecs (APIs and services)",
		"unknown pattern %q", s)
}

// PackageName is the Go package of projects/<name>/: the name without its
// hyphens (practice-interviews -> practiceinterviews), as the existing
// projects do. It is also the import name in projects/projects.go.
func PackageName(project string) string { return strings.ReplaceAll(project, "-", "") }

// reservedPackageNames cannot be the package of an importable project:
// "main" is a command, and a package imported as "init" does not compile.
var reservedPackageNames = map[string]bool{"main": true, "init": true}

// ValidatePackageName checks that a project's package name compiles and can
// be imported by projects/projects.go.
func ValidatePackageName(project string) error {
	pkg := PackageName(project)
	if token.IsKeyword(pkg) {
		return core.Errorf("name", "choose a name that is not a Go keyword once hyphens are removed",
			"%q becomes the Go package %q, which is a keyword", project, pkg)
	}
	if reservedPackageNames[pkg] {
		return core.Errorf("name", "choose another name",
			"%q becomes the Go package %q, which cannot be imported", project, pkg)
	}
	if !token.IsIdentifier(pkg) {
		return core.Errorf("name", "use lower-case letters, digits and single hyphens, starting with a letter",
			"%q does not give a Go package name", project)
	}
	return nil
}

// DerivedName is one account-wide name a project will create, with AWS's
// length limit for it.
type DerivedName struct {
	Kind string
	Name string
	Max  int
}

// ciRoleSuffix names the role CI assumes: {project}-{env}-github-actions.
const ciRoleSuffix = "github-actions"

// DerivedNames lists the longest account-wide names a project of the pattern
// creates in each environment. task is the Lambda task's short name (ignored
// for ECS).
func DerivedNames(pattern Pattern, project, task string) []DerivedName {
	var out []DerivedName
	for _, env := range core.Environments {
		n := core.Names{Project: project, Environment: env}
		out = append(out, DerivedName{"IAM role (GitHub Actions)", n.Resource(ciRoleSuffix), core.MaxIAMRoleName})
		switch pattern {
		case Lambda:
			out = append(out,
				DerivedName{"Lambda function", n.Resource(task), core.MaxLambdaFunctionName},
				DerivedName{"IAM role (function)", n.Resource(task), core.MaxIAMRoleName},
				DerivedName{"schedule", n.Resource(task), core.MaxScheduleName},
				DerivedName{"IAM role (scheduler)", n.Resource("scheduler"), core.MaxIAMRoleName},
				DerivedName{"SQS queue (scheduler DLQ)", n.Resource("scheduler-dlq"), core.MaxSQSQueueName},
			)
		case ECS:
			out = append(out, ecsDerivedNames(n)...)
		}
	}
	return out
}

// ValidateNames checks the project name (and the Lambda task name) against
// the naming rules, Go's package rules and AWS's length limits of every
// derived name, and returns every problem at once.
func ValidateNames(pattern Pattern, project, task string) error {
	if err := core.ValidateProjectName(project); err != nil {
		return err
	}
	errs := []error{ValidatePackageName(project)}
	if pattern == Lambda {
		if err := core.ValidateResourceName("task", task); err != nil {
			return core.Join(append(errs, err)...)
		}
	}
	reported := map[string]bool{}
	for _, d := range DerivedNames(pattern, project, task) {
		// A function, its role and its schedule share one name: report it once.
		if len(d.Name) > d.Max && !reported[d.Name] {
			reported[d.Name] = true
			fix := fmt.Sprintf("shorten the project name by %d characters", len(d.Name)-d.Max)
			if pattern == Lambda && strings.HasSuffix(d.Name, "-"+task) {
				fix = fmt.Sprintf("shorten the project or task name (task=...) by %d characters", len(d.Name)-d.Max)
			}
			errs = append(errs, core.Errorf("name", fix, "%s name %q is %d characters; AWS allows at most %d",
				d.Kind, d.Name, len(d.Name), d.Max))
		}
	}
	return core.Join(errs...)
}
