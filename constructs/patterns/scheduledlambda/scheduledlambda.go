// Package scheduledlambda is the scheduled-Lambda pattern: TypeScript
// handlers in lambdas/<project>/<function>/, invoked on the schedules in
// projects/<project>/schedules.yaml. A project of this pattern declares only
// its functions and settings.
package scheduledlambda

import (
	"path"
	"sort"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/alarms"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/infraci"
	"github.com/fractallabsdev/talkwise-infra/constructs/lambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/logs"
	"github.com/fractallabsdev/talkwise-infra/constructs/scheduler"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// Function declares one handler of the project.
type Function struct {
	// Name is the short name used in schedules.yaml's lambda_name and as the
	// folder lambdas/<project>/<Name>/.
	Name string
	// Description defaults to empty.
	Description string
	// MemoryMB defaults to 128.
	MemoryMB int
	// TimeoutSeconds defaults to 30.
	TimeoutSeconds int
	// Parameters are SSM parameters under /{project}/{env}/. Defaults to none.
	Parameters []ssm.Parameter
	// Environment adds plain variables. Defaults to none.
	Environment map[string]string
	// ExistingNames keeps the name of a function that already exists in an
	// environment, so migrating it adopts the live function instead of
	// replacing it with "<project>-<env>-<Name>" (docs/migrating-from-hcl.md).
	// Defaults to none: every environment deploys "<project>-<env>-<Name>".
	// One account holds dev and production, so a name can live in one
	// environment only.
	ExistingNames map[core.Environment]string
}

// Settings are the project's pattern-wide settings.
type Settings struct {
	// Functions the project deploys; at least one.
	Functions []Function
	// Retry is the default retry policy of every schedule; defaults to
	// scheduler.DefaultRetry (2 attempts within an hour).
	Retry *scheduler.Retry
	// DeadLetterQueue adds an SQS DLQ for events that exhaust their retries.
	// Defaults to false.
	DeadLetterQueue bool
	// LogRetentionDays defaults to the environment's default (30 dev, 90 production).
	LogRetentionDays int
	// StateKeys override the state key per environment (see stack.Project).
	StateKeys map[core.Environment]string
	// StateKeyPins allow StateKeys outside "<project>/", each with its
	// reason (see stack.Project). Defaults to none.
	StateKeyPins map[string]string
	// NotSecrets lets values that look like credentials through (an
	// environment variable, a schedules.yaml input key, or "description"),
	// each with the reason it is not one. Defaults to none: a value in a
	// recognised credential format fails the synth.
	NotSecrets core.NotSecrets
	// AlarmEmails are subscribed, per environment, to the stack's alarm
	// topic "<project>-<env>-alarms" (each address confirms by the link AWS
	// mails). Defaults to none: the alarms still change state and show in
	// the CloudWatch console.
	AlarmEmails map[core.Environment][]string
	// Alarms are the thresholds of the stack's alarms: each function's
	// errors, throttles and duration, the schedule group's failed
	// invocations, the dead-letter queue's depth. Every zero field takes its
	// default (alarms.FunctionThresholds).
	Alarms alarms.FunctionThresholds
	// InfraRepository is the GitHub repository ("owner/name") whose
	// infrastructure workflow applies the stack through the role
	// <project>-<env>-github-actions and plans its pull requests through the
	// read-only <project>-<env>-github-plan (constructs/infraci). Defaults to
	// infraci.DefaultRepository, this repository.
	InfraRepository string
}

// Project returns the stack.Project of a scheduled-Lambda project.
func Project(name string, settings Settings) stack.Project {
	return stack.Project{
		Name:         name,
		StateKeys:    settings.StateKeys,
		StateKeyPins: settings.StateKeyPins,
		NotSecrets:   settings.NotSecrets,
		Prepare: func(s *stack.Stack) (func() error, error) {
			return prepare(s, settings)
		},
	}
}

// SourceDir is where a function's handler lives, relative to the repository root.
func SourceDir(project, function string) string { return path.Join("lambdas", project, function) }

// SchedulesFile is the project's schedules file, relative to the repository root.
func SchedulesFile(project string) string { return path.Join("projects", project, scheduler.FileName) }

func prepare(s *stack.Stack, settings Settings) (func() error, error) {
	n := s.Names
	if len(settings.Functions) == 0 {
		return nil, core.Errorf("Functions", "declare at least one function", "project %s has no functions", n.Project)
	}
	retry := scheduler.DefaultRetry
	if settings.Retry != nil {
		retry = *settings.Retry
	}
	if err := retry.Validate(); err != nil {
		return nil, core.Errorf("Retry", "", "%v", err)
	}
	var errs []error
	errs = append(errs, settings.Alarms.Validate("Alarms"))
	for _, env := range sortedEnvs(settings.AlarmEmails) {
		field := "AlarmEmails[" + string(env) + "]"
		if err := core.CheckEnvironment(field, env); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, alarms.ValidateEmails(field, settings.AlarmEmails[env]))
	}
	var fnProps []*lambda.FunctionProps
	var names []string
	seen := map[string]bool{}
	for _, f := range settings.Functions {
		if seen[f.Name] {
			errs = append(errs, core.Errorf("Functions", "declare each function once", "duplicate function %q", f.Name))
			continue
		}
		seen[f.Name] = true
		names = append(names, f.Name)
		for _, env := range sortedEnvs(f.ExistingNames) {
			if err := core.CheckEnvironment("functions."+f.Name+".ExistingNames["+string(env)+"]", env); err != nil {
				errs = append(errs, err)
			}
		}
		props := &lambda.FunctionProps{
			Name: f.Name, Description: f.Description, FunctionName: f.ExistingNames[n.Environment],
			MemoryMB: f.MemoryMB, TimeoutSeconds: f.TimeoutSeconds, Parameters: f.Parameters,
			Environment: f.Environment, LogRetentionDays: settings.LogRetentionDays,
		}
		code, err := lambda.Build(s.Root, SourceDir(n.Project, f.Name), s.BuildDir)
		if err != nil {
			errs = append(errs, err)
		}
		props.Code = code
		if err := props.Validate(n); err != nil && code != nil {
			errs = append(errs, err)
		}
		errs = append(errs, credentials(f, settings.NotSecrets))
		fnProps = append(fnProps, props)
	}
	schedules, err := scheduler.Load(scheduler.LoadOptions{
		Root: s.Root, Path: SchedulesFile(n.Project), Functions: names, Environment: n.Environment, Retry: retry,
		NotSecrets: settings.NotSecrets,
	})
	if err != nil {
		errs = append(errs, err)
	} else if err := scheduler.ValidateNames(n, schedules); err != nil {
		errs = append(errs, core.InFile(err, SchedulesFile(n.Project)))
	}
	if err := core.Join(errs...); err != nil {
		return nil, err
	}
	return func() error {
		topic := alarms.NewTopic(s.Scope, "Alarms", &alarms.TopicProps{Emails: settings.AlarmEmails[n.Environment]})
		targets := map[string]scheduler.Target{}
		for _, props := range fnProps {
			fn := lambda.NewFunction(s.Scope, "Function-"+props.Name, props)
			targets[props.Name] = fn
			alarms.NewFunctionAlarms(fn.Construct, "Alarms", &alarms.FunctionAlarmsProps{
				Function: fn, Name: props.Name, Notify: topic, Thresholds: settings.Alarms,
			})
		}
		sched := scheduler.NewSchedules(s.Scope, "Schedules", &scheduler.SchedulesProps{
			Schedules: schedules, Targets: targets,
			DeadLetterQueue: settings.DeadLetterQueue,
		})
		if sched.Group != nil {
			alarms.NewScheduleGroupAlarm(sched.Construct, "FailedInvocationsAlarm", sched.GroupName(), topic, settings.Alarms)
		}
		if sched.DLQ != nil {
			alarms.NewQueueDepthAlarm(sched.Construct, "DeadLetterQueueAlarm", "scheduler-dlq-messages", scheduler.DeadLetterQueueName(n), topic, settings.Alarms)
		}
		ciProps := &infraci.RoleProps{Repository: settings.InfraRepository}
		ci := infraci.NewApplyRole(s.Scope, "GitHubActions", ciProps)
		plan := infraci.NewPlanRole(s.Scope, "GitHubPlan", ciProps)
		var adopted []string
		for _, props := range fnProps {
			if props.FunctionName != "" {
				adopted = append(adopted, props.FunctionName)
			}
		}
		GrantCI(s, ci, plan, adopted...)
		outputs(s, targets)
		cdktf.NewTerraformOutput(s.Scope, jsii.String("github_actions_role_arn"), &cdktf.TerraformOutputConfig{
			Value: ci.Arn(), Description: jsii.String("Role the infrastructure workflow assumes to apply this stack"),
		})
		cdktf.NewTerraformOutput(s.Scope, jsii.String("alarm_topic_arn"), &cdktf.TerraformOutputConfig{
			Value: topic.Arn(), Description: jsii.String("SNS topic every alarm of the stack notifies"),
		})
		cdktf.NewTerraformOutput(s.Scope, jsii.String("github_plan_role_arn"), &cdktf.TerraformOutputConfig{
			Value: plan.Arn(), Description: jsii.String("Read-only role the infrastructure workflow assumes to plan this stack on pull requests"),
		})
		return nil
	}, nil
}

