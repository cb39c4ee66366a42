package constructs_test

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/alb"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecr"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecs"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/secrets"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// build composes the service with its real neighbours; edit adjusts props.
func buildService(edit func(*ecs.FargateServiceProps)) func(s *stack.Stack) {
	return func(s *stack.Stack) {
		vpc := networking.NewVpc(s.Scope, "Network", &networking.VpcProps{NAT: networking.NatSingle, ServicePort: 3000})
		lb := alb.NewLoadBalancer(s.Scope, "Alb", &alb.LoadBalancerProps{Network: vpc, Deployment: core.BlueGreen})
		repo := ecr.NewRepository(s.Scope, "Images", &ecr.RepositoryProps{})
		var secs []ecs.Secret
		for _, key := range []string{"anthropic-api-key", "github-access-token"} {
			secs = append(secs, secrets.NewSecret(s.Scope, key, &secrets.SecretProps{Key: key}))
		}
		props := &ecs.FargateServiceProps{
			Cluster: ecs.NewCluster(s.Scope, "Cluster", &ecs.ClusterProps{}),
			Network: vpc, Image: repo, TargetGroup: lb.Blue, Listener: lb.ProductionListener(), Secrets: secs,
		}
		if edit != nil {
			edit(props)
		}
		ecs.NewFargateService(s.Scope, "Service", props)
	}
}

func rolePolicy(t *testing.T, st *Stack, role string) map[string]any {
	t.Helper()
	out := map[string]any{}
	p := st.One(t, "aws_iam_role_policy", Where("role", st.One(t, "aws_iam_role", Where("name", role)).Ref("name")))
	for _, s := range p.JSON(t, "policy").(map[string]any)["Statement"].([]any) {
		s := s.(map[string]any)
		out[s["Sid"].(string)] = []any{s["Action"], s["Resource"]}
	}
	return out
}

