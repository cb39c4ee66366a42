package core

import (
	"fmt"
	"regexp"
)

// AWS length limits for the names this platform creates, from each
// service's API reference: Lambda CreateFunction FunctionName (64), IAM
// CreateRole RoleName (64), Scheduler CreateSchedule Name (64), Elastic Load
// Balancing CreateLoadBalancer and CreateTargetGroup Name (32), CloudWatch
// Logs CreateLogGroup logGroupName (512), SQS CreateQueue QueueName (80).
const (
	MaxLambdaFunctionName = 64
	MaxIAMRoleName        = 64
	MaxScheduleName       = 64
	MaxLoadBalancerName   = 32
	MaxTargetGroupName    = 32
	MaxLogGroupName       = 512
	MaxSQSQueueName       = 80
)

var projectNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
var resourceNamePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidateProjectName checks a project name: lower-case words joined by single
// hyphens, because it becomes part of resource names, paths and state keys.
func ValidateProjectName(name string) error {
	if !projectNamePattern.MatchString(name) {
		return Errorf("project name", "use lower-case letters, digits and single hyphens, starting with a letter (e.g. my-project)",
			"%q is not a valid project name", name)
	}
	return nil
}

// ValidateResourceName checks a short name (function, schedule, key) that is
// joined into account-wide names.
func ValidateResourceName(field, name string) error {
	if name == "" {
		return Errorf(field, "give it a name of lower-case letters, digits and hyphens", "is empty")
	}
	if !resourceNamePattern.MatchString(name) {
		return Errorf(field, "use lower-case letters, digits and single hyphens", "%q is not a valid name", name)
	}
	return nil
}

// Names builds the account-wide names of one project in one environment.
type Names struct {
	Project     string
	Environment Environment
}

// Prefix is "<project>-<env>", the start of every account-wide name.
func (n Names) Prefix() string { return fmt.Sprintf("%s-%s", n.Project, n.Environment) }

// Resource is "<project>-<env>-<suffix>".
func (n Names) Resource(suffix string) string { return n.Prefix() + "-" + suffix }

// StackName is the cdktf stack name, also "<project>-<env>".
func (n Names) StackName() string { return n.Prefix() }

// CheckLength returns an error naming the setting when name exceeds AWS's limit.
func CheckLength(field, kind, name string, max int) error {
	if len(name) > max {
		return Errorf(field, fmt.Sprintf("shorten the project or resource name by %d characters", len(name)-max),
			"%s name %q is %d characters; AWS allows at most %d", kind, name, len(name), max)
	}
	return nil
}
