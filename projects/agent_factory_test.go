package projects_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
	"github.com/fractallabsdev/talkwise-infra/constructs/route53"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	agentfactory "github.com/fractallabsdev/talkwise-infra/projects/agent-factory"
)

func each(t *testing.T, check func(t *testing.T, env core.Environment, st *Stack)) {
	for _, env := range core.Environments {
		t.Run(string(env), func(t *testing.T) {
			st := all(t)["agent-factory-"+string(env)]
			if st == nil {
				t.Fatalf("stack agent-factory-%s not synthesized", env)
			}
			check(t, env, st)
		})
	}
}

func prod(env core.Environment) bool { return env == core.Production }

// statements returns a role's inline policy statements by Sid.
func statements(t *testing.T, st *Stack, role Resource) map[string]Resource {
	t.Helper()
	out := map[string]Resource{}
	doc := st.One(t, "aws_iam_role_policy", Where("role", role.Ref("name"))).JSON(t, "policy").(map[string]any)
	for _, s := range doc["Statement"].([]any) {
		m := s.(map[string]any)
		out[m["Sid"].(string)] = Resource{Type: "statement", ID: m["Sid"].(string), Fields: m}
	}
	return out
}

func TestNetwork(t *testing.T) {
	each(t, func(t *testing.T, env core.Environment, st *Stack) {
		p := "agent-factory-" + string(env)
		vpc := st.One(t, "aws_vpc")
		vpc.Expect(t, map[string]any{"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true, "enable_dns_support": true})
		for _, s := range []struct {
			cidr, az string
			public   bool
		}{
			{"10.0.0.0/20", "us-east-2a", true}, {"10.0.16.0/20", "us-east-2b", true},
			{"10.0.32.0/20", "us-east-2a", false}, {"10.0.48.0/20", "us-east-2b", false},
		} {
			st.One(t, "aws_subnet", Where("cidr_block", s.cidr)).Expect(t, map[string]any{
				"availability_zone": s.az, "map_public_ip_on_launch": s.public, "vpc_id": vpc.Ref("id")})
		}
		igw := st.One(t, "aws_internet_gateway")
		st.One(t, "aws_route", Where("gateway_id", igw.Ref("id")), Where("destination_cidr_block", "0.0.0.0/0"))

		// NAT: one gateway in dev, one per AZ in production; every private
		// subnet has a default route through a NAT gateway.
		wantNAT := map[core.Environment]int{core.Dev: 1, core.Production: 2}[env]
		if n, e := len(st.Resources("aws_nat_gateway")), len(st.Resources("aws_eip")); n != wantNAT || e != wantNAT {
			t.Errorf("%d NAT gateways, %d EIPs; want %d", n, e, wantNAT)
		}
		if n := len(st.Find("aws_route", Where("destination_cidr_block", "0.0.0.0/0"))); n != 3 {
			t.Errorf("%d default routes, want 3 (public + 2 private)", n)
		}
		for _, r := range st.Resources("aws_route") {
			if r.Get("nat_gateway_id") == nil && r.Get("gateway_id") == nil {
				t.Errorf("route %s goes nowhere", r.ID)
			}
		}

		alb := st.One(t, "aws_security_group", Where("name", p+"-alb"))
		ecs := st.One(t, "aws_security_group", Where("name", p+"-ecs"))
		ingress := func(sg Resource) []string {
			var out []string
			for _, r := range st.Find("aws_vpc_security_group_ingress_rule", Where("security_group_id", sg.Ref("id"))) {
				out = append(out, fmt.Sprintf("%s %v-%v %s%s", r.String("ip_protocol"), r.Get("from_port"), r.Get("to_port"), r.String("cidr_ipv4"), r.String("referenced_security_group_id")))
			}
			sort.Strings(out)
			return out
		}
		if got, want := ingress(alb), []string{"tcp 443-443 0.0.0.0/0", "tcp 80-80 0.0.0.0/0"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ALB ingress %v, want %v", got, want)
		}
		if got, want := ingress(ecs), []string{"tcp 3000-3000 " + alb.Ref("id")}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ECS ingress %v, want %v", got, want)
		}
		// The ALB reaches only the tasks' port (narrower than the spec's
		// "all out", docs/security.md); the tasks keep all outbound.
		st.One(t, "aws_vpc_security_group_egress_rule", Where("security_group_id", alb.Ref("id"))).Expect(t, map[string]any{
			"ip_protocol": "tcp", "from_port": 3000, "to_port": 3000, "referenced_security_group_id": ecs.Ref("id")})
		st.One(t, "aws_vpc_security_group_egress_rule", Where("security_group_id", ecs.Ref("id"))).Expect(t, map[string]any{
			"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"})
		st.One(t, "aws_cloudwatch_log_group", Where("name", "/aws/vpc/flow-logs/"+p)).Expect(t, map[string]any{
			"retention_in_days": env.DefaultLogRetentionDays()})
	})
}

func TestImagesAndSecrets(t *testing.T) {
	each(t, func(t *testing.T, env core.Environment, st *Stack) {
		st.One(t, "aws_ecr_repository").Expect(t, map[string]any{
			"name": "agent-factory-" + string(env) + "-api", "image_scanning_configuration.scan_on_push": true,
			"encryption_configuration.0.encryption_type": "AES256",
			"image_tag_mutability":                       map[bool]string{false: "MUTABLE", true: "IMMUTABLE"}[prod(env)],
		})
		rules := st.One(t, "aws_ecr_lifecycle_policy").JSON(t, "policy").(map[string]any)["rules"].([]any)
		if len(rules) != 2 {
			t.Fatalf("lifecycle rules %v", rules)
		}
		Resource{Fields: rules[0].(map[string]any)}.Expect(t, map[string]any{"selection.tagStatus": "untagged", "selection.countType": "sinceImagePushed", "action.type": "expire"})
		Resource{Fields: rules[1].(map[string]any)}.Expect(t, map[string]any{"selection.tagStatus": "tagged", "selection.countType": "imageCountMoreThan", "action.type": "expire"})

		for _, key := range []string{"anthropic-api-key", "github-access-token"} {
			st.One(t, "aws_secretsmanager_secret", Where("name", "agent-factory/"+string(env)+"/"+key))
		}
		if n := len(st.Resources("aws_secretsmanager_secret")); n != 2 {
			t.Errorf("%d secrets, want 2", n)
		}
		if n := len(st.Resources("aws_secretsmanager_secret_version")); n != 0 {
			t.Errorf("%d secret versions: values are set out of band", n)
		}
	})
}

func TestLoadBalancer(t *testing.T) {
	each(t, func(t *testing.T, env core.Environment, st *Stack) {
		p := "agent-factory-" + string(env)
		lb := st.One(t, "aws_lb")
		lb.Expect(t, map[string]any{"name": p + "-alb", "internal": false, "load_balancer_type": "application",
			"drop_invalid_header_fields": true, "enable_deletion_protection": prod(env)})
		var public []string
		for _, s := range st.Find("aws_subnet", Where("map_public_ip_on_launch", true)) {
			public = append(public, s.Ref("id"))
		}
		lb.Expect(t, map[string]any{"subnets": public})
		for _, color := range []string{"blue", "green"} {
			name := p + "-" + color
			if len(name) > 32 {
				t.Errorf("target group name %q is over 32 characters", name)
			}
			st.One(t, "aws_lb_target_group", Where("name", name)).Expect(t, map[string]any{
				"target_type": "ip", "port": 3000, "protocol": "HTTP",
				"health_check.path": "/health", "health_check.healthy_threshold": 2,
				"health_check.unhealthy_threshold": 3, "health_check.interval": 30,
			})
		}
		// Neither environment has a certificate yet (production opts in to
		// plain HTTP explicitly): port 80 forwards, there is no 443.
		listeners := st.Resources("aws_lb_listener")
		if len(listeners) != 1 {
			t.Fatalf("%d listeners, want 1", len(listeners))
		}
		listeners[0].Expect(t, map[string]any{
			"port": 80, "protocol": "HTTP", "load_balancer_arn": lb.Ref("arn"),
			"default_action.0.type":             "forward",
			"default_action.0.target_group_arn": st.One(t, "aws_lb_target_group", Where("name", p+"-blue")).Ref("arn"),
			"lifecycle.ignore_changes":          []string{"default_action"},
		})
	})
}

func TestService(t *testing.T) {
	each(t, func(t *testing.T, env core.Environment, st *Stack) {
		p := "agent-factory-" + string(env)
		cluster := st.One(t, "aws_ecs_cluster")
		cluster.Expect(t, map[string]any{"name": p + "-cluster", "setting": []any{map[string]any{"name": "containerInsights", "value": "enabled"}}})
		exec := st.One(t, "aws_iam_role", Where("name", p+"-api-execution"))
		task := st.One(t, "aws_iam_role", Where("name", p+"-api-task"))
		td := st.One(t, "aws_ecs_task_definition")
		td.Expect(t, map[string]any{"family": p + "-api", "requires_compatibilities": []string{"FARGATE"}, "network_mode": "awsvpc",
			"cpu": "512", "memory": "1024", "execution_role_arn": exec.Ref("arn"), "task_role_arn": task.Ref("arn")})
		group := st.One(t, "aws_cloudwatch_log_group", Where("name", "/ecs/"+p+"-api"))
		group.Expect(t, map[string]any{"retention_in_days": env.DefaultLogRetentionDays()})
		anthropic := st.One(t, "aws_secretsmanager_secret", Where("name", "agent-factory/"+string(env)+"/anthropic-api-key"))
		github := st.One(t, "aws_secretsmanager_secret", Where("name", "agent-factory/"+string(env)+"/github-access-token"))
		container := Resource{Fields: td.JSON(t, "container_definitions").([]any)[0].(map[string]any)}
		container.Expect(t, map[string]any{
			"image":        st.One(t, "aws_ecr_repository").Ref("repository_url") + ":latest",
			"portMappings": []any{map[string]any{"containerPort": 3000, "hostPort": 3000, "protocol": "tcp"}},
			"environment": []any{map[string]any{"name": "ENVIRONMENT", "value": string(env)},
				map[string]any{"name": "PROJECT_NAME", "value": "agent-factory"}},
			"secrets": []any{map[string]any{"name": "ANTHROPIC_API_KEY", "valueFrom": anthropic.Ref("arn")},
				map[string]any{"name": "GITHUB_ACCESS_TOKEN", "valueFrom": github.Ref("arn")}},
			"healthCheck.interval": 30, "healthCheck.retries": 3, "healthCheck.startPeriod": 60,
			"logConfiguration.logDriver": "awslogs", "logConfiguration.options.awslogs-group": "/ecs/" + p + "-api",
			"logConfiguration.options.awslogs-region": "us-east-2",
		})
		if !strings.Contains(container.String("healthCheck.command.1"), "localhost:3000/health") {
			t.Errorf("health check %v", container.Get("healthCheck.command"))
		}

		exe := statements(t, st, exec)
		exe["PullImages"].Expect(t, map[string]any{"Resource": []string{st.One(t, "aws_ecr_repository").Ref("arn")}})
		exe["EcrLogin"].Expect(t, map[string]any{"Action": []string{"ecr:GetAuthorizationToken"}, "Resource": []string{"*"}})
		exe["WriteOwnLogs"].Expect(t, map[string]any{"Resource": []string{group.Ref("arn") + ":log-stream:*"}})
		exe["InjectAnthropicApiKey"].Expect(t, map[string]any{"Action": []string{"secretsmanager:GetSecretValue"}, "Resource": []string{anthropic.Ref("arn")}})
		exe["InjectGithubAccessToken"].Expect(t, map[string]any{"Action": []string{"secretsmanager:GetSecretValue"}, "Resource": []string{github.Ref("arn")}})
		if len(exe) != 5 {
			t.Errorf("execution role has %d statements, want 5", len(exe))
		}

		var private []string
		for _, s := range st.Find("aws_subnet", Where("map_public_ip_on_launch", false)) {
			private = append(private, s.Ref("id"))
		}
		svc := st.One(t, "aws_ecs_service")
		svc.Expect(t, map[string]any{
			"name": p + "-api", "cluster": cluster.Ref("arn"), "launch_type": "FARGATE",
			"network_configuration.subnets": private, "network_configuration.assign_public_ip": false,
			"health_check_grace_period_seconds": 60,
			"deployment_controller":             map[string]any{"type": "CODE_DEPLOY"},
			"lifecycle.ignore_changes":          []string{"desired_count", "load_balancer", "task_definition"},
		})

		targets := st.Resources("aws_appautoscaling_target")
		if !prod(env) {
			if len(targets) != 0 {
				t.Errorf("dev has autoscaling")
			}
			return
		}
		if len(targets) != 1 {
			t.Fatalf("%d scaling targets", len(targets))
		}
		targets[0].Expect(t, map[string]any{"min_capacity": 1, "max_capacity": 4, "resource_id": "service/" + p + "-cluster/" + svc.Ref("name")})
		for _, metric := range []string{"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"} {
			st.One(t, "aws_appautoscaling_policy", Where("target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type", metric)).
				Expect(t, map[string]any{"policy_type": "TargetTrackingScaling"})
		}
	})
}

func TestDeploymentsAndFirewall(t *testing.T) {
	each(t, func(t *testing.T, env core.Environment, st *Stack) {
		p := "agent-factory-" + string(env)
		app := st.One(t, "aws_codedeploy_app")
		app.Expect(t, map[string]any{"name": p + "-api", "compute_platform": "ECS"})
		role := st.One(t, "aws_iam_role", Where("name", p+"-codedeploy"))
		st.One(t, "aws_iam_role_policy_attachment", Where("role", role.Ref("name"))).Expect(t, map[string]any{"policy_arn": "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"})
		st.One(t, "aws_codedeploy_deployment_group").Expect(t, map[string]any{
			"app_name": app.Ref("name"), "deployment_group_name": p + "-api", "service_role_arn": role.Ref("arn"),
			"deployment_config_name": "CodeDeployDefault.ECSAllAtOnce",
			"deployment_style":       map[string]any{"deployment_type": "BLUE_GREEN", "deployment_option": "WITH_TRAFFIC_CONTROL"},
			"blue_green_deployment_config.deployment_ready_option.action_on_timeout":                                       "CONTINUE_DEPLOYMENT",
			"blue_green_deployment_config.terminate_blue_instances_on_deployment_success.action":                           "TERMINATE",
			"blue_green_deployment_config.terminate_blue_instances_on_deployment_success.termination_wait_time_in_minutes": 5,
			// Rolled back on failure and on any of the service's alarms.
			"auto_rollback_configuration": map[string]any{"enabled": true, "events": []string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}},
			"alarm_configuration.enabled": true,
			"ecs_service":                 map[string]any{"cluster_name": p + "-cluster", "service_name": p + "-api"},
			"load_balancer_info.target_group_pair_info.prod_traffic_route.listener_arns": []string{st.One(t, "aws_lb_listener", Where("port", 80)).Ref("arn")},
			"load_balancer_info.target_group_pair_info.target_group": []any{
				map[string]any{"name": st.One(t, "aws_lb_target_group", Where("name", p+"-blue")).Ref("name")},
				map[string]any{"name": st.One(t, "aws_lb_target_group", Where("name", p+"-green")).Ref("name")},
			},
		})

		acls := st.Resources("aws_wafv2_web_acl")
		if !prod(env) {
			if len(acls) != 0 {
				t.Errorf("dev has a web ACL; WAF defaults to off in dev")
			}
			return
		}
		if len(acls) != 1 {
			t.Fatalf("%d web ACLs in production", len(acls))
		}
		acl := acls[0]
		acl.Expect(t, map[string]any{"scope": "REGIONAL", "visibility_config.cloudwatch_metrics_enabled": true,
			"rule.0.statement.rate_based_statement": map[string]any{"limit": 2000, "aggregate_key_type": "IP"}})
		var names []string
		for _, r := range acl.Get("rule").([]any) {
			names = append(names, r.(map[string]any)["name"].(string))
			if r.(map[string]any)["visibility_config"].(map[string]any)["cloudwatch_metrics_enabled"] != true {
				t.Errorf("rule %v has metrics off", r)
			}
		}
		want := "rate-limit-per-ip block-php block-phpunit block-eval-stdin block-path-traversal AWSManagedRulesCommonRuleSet AWSManagedRulesKnownBadInputsRuleSet AWSManagedRulesSQLiRuleSet"
		if strings.Join(names, " ") != want {
			t.Errorf("rules %v, want %s", names, want)
		}
		st.One(t, "aws_wafv2_web_acl_association").Expect(t, map[string]any{"resource_arn": st.One(t, "aws_lb").Ref("arn"), "web_acl_arn": acl.Ref("arn")})
	})
}