func TestBlueGreenServiceWithAutoscaling(t *testing.T) {
	st := Synth(t, core.Production, buildService(func(p *ecs.FargateServiceProps) {
		p.Deployment = core.BlueGreen
		p.Tasks = ecs.Autoscaling{}
	}))
	cluster := st.One(t, "aws_ecs_cluster")
	cluster.Expect(t, map[string]any{"name": "test-production-cluster", "setting": []any{map[string]any{"name": "containerInsights", "value": "enabled"}}})

	group := st.One(t, "aws_cloudwatch_log_group", Where("name", "/ecs/test-production-api"))
	group.Expect(t, map[string]any{"retention_in_days": 90})
	exec := st.One(t, "aws_iam_role", Where("name", "test-production-api-execution"))
	task := st.One(t, "aws_iam_role", Where("name", "test-production-api-task"))
	for _, r := range []Resource{exec, task} {
		trust := r.JSON(t, "assume_role_policy").(map[string]any)["Statement"].([]any)[0].(map[string]any)
		Resource{Type: "trust", Fields: trust}.Expect(t, map[string]any{
			"Principal": map[string]any{"Service": "ecs-tasks.amazonaws.com"}, "Action": []string{"sts:AssumeRole"},
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "427479925030"}},
		})
	}
	repo := st.One(t, "aws_ecr_repository")
	anthropic := st.One(t, "aws_secretsmanager_secret", Where("name", "test/production/anthropic-api-key"))
	github := st.One(t, "aws_secretsmanager_secret", Where("name", "test/production/github-access-token"))
	Resource{Type: "execution policy", Fields: map[string]any{"p": rolePolicy(t, st, "test-production-api-execution")}}.Expect(t, map[string]any{"p": map[string]any{
		"EcrLogin":                []any{[]string{"ecr:GetAuthorizationToken"}, []string{"*"}},
		"PullImages":              []any{[]string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, []string{repo.Ref("arn")}},
		"WriteOwnLogs":            []any{[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{group.Ref("arn") + ":log-stream:*"}},
		"InjectAnthropicApiKey":   []any{[]string{"secretsmanager:GetSecretValue"}, []string{anthropic.Ref("arn")}},
		"InjectGithubAccessToken": []any{[]string{"secretsmanager:GetSecretValue"}, []string{github.Ref("arn")}},
	}})
	Resource{Type: "task policy", Fields: map[string]any{"p": rolePolicy(t, st, "test-production-api-task")}}.Expect(t, map[string]any{"p": map[string]any{
		"ReadAnthropicApiKey":   []any{[]string{"secretsmanager:GetSecretValue"}, []string{anthropic.Ref("arn")}},
		"ReadGithubAccessToken": []any{[]string{"secretsmanager:GetSecretValue"}, []string{github.Ref("arn")}},
	}})

	td := st.One(t, "aws_ecs_task_definition")
	td.Expect(t, map[string]any{
		"family": "test-production-api", "requires_compatibilities": []string{"FARGATE"}, "network_mode": "awsvpc",
		"cpu": "512", "memory": "1024", "execution_role_arn": exec.Ref("arn"), "task_role_arn": task.Ref("arn"),
	})
	defs := td.JSON(t, "container_definitions").([]any)
	if len(defs) != 1 {
		t.Fatalf("%d containers", len(defs))
	}
	Resource{Type: "container", Fields: defs[0].(map[string]any)}.Expect(t, map[string]any{
		"name": "api", "image": repo.Ref("repository_url") + ":latest", "essential": true,
		"portMappings": []any{map[string]any{"containerPort": 3000, "hostPort": 3000, "protocol": "tcp"}},
		"environment":  []any{map[string]any{"name": "ENVIRONMENT", "value": "production"}, map[string]any{"name": "PROJECT_NAME", "value": "test"}},
		"secrets": []any{
			map[string]any{"name": "ANTHROPIC_API_KEY", "valueFrom": anthropic.Ref("arn")},
			map[string]any{"name": "GITHUB_ACCESS_TOKEN", "valueFrom": github.Ref("arn")},
		},
		"healthCheck.interval": 30, "healthCheck.retries": 3, "healthCheck.startPeriod": 60, "healthCheck.timeout": 5,
		"healthCheck.command.0": "CMD-SHELL",
		"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]any{
			"awslogs-group": "/ecs/test-production-api", "awslogs-region": "us-east-2", "awslogs-stream-prefix": "api"}},
	})
	container := Resource{Fields: defs[0].(map[string]any)}
	if cmd := container.String("healthCheck.command.1"); !strings.Contains(cmd, "http://localhost:3000/health") || !strings.Contains(cmd, "statusCode===200") {
		t.Errorf("health check command %q does not check /health for 200", cmd)
	}
	// Field order is fixed: the JSON is rendered from a struct.
	if !strings.HasPrefix(td.String("container_definitions"), `[{"name":"api","image":`) {
		t.Errorf("container definitions not in struct order: %.60s", td.String("container_definitions"))
	}

	var private []string
	for _, s := range st.Find("aws_subnet", Where("map_public_ip_on_launch", false)) {
		private = append(private, s.Ref("id"))
	}
	svc := st.One(t, "aws_ecs_service")
	svc.Expect(t, map[string]any{
		"name": "test-production-api", "cluster": cluster.Ref("arn"), "task_definition": td.Ref("arn"),
		"launch_type": "FARGATE", "desired_count": 1, "health_check_grace_period_seconds": 60,
		"network_configuration": map[string]any{"subnets": private, "assign_public_ip": false,
			"security_groups": []string{st.One(t, "aws_security_group", Where("name", "test-production-ecs")).Ref("id")}},
		"load_balancer": []any{map[string]any{"target_group_arn": st.One(t, "aws_lb_target_group", Where("name", "test-production-blue")).Ref("arn"),
			"container_name": "api", "container_port": 3000}},
		"deployment_controller":      map[string]any{"type": "CODE_DEPLOY"},
		"deployment_circuit_breaker": nil,
		"lifecycle":                  map[string]any{"ignore_changes": []string{"desired_count", "load_balancer", "task_definition"}},
		"depends_on":                 []string{st.One(t, "aws_lb_listener", Where("port", 80)).Address},
	})

	target := st.One(t, "aws_appautoscaling_target")
	target.Expect(t, map[string]any{"service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount",
		"resource_id": "service/test-production-cluster/" + svc.Ref("name"), "min_capacity": 1, "max_capacity": 4})
	for metric, value := range map[string]int{"ECSServiceAverageCPUUtilization": 70, "ECSServiceAverageMemoryUtilization": 80} {
		st.One(t, "aws_appautoscaling_policy", Where("target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type", metric)).Expect(t, map[string]any{
			"policy_type": "TargetTrackingScaling", "resource_id": target.Ref("resource_id"),
			"scalable_dimension": target.Ref("scalable_dimension"), "service_namespace": target.Ref("service_namespace"),
			"target_tracking_scaling_policy_configuration.target_value": value,
		})
	}
}

