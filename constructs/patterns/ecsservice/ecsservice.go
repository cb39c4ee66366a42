// Package ecsservice is the ECS Fargate pattern: a containerized API in
// private subnets behind a public load balancer, deployed blue/green by
// CodeDeploy from GitHub Actions. A project of this pattern declares only
// its settings (see Settings and EnvironmentSettings for every default).
package ecsservice

import (
	"fmt"
	"sort"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/acm"
	"github.com/fractallabsdev/talkwise-infra/constructs/alarms"
	"github.com/fractallabsdev/talkwise-infra/constructs/alb"
	"github.com/fractallabsdev/talkwise-infra/constructs/codedeploy"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecr"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecs"
	"github.com/fractallabsdev/talkwise-infra/constructs/githuboidc"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/route53"
	"github.com/fractallabsdev/talkwise-infra/constructs/secrets"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/constructs/waf"
)

// Project returns the stack.Project of an ECS service project.
func Project(name string, settings Settings) stack.Project {
	return stack.Project{
		Name:         name,
		StateKeys:    settings.StateKeys,
		StateKeyPins: settings.StateKeyPins,
		NotSecrets:   settings.NotSecrets,
		Prepare: func(s *stack.Stack) (func() error, error) {
			if err := settings.checkEnvironments(); err != nil {
				return nil, err
			}
			r := settings.resolve(s.Env())
			if err := r.validate(s.Names, s.Platform); err != nil {
				return nil, err
			}
			return func() error { build(s, r); return nil }, nil
		},
	}
}

// checkEnvironments refuses settings for an environment that does not
// exist: they would otherwise be ignored without a word.
func (s Settings) checkEnvironments() error {
	var envs []string
	for env := range s.Environments {
		envs = append(envs, string(env))
	}
	sort.Strings(envs)
	var errs []error
	for _, env := range envs {
		if err := core.CheckEnvironment(fmt.Sprintf("Environments[%s]", env), core.Environment(env)); err != nil {
			errs = append(errs, err)
		}
	}
	return core.Join(errs...)
}

// Output names: a contract with scripts and workflows (the spec's deploy
// reads `terraform output -raw ecr_repository_url`). They are created on the
// stack itself so their logical IDs are exactly these names.
const (
	OutputRepositoryURL   = "ecr_repository_url"
	OutputClusterName     = "ecs_cluster_name"
	OutputServiceName     = "ecs_service_name"
	OutputLogGroup        = "ecs_log_group_name"
	OutputALBDNSName      = "alb_dns_name"
	OutputCodeDeployApp   = "codedeploy_app_name"
	OutputDeploymentGroup = "codedeploy_deployment_group_name"
	OutputGitHubRoleArn   = "github_actions_role_arn"
	OutputAlarmTopicArn   = "alarm_topic_arn"
)