func TestGitHubActionsRole(t *testing.T) {
	each(t, func(t *testing.T, env core.Environment, st *Stack) {
		p := "agent-factory-" + string(env)
		if n := len(st.Resources("aws_iam_openid_connect_provider")); n != 0 {
			t.Fatalf("the project stack creates the account-wide OIDC provider")
		}
		if n := len(st.DataSources("aws_iam_openid_connect_provider")); n != 0 {
			t.Fatalf("%d OIDC provider lookups; the stack refers to the platform's provider by ARN", n)
		}
		role := st.One(t, "aws_iam_role", Where("name", p+"-github-actions"))
		trust := role.JSON(t, "assume_role_policy").(map[string]any)["Statement"].([]any)
		if len(trust) != 1 {
			t.Fatalf("trust %v", trust)
		}
		Resource{Fields: trust[0].(map[string]any)}.Expect(t, map[string]any{
			"Principal.Federated": "arn:aws:iam::427479925030:oidc-provider/token.actions.githubusercontent.com", "Action": []string{"sts:AssumeRoleWithWebIdentity"},
			"Condition": map[string]any{"StringEquals": map[string]any{
				"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
				"token.actions.githubusercontent.com:sub": "repo:FractalLabsDev/agent-factory:environment:" + string(env),
			}},
		})
		s := statements(t, st, role)
		var sids []string
		for sid := range s {
			sids = append(sids, sid)
		}
		sort.Strings(sids)
		if got := strings.Join(sids, " "); got != "CreateDeployments DeployService EcrLogin ListState PassServiceRoles PushImages ReadDeploymentConfig ReadState RegisterRevisions RegisterTaskDefinitions" {
			t.Errorf("statements %s", got)
		}
		s["PushImages"].Expect(t, map[string]any{"Resource": []string{st.One(t, "aws_ecr_repository").Ref("arn")}})
		arn := "arn:aws:ecs:us-east-2:427479925030:service/" + p + "-cluster/" + p + "-api"
		s["DeployService"].Expect(t, map[string]any{"Action": []string{"ecs:DescribeServices"}, "Resource": []string{arn}})
		s["RegisterTaskDefinitions"].Expect(t, map[string]any{"Action": []string{"ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"}, "Resource": []string{"*"}})
		s["PassServiceRoles"].Expect(t, map[string]any{
			"Action":    []string{"iam:PassRole"},
			"Resource":  []string{st.One(t, "aws_iam_role", Where("name", p+"-api-execution")).Ref("arn"), st.One(t, "aws_iam_role", Where("name", p+"-api-task")).Ref("arn")},
			"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
		})
		cd := "arn:aws:codedeploy:us-east-2:427479925030:"
		s["CreateDeployments"].Expect(t, map[string]any{"Resource": []string{cd + "deploymentgroup:" + p + "-api/" + p + "-api"}})
		s["RegisterRevisions"].Expect(t, map[string]any{"Resource": []string{cd + "application:" + p + "-api"}})
		s["ReadState"].Expect(t, map[string]any{"Resource": []string{"arn:aws:s3:::infra-platform-tfstate-427479925030/agent-factory/" + string(env) + "/terraform.tfstate"}})
	})
}