// GrantCI gives the infrastructure workflow's roles (constructs/infraci)
// what Terraform needs for this pattern's stack, each grant scoped to what
// the stack names "<project>-<env>-*": apply may write the state and manage
// the functions, roles, log groups, schedule group and schedules,
// dead-letter queue, alarms and alarm topic; plan
// may read the state (it plans with -lock=false) and what a refresh reads.
// Both read the String parameters the stack's data sources look up.
// adopted are the deployed names of adopted functions
// (Function.ExistingNames), which "<project>-<env>-*" does not match: each
// is granted by its exact name, with its log group.
func GrantCI(s *stack.Stack, apply, plan iam.Grantable, adopted ...string) {
	n, p := s.Names, s.Platform
	var adoptedLogs []string
	for _, name := range adopted {
		adoptedLogs = append(adoptedLogs, "/aws/lambda/"+name)
	}
	s.GrantWriteState(apply)
	lambda.GrantApply(apply, n, p, adopted...)
	iam.GrantApplyRoles(apply, n, p, "lambda.amazonaws.com", "scheduler.amazonaws.com")
	logs.GrantApply(apply, p, "/aws/lambda/"+n.Prefix()+"-", adoptedLogs...)
	scheduler.GrantApply(apply, n, p)
	alarms.GrantApply(apply, n, p)
	// String parameters are read at plan time and injected; SecureStrings
	// are read by the functions at run time, never by Terraform.
	ssm.GrantPlan(apply, p, n, "Parameters")

	s.GrantReadState(plan)
	lambda.GrantPlan(plan, n, p, adopted...)
	iam.GrantPlanRoles(plan, n, p)
	logs.GrantPlan(plan, p, "/aws/lambda/"+n.Prefix()+"-", adoptedLogs...)
	scheduler.GrantPlan(plan, n, p)
	alarms.GrantPlan(plan, n, p)
	ssm.GrantPlan(plan, p, n, "ReadParameters")
}

