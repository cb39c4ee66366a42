package ecsservice

import (
	"errors"
	"fmt"

	"github.com/fractallabsdev/talkwise-infra/constructs/acm"
	"github.com/fractallabsdev/talkwise-infra/constructs/alarms"
	"github.com/fractallabsdev/talkwise-infra/constructs/alb"
	"github.com/fractallabsdev/talkwise-infra/constructs/codedeploy"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecs"
	"github.com/fractallabsdev/talkwise-infra/constructs/githuboidc"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/route53"
)

// Settings are an ECS service project's settings, the same in every
// environment unless EnvironmentSettings says otherwise.
type Settings struct {
	// GitHubRepository is "owner/name", the repository whose workflows may
	// deploy. Required.
	GitHubRepository string
	// Secrets are keys of Secrets Manager secrets "{project}/{env}/{key}",
	// injected as variables (anthropic-api-key -> ANTHROPIC_API_KEY).
	// Defaults to none.
	Secrets []string
	// CPU defaults to 512 units and MemoryMB to 1024 (a Fargate pair).
	CPU, MemoryMB int
	// ContainerPort defaults to 3000.
	ContainerPort int
	// HealthCheckPath defaults to "/health" (container and target groups).
	HealthCheckPath string
	// Environment adds plain variables to the container. Defaults to none.
	Environment map[string]string
	// Environments holds per-environment settings; an environment not listed
	// gets every default.
	Environments map[core.Environment]EnvironmentSettings
	// StateKeys override the state key per environment (see stack.Project).
	StateKeys map[core.Environment]string
	// StateKeyPins allow StateKeys outside "<project>/", each with its
	// reason (see stack.Project). Defaults to none.
	StateKeyPins map[string]string
	// NotSecrets lets Environment values that look like credentials
	// through, by variable name, each with the reason it is not one.
	// Defaults to none: a value in a recognised credential format fails the
	// synth.
	NotSecrets core.NotSecrets
}

// EnvironmentSettings are what differs between dev and production. Every
// field's zero value means "the environment's default", listed per field.
type EnvironmentSettings struct {
	// Domain serves the service on a DNS name of a Route 53 hosted zone in
	// this account: the stack requests an ACM certificate for Domain.Name,
	// validated by DNS records it writes into the zone, serves HTTPS with it
	// on 443 (TLS 1.2+; port 80 answers a permanent redirect) and points an
	// alias record at the load balancer. With CertificateARN set too, that
	// certificate is used and only the alias record is created. Defaults to
	// none.
	Domain *Domain
	// CertificateARN is an existing ACM certificate in us-east-2 for HTTPS
	// on 443 (port 80 then redirects). Defaults to none: the certificate
	// comes from Domain, or there is none and port 80 serves plain HTTP.
	CertificateARN string
	// AllowHTTPWithoutCertificate must be true for production to run
	// without Domain or CertificateARN, so plain HTTP in production is a
	// visible choice. Defaults to false. Refused together with Domain or
	// CertificateARN, where it would say the opposite of what runs.
	AllowHTTPWithoutCertificate bool
	// NAT defaults to networking.NatSingle in dev (one gateway, lowest cost
	// with internet egress) and networking.NatOnePerAZ in production (egress
	// survives an AZ outage). networking.NatNone uses VPC endpoints instead:
	// the service then cannot reach the internet.
	NAT networking.NatStrategy
	// WAF defaults to on in production and off in dev.
	WAF *bool
	// Tasks defaults to ecs.FixedTasks(1) in dev and, in production,
	// ecs.Autoscaling{} (1-4 tasks, target tracking on 70% CPU and 80%
	// memory; set its fields to change the bounds or targets).
	Tasks ecs.Tasks
	// Deployment defaults to core.BlueGreen in both environments: CodeDeploy
	// blue/green with automatic rollback. core.Rolling means ECS rolling
	// deployments with the circuit breaker.
	Deployment core.Deployment
	// TerminationWaitMinutes is how long CodeDeploy keeps the old tasks after
	// a successful deployment. Defaults to 5.
	TerminationWaitMinutes *int
	// DeletionProtection protects the load balancer from deletion. Defaults
	// to on in production, off in dev.
	DeletionProtection *bool
	// GitHubEnvironment pins the deploy role to jobs in this GitHub
	// environment. Defaults to the environment's name ("dev", "production")
	// unless GitHubBranch is set.
	GitHubEnvironment string
	// GitHubBranch pins the deploy role to pushes on this branch instead.
	// Defaults to none.
	GitHubBranch string
	// ImmutableTags makes the ECR repository's tags immutable, so a deployed
	// tag always means the same image. Defaults to on in production (releases
	// push unique tags, the commit SHA) and off in dev, where the spec's
	// manual flow pushes :latest again and again.
	ImmutableTags *bool
	// LogRetentionDays defaults to 30 in dev and 90 in production.
	LogRetentionDays int
	// AlarmEmails are subscribed to the stack's alarm topic
	// "<project>-<env>-alarms" (each address confirms by the link AWS
	// mails). Defaults to none: the alarms still change state, still roll
	// deployments back, and show in the CloudWatch console.
	AlarmEmails []string
	// Alarms are the thresholds of the service's alarms (load balancer and
	// task 5xx, unhealthy targets, p95 response time, CPU, memory), which
	// also roll a deployment back. Every zero field takes its default
	// (alarms.ServiceThresholds).
	Alarms alarms.ServiceThresholds
}

