package constructs_test

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/alb"
	"github.com/fractallabsdev/talkwise-infra/constructs/codedeploy"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecr"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecs"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/networking"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// synthDeploymentGroup builds a blue/green service and its deployment group.
func synthDeploymentGroup(t *testing.T, certificate alb.Certificate, wait *int) *Stack {
	t.Helper()
	return Synth(t, core.Production, func(s *stack.Stack) {
		vpc := networking.NewVpc(s.Scope, "Network", &networking.VpcProps{NAT: networking.NatSingle, ServicePort: 3000})
		lb := alb.NewLoadBalancer(s.Scope, "Alb", &alb.LoadBalancerProps{Network: vpc, Certificate: certificate, Deployment: core.BlueGreen})
		cluster := ecs.NewCluster(s.Scope, "Cluster", &ecs.ClusterProps{})
		service := ecs.NewFargateService(s.Scope, "Service", &ecs.FargateServiceProps{
			Cluster: cluster, Network: vpc, Image: ecr.NewRepository(s.Scope, "Images", &ecr.RepositoryProps{}),
			TargetGroup: lb.Blue, Listener: lb.ProductionListener(), Deployment: core.BlueGreen,
		})
		g := codedeploy.NewEcsDeploymentGroup(s.Scope, "Deployments", &codedeploy.EcsDeploymentGroupProps{
			Service: service, ProductionListener: lb.ProductionListener(),
			BlueTargetGroup: lb.Blue, GreenTargetGroup: lb.Green,
			TerminationWaitMinutes: wait,
		})
		deployer := iam.NewRole(s.Scope, "Deployer", &iam.RoleProps{Name: "test-production-deployer", Trust: []iam.Statement{iam.ServicePrincipal("ecs-tasks.amazonaws.com", "")}})
		g.GrantCreateDeployment(deployer)
	})
}

func TestDeploymentGroup(t *testing.T) {
	st := synthDeploymentGroup(t, alb.ExistingCertificate(certificateARN), nil)
	app := st.One(t, "aws_codedeploy_app")
	app.Expect(t, map[string]any{"name": "test-production-api", "compute_platform": "ECS"})
	role := st.One(t, "aws_iam_role", Where("name", "test-production-codedeploy"))
	trust := role.JSON(t, "assume_role_policy").(map[string]any)["Statement"].([]any)[0]
	Resource{Fields: map[string]any{"t": trust}}.Expect(t, map[string]any{"t": map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "codedeploy.amazonaws.com"}, "Action": []string{"sts:AssumeRole"},
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "427479925030"}},
	}})
	st.One(t, "aws_iam_role_policy_attachment", Where("role", role.Ref("name"))).Expect(t, map[string]any{
		"policy_arn": "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS",
	})
	group := st.One(t, "aws_codedeploy_deployment_group")
	group.Expect(t, map[string]any{
		"app_name": app.Ref("name"), "deployment_group_name": "test-production-api",
		"service_role_arn": role.Ref("arn"), "deployment_config_name": "CodeDeployDefault.ECSAllAtOnce",
		"deployment_style": map[string]any{"deployment_type": "BLUE_GREEN", "deployment_option": "WITH_TRAFFIC_CONTROL"},
		"blue_green_deployment_config": map[string]any{
			"deployment_ready_option":                        map[string]any{"action_on_timeout": "CONTINUE_DEPLOYMENT"},
			"terminate_blue_instances_on_deployment_success": map[string]any{"action": "TERMINATE", "termination_wait_time_in_minutes": 5},
		},
		"auto_rollback_configuration": map[string]any{"enabled": true, "events": []string{"DEPLOYMENT_FAILURE"}},
		"ecs_service":                 map[string]any{"cluster_name": "test-production-cluster", "service_name": "test-production-api"},
		"depends_on":                  []string{st.One(t, "aws_ecs_service").Address},
		// The pair by reference, so the group is created after both groups.
		"load_balancer_info": map[string]any{"target_group_pair_info": map[string]any{
			"prod_traffic_route": map[string]any{"listener_arns": []string{st.One(t, "aws_lb_listener", Where("port", 443)).Ref("arn")}},
			"target_group": []any{
				map[string]any{"name": st.One(t, "aws_lb_target_group", Where("name", "test-production-blue")).Ref("name")},
				map[string]any{"name": st.One(t, "aws_lb_target_group", Where("name", "test-production-green")).Ref("name")},
			},
		}},
	})

	statements := map[string]any{}
	for _, s := range st.One(t, "aws_iam_role_policy", Where("name", "test-production-deployer")).JSON(t, "policy").(map[string]any)["Statement"].([]any) {
		s := s.(map[string]any)
		statements[s["Sid"].(string)] = []any{s["Action"], s["Resource"]}
	}
	prefix := "arn:aws:codedeploy:us-east-2:427479925030:"
	Resource{Fields: map[string]any{"p": statements}}.Expect(t, map[string]any{"p": map[string]any{
		"CreateDeployments": []any{[]string{"codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetDeploymentGroup"},
			[]string{prefix + "deploymentgroup:test-production-api/test-production-api"}},
		"ReadDeploymentConfig": []any{[]string{"codedeploy:GetDeploymentConfig"}, []string{prefix + "deploymentconfig:CodeDeployDefault.ECSAllAtOnce"}},
		"RegisterRevisions": []any{[]string{"codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"},
			[]string{prefix + "application:test-production-api"}},
	}})
}

func TestDeploymentGroupWithoutCertificateUsesPort80(t *testing.T) {
	wait := 0
	st := synthDeploymentGroup(t, nil, &wait)
	st.One(t, "aws_codedeploy_deployment_group").Expect(t, map[string]any{
		"load_balancer_info.target_group_pair_info.prod_traffic_route.listener_arns":                                   []string{st.One(t, "aws_lb_listener", Where("port", 80)).Ref("arn")},
		"blue_green_deployment_config.terminate_blue_instances_on_deployment_success.termination_wait_time_in_minutes": 0,
	})
}

// A rolling load balancer has no green group: the deployment group refuses it.
func TestDeploymentGroupNeedsTwoTargetGroups(t *testing.T) {
	err := SynthError(t, core.Dev, func(s *stack.Stack) {
		vpc := networking.NewVpc(s.Scope, "Network", &networking.VpcProps{NAT: networking.NatSingle, ServicePort: 3000})
		lb := alb.NewLoadBalancer(s.Scope, "Alb", &alb.LoadBalancerProps{Network: vpc})
		cluster := ecs.NewCluster(s.Scope, "Cluster", &ecs.ClusterProps{})
		service := ecs.NewFargateService(s.Scope, "Service", &ecs.FargateServiceProps{
			Cluster: cluster, Network: vpc, Image: ecr.NewRepository(s.Scope, "Images", &ecr.RepositoryProps{}),
			TargetGroup: lb.Blue, Listener: lb.ProductionListener(),
		})
		var green codedeploy.TargetGroup
		if lb.Green != nil {
			green = lb.Green
		}
		codedeploy.NewEcsDeploymentGroup(s.Scope, "Deployments", &codedeploy.EcsDeploymentGroupProps{
			Service: service, ProductionListener: lb.ProductionListener(), BlueTargetGroup: lb.Blue, GreenTargetGroup: green,
		})
	})
	want := "TargetGroups: blue and green are not a pair; deploy the load balancer with core.BlueGreen"
	if !contains(err.Error(), want) {
		t.Errorf("error = %v, want %q", err, want)
	}
}