// credentials refuses a function's plain values that hold a recognised
// credential: they would sit in the JSON, the plan, the state and the
// function's configuration.
func credentials(f Function, notSecrets core.NotSecrets) error {
	field := "functions." + f.Name
	var errs []error
	for _, k := range core.SortedKeys(f.Environment) {
		errs = append(errs, core.CheckNoCredential(field+".Environment."+k, k, f.Environment[k], notSecrets,
			"declare it as an ssm.SecureString parameter: the function gets <NAME>_PARAMETER and reads the value at run time"))
	}
	errs = append(errs, core.CheckNoCredential(field+".Description", "description", f.Description, notSecrets, "remove it from the description"))
	return core.Join(errs...)
}

// sortedEnvs lists a per-environment setting's keys in a fixed order, so
// errors read the same on every run.
func sortedEnvs[V any](m map[core.Environment]V) []core.Environment {
	out := make([]core.Environment, 0, len(m))
	for env := range m {
		out = append(out, env)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// outputs exposes the deployed function names and ARNs, keyed by short name.
func outputs(s *stack.Stack, targets map[string]scheduler.Target) {
	keys := make([]string, 0, len(targets))
	for k := range targets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	names := map[string]*string{}
	arns := map[string]*string{}
	for _, k := range keys {
		names[k] = jsii.String(targets[k].FunctionName())
		arns[k] = targets[k].Arn()
	}
	cdktf.NewTerraformOutput(s.Scope, jsii.String("function_names"), &cdktf.TerraformOutputConfig{
		Value: names, Description: jsii.String("Deployed Lambda function names by short name"),
	})
	cdktf.NewTerraformOutput(s.Scope, jsii.String("function_arns"), &cdktf.TerraformOutputConfig{
		Value: arns, Description: jsii.String("Lambda function ARNs by short name"),
	})
}