func TestRollingServiceWithoutAutoscaling(t *testing.T) {
	st := Synth(t, core.Dev, buildService(func(p *ecs.FargateServiceProps) {
		p.Environment = map[string]string{"LOG_LEVEL": "debug"}
		p.Tasks = ecs.FixedTasks(2)
	}))
	st.One(t, "aws_ecs_service").Expect(t, map[string]any{
		"name": "test-dev-api", "desired_count": 2,
		"deployment_controller":              map[string]any{"type": "ECS"},
		"deployment_circuit_breaker":         map[string]any{"enable": true, "rollback": true},
		"deployment_minimum_healthy_percent": 100, "deployment_maximum_percent": 200,
		"lifecycle": nil,
	})
	st.One(t, "aws_cloudwatch_log_group", Where("name", "/ecs/test-dev-api")).Expect(t, map[string]any{"retention_in_days": 30})
	if n := len(st.Resources("aws_appautoscaling_target")); n != 0 {
		t.Errorf("%d scaling targets without autoscaling", n)
	}
	env := st.One(t, "aws_ecs_task_definition").JSON(t, "container_definitions").([]any)[0].(map[string]any)["environment"]
	Resource{Fields: map[string]any{"env": env}}.Expect(t, map[string]any{"env": []any{
		map[string]any{"name": "ENVIRONMENT", "value": "dev"},
		map[string]any{"name": "LOG_LEVEL", "value": "debug"},
		map[string]any{"name": "PROJECT_NAME", "value": "test"},
	}})
}

func TestServiceRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*ecs.FargateServiceProps)
		want string
	}{
		{"unsupported CPU/memory pair", func(p *ecs.FargateServiceProps) { p.CPU, p.MemoryMB = 512, 512 },
			"MemoryMB: 512 MB is not a Fargate memory size for 512 CPU units; with 512 CPU units use 1024-4096 MB in 1024 MB steps"},
		{"unsupported CPU", func(p *ecs.FargateServiceProps) { p.CPU = 384 }, "CPU: 384 CPU units is not a Fargate task size"},
		{"port out of range", func(p *ecs.FargateServiceProps) { p.ContainerPort = 70000 },
			"ContainerPort: port 70000 is out of range; use a port between 1 and 65535"},
		{"negative port", func(p *ecs.FargateServiceProps) { p.ContainerPort = -1 }, "ContainerPort: port -1 is out of range"},
		{"reserved variable", func(p *ecs.FargateServiceProps) { p.Environment = map[string]string{"PROJECT_NAME": "x"} },
			"Environment.PROJECT_NAME: PROJECT_NAME is already set"},
		{"autoscaling bounds", func(p *ecs.FargateServiceProps) { p.Tasks = ecs.Autoscaling{MinTasks: 3, MaxTasks: 2} },
			"Tasks: MinTasks 3, MaxTasks 2; use 1 <= MinTasks <= MaxTasks"},
		{"autoscaling target", func(p *ecs.FargateServiceProps) { p.Tasks = ecs.Autoscaling{CPUTargetPercent: 95} },
			"Tasks.CPUTargetPercent: 95% leaves no room to scale; use 10-90 percent"},
		{"negative task count", func(p *ecs.FargateServiceProps) { p.Tasks = ecs.FixedTasks(-1) }, "Tasks: -1 tasks"},
		{"unknown deployment", func(p *ecs.FargateServiceProps) { p.Deployment = "canary" }, `Deployment: unknown deployment "canary"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := SynthError(t, core.Dev, buildService(tt.edit))
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

// Security Hub ECS.5: containers run with a read-only root filesystem unless
// a project opts out, and get a writable /tmp on the task's ephemeral storage.
func TestReadOnlyRootFilesystem(t *testing.T) {
	for _, tc := range []struct {
		name     string
		writable bool
	}{{"default", false}, {"opted out", true}} {
		t.Run(tc.name, func(t *testing.T) {
			st := Synth(t, core.Dev, buildService(func(p *ecs.FargateServiceProps) { p.WritableRootFilesystem = tc.writable }))
			td := st.One(t, "aws_ecs_task_definition")
			container := Resource{Type: "container", Fields: td.JSON(t, "container_definitions").([]any)[0].(map[string]any)}
			if tc.writable {
				container.Expect(t, map[string]any{"readonlyRootFilesystem": false, "mountPoints": nil})
				td.Expect(t, map[string]any{"volume": nil})
				return
			}
			container.Expect(t, map[string]any{
				"readonlyRootFilesystem": true,
				"mountPoints":            []any{map[string]any{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false}},
			})
			// No host path: on Fargate that is a bind mount on ephemeral storage.
			td.Expect(t, map[string]any{"volume": []any{map[string]any{"name": "tmp"}}})
		})
	}
}
