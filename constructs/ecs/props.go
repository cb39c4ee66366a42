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

// FargateServiceProps configure a FargateService.
type FargateServiceProps struct {
	Names    core.Names
	Platform core.Platform
	Cluster  *Cluster
	Network  Network
	Image    Image
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
	// DesiredCount is the initial number of tasks. Defaults to 1 (or
	// Autoscaling.MinTasks).
	DesiredCount int
	// BlueGreen hands deployments to CodeDeploy (deployment controller
	// CODE_DEPLOY). Defaults to false: ECS rolling deployments with the
	// circuit breaker rolling back a failed one.
	BlueGreen bool
	// Autoscaling defaults to nil: a fixed DesiredCount.
	Autoscaling *Autoscaling
	// LogRetentionDays defaults to the environment's (30 dev, 90 production).
	LogRetentionDays int
	// WritableRootFilesystem lets the container write anywhere in its image.
	// Defaults to false: the root filesystem is read-only (Security Hub
	// ECS.5) and a scratch volume on the task's ephemeral storage is mounted
	// writable at /tmp.
	WritableRootFilesystem bool
}

var suffixPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (p *FargateServiceProps) applyDefaults() {
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
	if a := p.Autoscaling; a != nil {
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
	}
	if p.DesiredCount == 0 {
		p.DesiredCount = DefaultDesiredCount
		if p.Autoscaling != nil {
			p.DesiredCount = p.Autoscaling.MinTasks
		}
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = p.Names.Environment.DefaultLogRetentionDays()
	}
}

var reservedEnv = map[string]bool{"PROJECT_NAME": true, "ENVIRONMENT": true}

// validate applies defaults and reports every bad setting.
func (p *FargateServiceProps) validate() error {
	p.applyDefaults()
	var errs []error
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
	if p.DesiredCount < 0 {
		errs = append(errs, core.Errorf("DesiredCount", "use 0 or more", "%d tasks", p.DesiredCount))
	}
	if a := p.Autoscaling; a != nil {
		if a.MinTasks < 1 || a.MaxTasks < a.MinTasks {
			errs = append(errs, core.Errorf("Autoscaling", "use 1 <= MinTasks <= MaxTasks", "MinTasks %d, MaxTasks %d", a.MinTasks, a.MaxTasks))
		}
		for name, v := range map[string]int{"CPUTargetPercent": a.CPUTargetPercent, "MemoryTargetPercent": a.MemoryTargetPercent} {
			if v < 10 || v > 90 {
				errs = append(errs, core.Errorf("Autoscaling."+name, "use 10-90 percent", "%d%% leaves no room to scale", v))
			}
		}
	}
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
		errs = append(errs, core.CheckLength("Suffix", "IAM role", p.Names.Resource(p.Suffix+"-"+role), core.MaxIAMRoleName))
	}
	if p.Cluster == nil || p.Network == nil || p.Image == nil || p.TargetGroup == nil {
		errs = append(errs, fmt.Errorf("ecs.FargateServiceProps: Cluster, Network, Image and TargetGroup are required"))
	}
	return core.Join(errs...)
}
