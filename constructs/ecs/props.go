package ecs

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/logs"
)

// The spec's task and service values.
const (
	DefaultCPU                 = 512
	DefaultMemoryMB            = 1024
	DefaultContainerPort       = 3000
	DefaultHealthCheckPath     = "/health"
	DefaultImageTag            = "latest"
	DefaultDesiredCount        = 1
	HealthCheckIntervalSeconds = 30
	HealthCheckTimeoutSeconds  = 5
	HealthCheckRetries         = 3
	HealthCheckStartPeriod     = 60
	HealthCheckGraceSeconds    = 60
	DefaultMinTasks            = 1
	DefaultMaxTasks            = 4
	DefaultCPUTargetPercent    = 70
	DefaultMemoryTargetPercent = 80
)

// Network is what the service needs from the VPC.
type Network interface {
	PrivateSubnetIDs() *[]*string
	ServiceSecurityGroupID() *string
}

// Image is the repository the container image comes from.
type Image interface {
	RepositoryURL() *string
	GrantPull(grantee iam.Grantable)
}

// Secret is a Secrets Manager secret injected as an environment variable.
type Secret interface {
	Key() string
	Arn() *string
	GrantRead(grantee iam.Grantable, sidPrefix string)
}

// TargetGroup is the load balancer target group the service registers in.
type TargetGroup interface {
	Arn() *string
}

// Tasks says how many tasks a service runs: FixedTasks or Autoscaling.
type Tasks interface{ isTasks() }

// FixedTasks runs exactly this many tasks.
type FixedTasks int

func (FixedTasks) isTasks() {}

// Autoscaling scales the service between MinTasks and MaxTasks with target
// tracking on average CPU and memory.
type Autoscaling struct {
	// MinTasks defaults to 1.
	MinTasks int
	// MaxTasks defaults to 4.
	MaxTasks int
	// CPUTargetPercent defaults to 70.
	CPUTargetPercent int
	// MemoryTargetPercent defaults to 80.
	MemoryTargetPercent int
}

func (Autoscaling) isTasks() {}

// withDefaults fills every unset bound and target.
func (a Autoscaling) withDefaults() Autoscaling {
	if a.MinTasks == 0 {
		a.MinTasks = DefaultMinTasks
	}
	if a.MaxTasks == 0 {
		a.MaxTasks = DefaultMaxTasks
	}
	if a.CPUTargetPercent == 0 {
		a.CPUTargetPercent = DefaultCPUTargetPercent
	}
	if a.MemoryTargetPercent == 0 {
		a.MemoryTargetPercent = DefaultMemoryTargetPercent
	}
	return a
}

// FargateServiceProps configure a FargateService.
type FargateServiceProps struct {
	Cluster *Cluster
	Network Network
	Image   Image
	// TargetGroup is where tasks register (the blue group under blue/green).
	TargetGroup TargetGroup
	// Listener is the load balancer listener forwarding to TargetGroup; ECS
	// refuses a target group no load balancer uses, so the service waits for it.
	Listener cdktf.ITerraformDependable
	// Suffix names the service "<project>-<env>-<Suffix>" and its container.
	// Defaults to "api".
	Suffix string
	// ImageTag defaults to "latest", the tag the spec's deploy steps push.
	ImageTag string
	// CPU units, defaults to 512; MemoryMB defaults to 1024. Must be a
	// Fargate pair (see ValidateFargateSize).
	CPU, MemoryMB int
	// ContainerPort defaults to 3000.
	ContainerPort int
	// HealthCheckPath defaults to "/health".
	HealthCheckPath string
	// HealthCheckCommand overrides the container health check. Defaults to a
	// node one-liner that requests http://localhost:<port><path> and fails on
	// anything but 200 (the spec's images are node:22-alpine, which has no curl).
	HealthCheckCommand []string
	// Secrets are injected as variables named after their keys
	// (anthropic-api-key -> ANTHROPIC_API_KEY). Defaults to none.
	Secrets []Secret
	// Environment adds plain variables. PROJECT_NAME and ENVIRONMENT are set
	// by the construct. Defaults to none.
	Environment map[string]string
	// Tasks defaults to FixedTasks(1). With Autoscaling the service starts
	// with MinTasks and the scaling policies own the count.
	Tasks Tasks
	// Deployment defaults to core.Rolling: ECS deployments with the circuit
	// breaker rolling back a failed one. core.BlueGreen hands deployments to
	// CodeDeploy (deployment controller CODE_DEPLOY).
	Deployment core.Deployment
	// LogRetentionDays defaults to the environment's (30 dev, 90 production).
	LogRetentionDays int
	// WritableRootFilesystem lets the container write anywhere in its image.
	// Defaults to false: the root filesystem is read-only (Security Hub
	// ECS.5) and a scratch volume on the task's ephemeral storage is mounted
	// writable at /tmp.
	WritableRootFilesystem bool
}

var suffixPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (p *FargateServiceProps) applyDefaults(env core.Environment) {
	p.Deployment = p.Deployment.OrDefault(core.Rolling)
	if p.Suffix == "" {
		p.Suffix = "api"
	}
	if p.ImageTag == "" {
		p.ImageTag = DefaultImageTag
	}
	if p.CPU == 0 {
		p.CPU = DefaultCPU
	}
	if p.MemoryMB == 0 {
		p.MemoryMB = DefaultMemoryMB
	}
	if p.ContainerPort == 0 {
		p.ContainerPort = DefaultContainerPort
	}
	if p.HealthCheckPath == "" {
		p.HealthCheckPath = DefaultHealthCheckPath
	}
	if len(p.HealthCheckCommand) == 0 {
		p.HealthCheckCommand = []string{"CMD-SHELL", fmt.Sprintf(
			`node -e "require('http').get('http://localhost:%d%s',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"`,
			p.ContainerPort, p.HealthCheckPath)}
	}
	switch t := p.Tasks.(type) {
	case nil:
		p.Tasks = FixedTasks(DefaultDesiredCount)
	case Autoscaling:
		p.Tasks = t.withDefaults()
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = env.DefaultLogRetentionDays()
	}
}

var reservedEnv = map[string]bool{"PROJECT_NAME": true, "ENVIRONMENT": true}

// autoscaling is the service's Autoscaling, or nil for a fixed count.
func (p *FargateServiceProps) autoscaling() *Autoscaling {
	if a, ok := p.Tasks.(Autoscaling); ok {
		return &a
	}
	return nil
}

// desiredCount is the number of tasks the service starts with.
func (p *FargateServiceProps) desiredCount() int {
	if a := p.autoscaling(); a != nil {
		return a.MinTasks
	}
	return int(p.Tasks.(FixedTasks))
}

// validate applies defaults and reports every bad setting.
func (p *FargateServiceProps) validate(n core.Names) error {
	p.applyDefaults(n.Environment)
	errs := []error{p.Deployment.Validate("Deployment")}
	if !suffixPattern.MatchString(p.Suffix) {
		errs = append(errs, core.Errorf("Suffix", "use lower-case letters, digits and single hyphens", "%q is not a valid name", p.Suffix))
	}
	if err := ValidateFargateSize(p.CPU, p.MemoryMB); err != nil {
		errs = append(errs, err)
	}
	if p.ContainerPort < 1 || p.ContainerPort > 65535 {
		errs = append(errs, core.Errorf("ContainerPort", "use a port between 1 and 65535", "port %d is out of range", p.ContainerPort))
	}
	if len(p.HealthCheckPath) == 0 || p.HealthCheckPath[0] != '/' {
		errs = append(errs, core.Errorf("HealthCheckPath", "start the path with /, e.g. /health", "%q is not a path", p.HealthCheckPath))
	}
	errs = append(errs, ValidateTasks("Tasks", p.Tasks))
	if err := logs.ValidateRetention("LogRetentionDays", p.LogRetentionDays); err != nil {
		errs = append(errs, err)
	}
	seen := map[string]bool{}
	for _, s := range p.Secrets {
		name := EnvVarName(s.Key())
		if reservedEnv[name] || seen[name] {
			errs = append(errs, core.Errorf("Secrets", "give each secret a distinct key", "variable %s is set twice", name))
		}
		seen[name] = true
	}
	for k := range p.Environment {
		if reservedEnv[k] || seen[k] {
			errs = append(errs, core.Errorf("Environment."+k, "remove it; it is set by the construct or a secret", "%s is already set", k))
		}
	}
	for _, role := range []string{"execution", "task"} {
		errs = append(errs, core.CheckLength("Suffix", "IAM role", n.Resource(p.Suffix+"-"+role), core.MaxIAMRoleName))
	}
	if p.Cluster == nil || p.Network == nil || p.Image == nil || p.TargetGroup == nil {
		errs = append(errs, fmt.Errorf("ecs.FargateServiceProps: Cluster, Network, Image and TargetGroup are required"))
	}
	return core.Join(errs...)
}

// ValidateTasks checks a task count, with Autoscaling's defaults applied,
// naming the setting.
func ValidateTasks(field string, tasks Tasks) error {
	switch t := tasks.(type) {
	case FixedTasks:
		if t < 0 {
			return core.Errorf(field, "use ecs.FixedTasks(0) or more", "%d tasks", int(t))
		}
	case Autoscaling:
		t = t.withDefaults()
		var errs []error
		if t.MinTasks < 1 || t.MaxTasks < t.MinTasks {
			errs = append(errs, core.Errorf(field, "use 1 <= MinTasks <= MaxTasks", "MinTasks %d, MaxTasks %d", t.MinTasks, t.MaxTasks))
		}
		for _, m := range []struct {
			name  string
			value int
		}{{"CPUTargetPercent", t.CPUTargetPercent}, {"MemoryTargetPercent", t.MemoryTargetPercent}} {
			if m.value < 10 || m.value > 90 {
				errs = append(errs, core.Errorf(field+"."+m.name, "use 10-90 percent", "%d%% leaves no room to scale", m.value))
			}
		}
		return core.Join(errs...)
	}
	return nil
}