func TestOutputsAndLogs(t *testing.T) {
	each(t, func(t *testing.T, env core.Environment, st *Stack) {
		p := "agent-factory-" + string(env)
		want := map[string]string{
			"ecr_repository_url":               st.One(t, "aws_ecr_repository").Ref("repository_url"),
			"ecs_cluster_name":                 st.One(t, "aws_ecs_cluster").Ref("name"),
			"ecs_service_name":                 st.One(t, "aws_ecs_service").Ref("name"),
			"ecs_log_group_name":               st.One(t, "aws_cloudwatch_log_group", Where("name", "/ecs/"+p+"-api")).Ref("name"),
			"alb_dns_name":                     st.One(t, "aws_lb").Ref("dns_name"),
			"codedeploy_app_name":              st.One(t, "aws_codedeploy_app").Ref("name"),
			"codedeploy_deployment_group_name": st.One(t, "aws_codedeploy_deployment_group").Ref("deployment_group_name"),
			"github_actions_role_arn":          st.One(t, "aws_iam_role", Where("name", p+"-github-actions")).Ref("arn"),
		}
		for name, value := range want {
			if got := st.Output(name); got != value {
				t.Errorf("output %s = %v, want %s", name, got, value)
			}
		}
		// make logs tails the service's group, not the VPC flow logs.
		if groups := tfjson.Doc(st.Doc).ApplicationLogGroups(); strings.Join(groups, ",") != "/ecs/"+p+"-api" {
			t.Errorf("make logs would tail %v, want /ecs/%s-api", groups, p)
		}
	})
}