func build(s *stack.Stack, r resolved) {
	scope := s.Scope
	vpc := networking.NewVpc(scope, "Network", &networking.VpcProps{
		NAT: r.NAT, ServicePort: r.ContainerPort, FlowLogRetentionDays: r.LogRetentionDays,
	})
	repo := ecr.NewRepository(scope, "Images", &ecr.RepositoryProps{ImmutableTags: r.ImmutableTags})
	var secs []ecs.Secret
	for _, key := range r.Secrets {
		secs = append(secs, secrets.NewSecret(scope, "Secret-"+key, &secrets.SecretProps{Key: key}))
	}
	var certificate alb.Certificate
	switch {
	case r.CertificateARN != "":
		certificate = alb.ExistingCertificate(r.CertificateARN)
	case r.Domain != nil:
		certificate = acm.NewCertificate(scope, "Certificate", &acm.CertificateProps{DomainName: r.Domain.Name, Zone: r.Domain.Zone})
	}
	lb := alb.NewLoadBalancer(scope, "LoadBalancer", &alb.LoadBalancerProps{
		Network: vpc, Certificate: certificate, DeletionProtection: r.DeletionProtection,
		Deployment: r.Deployment, TargetPort: r.ContainerPort, HealthCheckPath: r.HealthCheckPath,
	})
	if r.Domain != nil {
		route53.NewAliasRecord(scope, "DomainRecord", &route53.AliasRecordProps{Zone: r.Domain.Zone, Name: r.Domain.Name, Target: lb})
	}
	cluster := ecs.NewCluster(scope, "Cluster", &ecs.ClusterProps{})
	service := ecs.NewFargateService(scope, "Service", &ecs.FargateServiceProps{
		Cluster: cluster, Network: vpc, Image: repo,
		TargetGroup: lb.Blue, Listener: lb.ProductionListener(),
		CPU: r.CPU, MemoryMB: r.MemoryMB, ContainerPort: r.ContainerPort, HealthCheckPath: r.HealthCheckPath,
		Secrets: secs, Environment: r.Environment, Deployment: r.Deployment, Tasks: r.Tasks,
		LogRetentionDays: r.LogRetentionDays,
	})
	if r.WAF {
		waf.NewWebACL(scope, "Firewall", &waf.WebACLProps{ResourceArn: lb.Arn()})
	}

	topic := alarms.NewTopic(scope, "Alarms", &alarms.TopicProps{Emails: r.AlarmEmails})
	groups := []alarms.NamedTargetGroup{{Name: "blue", Group: lb.Blue}}
	if lb.Green != nil {
		groups = append(groups, alarms.NamedTargetGroup{Name: "green", Group: lb.Green})
	}
	watch := alarms.NewServiceAlarms(scope, "ServiceAlarms", &alarms.ServiceAlarmsProps{
		LoadBalancer: lb, TargetGroups: groups, Service: service, Notify: topic, Thresholds: r.Alarms,
	})
	output(s, OutputAlarmTopicArn, topic.Arn(), "SNS topic every alarm of the stack notifies")

	deployer := githuboidc.NewRole(scope, "GitHubActions", &githuboidc.RoleProps{
		Name: githuboidc.RoleName(s.Names), Subject: r.GitHub,
		Description: "GitHub Actions deploys of " + s.Names.Prefix() + " from " + r.GitHub.Claim(),
	})
	// `terraform output -raw ecr_repository_url` in the deploy workflow.
	s.GrantReadState(deployer)
	repo.GrantPush(deployer)
	service.GrantDeploy(deployer)

	output(s, OutputRepositoryURL, repo.RepositoryURL(), "ECR repository to push images to")
	output(s, OutputClusterName, cluster.Resource.Name(), "ECS cluster")
	output(s, OutputServiceName, service.Resource.Name(), "ECS service")
	output(s, OutputLogGroup, service.LogGroup.Resource.Name(), "CloudWatch log group of the service")
	output(s, OutputALBDNSName, lb.DNSName(), "Public DNS name of the load balancer")
	output(s, OutputGitHubRoleArn, deployer.Arn(), "Role GitHub Actions assumes to deploy")
	// Every alarm of the service rolls a deployment back: ECS's deployment
	// alarms for rolling deployments, CodeDeploy's for blue/green.
	if r.Deployment != core.BlueGreen {
		rollback := make([]ecs.Alarm, len(watch.Alarms))
		for i, a := range watch.Alarms {
			rollback[i] = a
		}
		service.RollBackOnAlarms(rollback...)
	} else {
		rollback := make([]codedeploy.Alarm, len(watch.Alarms))
		for i, a := range watch.Alarms {
			rollback[i] = a
		}
		deployments := codedeploy.NewEcsDeploymentGroup(scope, "Deployments", &codedeploy.EcsDeploymentGroupProps{
			Service: service, ProductionListener: lb.ProductionListener(),
			BlueTargetGroup: lb.Blue, GreenTargetGroup: lb.Green,
			TerminationWaitMinutes: &r.TerminationWaitMinutes,
			Alarms:                 rollback,
		})
		deployments.GrantCreateDeployment(deployer)
		output(s, OutputCodeDeployApp, deployments.App.Name(), "CodeDeploy application")
		output(s, OutputDeploymentGroup, deployments.Resource.DeploymentGroupName(), "CodeDeploy deployment group")
	}
}

func output(s *stack.Stack, name string, value *string, description string) {
	cdktf.NewTerraformOutput(s.Scope, jsii.String(name), &cdktf.TerraformOutputConfig{
		Value: value, Description: jsii.String(description),
	})
}