// Domain is the DNS name a service answers on, and the hosted zone that
// holds it.
type Domain struct {
	// Name is the fully qualified name clients use, e.g.
	// "agents.talkwise.ai": lower case, no final dot, at most 64 characters
	// (ACM's limit on a certificate's name). Required.
	Name string
	// Zone is the public hosted zone, in this account, that holds Name
	// (its ID and its domain, e.g. {ID: "Z0123456789ABCDEFGHIJ", Name:
	// "talkwise.ai"}). Required.
	Zone route53.HostedZone
}

// resolved is Settings plus EnvironmentSettings for one environment, with
// every default applied.
type resolved struct {
	Settings
	env                         core.Environment
	Domain                      *Domain
	CertificateARN              string
	AllowHTTPWithoutCertificate bool
	NAT                         networking.NatStrategy
	WAF                         bool
	Deployment                  core.Deployment
	DeletionProtection          bool
	Tasks                       ecs.Tasks
	TerminationWaitMinutes      int
	GitHub                      githuboidc.Subject
	ImmutableTags               bool
	LogRetentionDays            int
	AlarmEmails                 []string
	Alarms                      alarms.ServiceThresholds
}

func orDefault(v *bool, def bool) bool {
	if v == nil {
		return def
	}
	return *v
}

// resolve applies the environment's defaults.
func (s Settings) resolve(env core.Environment) resolved {
	e := s.Environments[env]
	prod := env.IsProduction()
	r := resolved{
		Settings:                    s,
		env:                         env,
		Domain:                      e.Domain,
		CertificateARN:              e.CertificateARN,
		AllowHTTPWithoutCertificate: e.AllowHTTPWithoutCertificate,
		NAT:                         e.NAT,
		WAF:                         orDefault(e.WAF, prod),
		Deployment:                  e.Deployment.OrDefault(core.BlueGreen),
		Tasks:                       e.Tasks,
		DeletionProtection:          orDefault(e.DeletionProtection, prod),
		TerminationWaitMinutes:      codedeploy.DefaultTerminationWaitMinutes,
		GitHub:                      githuboidc.Subject{Repository: s.GitHubRepository, Branch: e.GitHubBranch, Environment: e.GitHubEnvironment},
		ImmutableTags:               orDefault(e.ImmutableTags, prod),
		LogRetentionDays:            e.LogRetentionDays,
		AlarmEmails:                 e.AlarmEmails,
		Alarms:                      e.Alarms,
	}
	if r.NAT == "" {
		r.NAT = networking.NatSingle
		if prod {
			r.NAT = networking.NatOnePerAZ
		}
	}
	if r.Tasks == nil {
		r.Tasks = ecs.FixedTasks(ecs.DefaultDesiredCount)
		if prod {
			r.Tasks = ecs.Autoscaling{}
		}
	}
	if e.TerminationWaitMinutes != nil {
		r.TerminationWaitMinutes = *e.TerminationWaitMinutes
	}
	if r.GitHub.Branch == "" && r.GitHub.Environment == "" {
		r.GitHub.Environment = string(env)
	}
	if r.CPU == 0 {
		r.CPU = ecs.DefaultCPU
	}
	if r.MemoryMB == 0 {
		r.MemoryMB = ecs.DefaultMemoryMB
	}
	if r.ContainerPort == 0 {
		r.ContainerPort = ecs.DefaultContainerPort
	}
	if r.HealthCheckPath == "" {
		r.HealthCheckPath = ecs.DefaultHealthCheckPath
	}
	return r
}