// TestAccountWideNamesAcrossAllStacks: dev and production share one account,
// so no stack of any project may create a name another stack creates.
func TestAccountWideNamesAcrossAllStacks(t *testing.T) {
	fields := map[string]string{
		"aws_iam_role": "name", "aws_cloudwatch_log_group": "name", "aws_ecr_repository": "name",
		"aws_lb": "name", "aws_lb_target_group": "name", "aws_secretsmanager_secret": "name",
		"aws_ecs_cluster": "name", "aws_codedeploy_app": "name", "aws_wafv2_web_acl": "name",
		"aws_lambda_function": "function_name", "aws_scheduler_schedule": "name", "aws_ssm_parameter": "name",
		"aws_iam_openid_connect_provider": "url",
	}
	seen := map[string]string{}
	counted := 0
	for name, st := range all(t) {
		for typ, field := range fields {
			for _, r := range st.Resources(typ) {
				key := typ + " " + r.String(field)
				if other, dup := seen[key]; dup {
					t.Errorf("%s is created by both %s and %s", key, other, name)
				}
				seen[key] = name
				counted++
			}
		}
	}
	if counted < 40 {
		t.Fatalf("only %d named resources across %d stacks", counted, len(all(t)))
	}
}

// withDomain is a copy of agent-factory's settings whose production serves
// a domain of a Route 53 hosted zone instead of plain HTTP.
func withDomain() ecsservice.Settings {
	s := agentfactory.Settings
	s.Environments = map[core.Environment]ecsservice.EnvironmentSettings{}
	for env, e := range agentfactory.Settings.Environments {
		s.Environments[env] = e
	}
	prod := s.Environments[core.Production]
	prod.AllowHTTPWithoutCertificate = false
	prod.Domain = &ecsservice.Domain{Name: "agents.talkwise.ai", Zone: route53.HostedZone{ID: "Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}}
	s.Environments[core.Production] = prod
	return s
}

// With a domain set, production requests an ACM certificate for it,
// validates it through DNS records in the zone, serves HTTPS on 443 with a
// TLS 1.2+ policy once the certificate is issued, answers port 80 with a
// permanent redirect to 443, and points the name at the load balancer.
// CodeDeploy then shifts traffic on 443. Terraform validates and plans
// this stack too (TestTerraformValidatesAndPlansEveryStack).
func TestProductionWithADomainServesHTTPS(t *testing.T) {
	stacks, err := SynthProjects(t, []stack.Project{ecsservice.Project("agent-factory", withDomain())}, "")
	if err != nil {
		t.Fatal(err)
	}
	st := stacks["agent-factory-production"]
	cert := st.One(t, "aws_acm_certificate")
	cert.Expect(t, map[string]any{"domain_name": "agents.talkwise.ai", "validation_method": "DNS",
		"lifecycle.create_before_destroy": true, "subject_alternative_names": nil})
	// One CNAME per domain name, keyed by it, in the given zone.
	records := st.One(t, "aws_route53_record", Where("zone_id", "Z0123456789ABCDEFGHIJ"), Where("type", "${each.value.resource_record_type}"))
	records.Expect(t, map[string]any{
		"for_each": "${{ for key, val in tolist(" + strings.TrimSuffix(strings.TrimPrefix(cert.Ref("domain_validation_options"), "${"), "}") + "): val.domain_name => val }}",
		"name":     "${each.value.resource_record_name}", "records": []string{"${each.value.resource_record_value}"},
		"ttl": 60, "allow_overwrite": true,
	})
	validation := st.One(t, "aws_acm_certificate_validation")
	validation.Expect(t, map[string]any{"certificate_arn": cert.Ref("arn"),
		"validation_record_fqdns": "${[ for key, val in " + records.Address + ": val.fqdn]}"})

	lb := st.One(t, "aws_lb")
	https := st.One(t, "aws_lb_listener", Where("port", 443))
	https.Expect(t, map[string]any{"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
		// The issued certificate: the listener waits for the validation.
		"certificate_arn": validation.Ref("certificate_arn"), "load_balancer_arn": lb.Ref("arn")})
	st.One(t, "aws_lb_listener", Where("port", 80)).Expect(t, map[string]any{"default_action": []any{map[string]any{
		"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}}})
	st.One(t, "aws_route53_record", Where("name", "agents.talkwise.ai")).Expect(t, map[string]any{
		"zone_id": "Z0123456789ABCDEFGHIJ", "type": "A",
		"alias": map[string]any{"name": lb.Ref("dns_name"), "zone_id": lb.Ref("zone_id"), "evaluate_target_health": true}})
	// The load balancer has no IPv6 address: no AAAA record.
	if n := len(st.Find("aws_route53_record", Where("type", "AAAA"))); n != 0 {
		t.Errorf("%d AAAA records for an IPv4-only load balancer", n)
	}
	st.One(t, "aws_codedeploy_deployment_group").Expect(t, map[string]any{
		"load_balancer_info.target_group_pair_info.prod_traffic_route.listener_arns": []string{https.Ref("arn")}})

	// Dev has no domain: plain HTTP on 80, no certificate, no record.
	dev := stacks["agent-factory-dev"]
	for _, typ := range []string{"aws_acm_certificate", "aws_route53_record", "aws_acm_certificate_validation"} {
		if n := len(dev.Resources(typ)); n != 0 {
			t.Errorf("dev has %d %s", n, typ)
		}
	}
}