// validate reports every setting a construct would refuse, before any
// resource exists, each naming the setting.
func (r resolved) validate(n core.Names, p core.Platform) error {
	envField := fmt.Sprintf("Environments[%s].", r.env)
	var errs []error
	add := func(prefix string, err error) {
		if err != nil {
			errs = append(errs, prefixed(prefix, err))
		}
	}
	if r.Domain != nil {
		add(envField, acm.ValidateDomain("Domain", r.Domain.Name, r.Domain.Zone))
	}
	if r.CertificateARN != "" {
		add(envField, alb.ValidateCertificateARN("CertificateARN", r.CertificateARN, p))
	}
	switch https := r.Domain != nil || r.CertificateARN != ""; {
	case https && r.AllowHTTPWithoutCertificate:
		errs = append(errs, core.Errorf(envField+"AllowHTTPWithoutCertificate",
			"remove it: with a Domain or CertificateARN the service serves HTTPS and port 80 only redirects",
			"is set, but this environment has a certificate"))
	case !https && r.env.IsProduction() && !r.AllowHTTPWithoutCertificate:
		errs = append(errs, core.Errorf(envField+"CertificateARN",
			"set Domain (a name in a Route 53 hosted zone of this account: the stack requests and validates the certificate), or CertificateARN (an ACM certificate from "+p.Region+"), or AllowHTTPWithoutCertificate: true to serve plain HTTP knowingly",
			"production has no certificate, so it would serve plain HTTP"))
	}
	if r.GitHubRepository == "" {
		errs = append(errs, core.Errorf("GitHubRepository", `set the repository whose workflows deploy, as "owner/name"`, "is empty"))
	} else {
		add(envField, r.GitHub.Validate("GitHub"))
	}
	// CPU and MemoryMB are project-wide settings, not per environment.
	add("", ecs.ValidateFargateSize(r.CPU, r.MemoryMB))
	add(envField, r.Deployment.Validate("Deployment"))
	add(envField, ecs.ValidateTasks("Tasks", r.Tasks))
	add("", networking.ValidatePort("ContainerPort", r.ContainerPort))
	for _, color := range []string{"blue", "green"} {
		add("", core.CheckLength("project name (target group "+color+")", "target group", alb.TargetGroupName(n, color), core.MaxTargetGroupName))
	}
	add("", core.CheckLength("project name (load balancer)", "load balancer", alb.LoadBalancerName(n), core.MaxLoadBalancerName))
	seen := map[string]bool{}
	for i, key := range r.Secrets {
		add("", core.ValidateResourceName(fmt.Sprintf("Secrets[%d]", i), key))
		if seen[key] {
			errs = append(errs, core.Errorf(fmt.Sprintf("Secrets[%d]", i), "list each secret once", "duplicate secret %q", key))
		}
		seen[key] = true
	}
	for _, k := range core.SortedKeys(r.Environment) {
		errs = append(errs, core.CheckNoCredential("Environment."+k, k, r.Environment[k], r.NotSecrets,
			"list it in Secrets instead: the container gets it from Secrets Manager by valueFrom"))
	}
	if r.TerminationWaitMinutes < 0 || r.TerminationWaitMinutes > codedeploy.MaxTerminationWaitMinutes {
		errs = append(errs, core.Errorf(envField+"TerminationWaitMinutes", fmt.Sprintf("use 0-%d minutes", codedeploy.MaxTerminationWaitMinutes),
			"%d minutes is outside CodeDeploy's range", r.TerminationWaitMinutes))
	}
	add(envField, alarms.ValidateEmails("AlarmEmails", r.AlarmEmails))
	add(envField, r.Alarms.Validate("Alarms"))
	switch r.NAT {
	case networking.NatNone, networking.NatSingle, networking.NatOnePerAZ:
	default:
		errs = append(errs, core.Errorf(envField+"NAT", fmt.Sprintf("use one of %v", networking.NatStrategies), "unknown NAT strategy %q", r.NAT))
	}
	return core.Join(errs...)
}

// prefixed places a configuration error's field under prefix; every error
// of a joined one (core.Join), so none is lost.
func prefixed(prefix string, err error) error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok && prefix != "" {
		var errs []error
		for _, e := range joined.Unwrap() {
			errs = append(errs, prefixed(prefix, e))
		}
		return core.Join(errs...)
	}
	var ce *core.ConfigError
	if prefix == "" || !errors.As(err, &ce) {
		return err
	}
	c := *ce
	c.Field = prefix + c.Field
	return &c
}
