package ecs

import (
	"fmt"
	"sort"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/logs"
	"github.com/fractallabsdev/talkwise-infra/constructs/secrets"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// EnvVarName is the variable a secret key is injected as.
func EnvVarName(key string) string { return secrets.EnvVarName(key) }

// FargateService is a Fargate task definition and the service running it.
type FargateService struct {
	constructs.Construct
	Resource       ecsservice.EcsService
	TaskDefinition ecstaskdefinition.EcsTaskDefinition
	// ExecutionRole starts the task: pulls the image, reads the secrets,
	// writes the logs. TaskRole is what the running container acts as.
	ExecutionRole, TaskRole *iam.Role
	LogGroup                *logs.LogGroup
	name, containerName     string
	port                    int
	clusterName             string
	platform                core.Platform
	deployment              core.Deployment
}

// NewFargateService creates the task definition, its roles and log group,
// the service and, when asked, its autoscaling.
func NewFargateService(scope constructs.Construct, id string, props *FargateServiceProps) *FargateService {
	st := stack.Of(scope)
	n := st.Names
	if err := props.validate(n); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := n.Resource(props.Suffix)
	f := &FargateService{Construct: c, name: name, containerName: props.Suffix, port: props.ContainerPort,
		clusterName: props.Cluster.Name(), platform: st.Platform, deployment: props.Deployment}

	f.LogGroup = logs.NewLogGroup(c, "Logs", &logs.LogGroupProps{Name: LogGroupName(name), RetentionDays: props.LogRetentionDays})
	trust := []iam.Statement{iam.ServicePrincipal("ecs-tasks.amazonaws.com", st.Platform.AccountID)}
	f.ExecutionRole = iam.NewRole(c, "ExecutionRole", &iam.RoleProps{
		Name:        name + "-execution",
		Description: "Starts " + name + " tasks: pulls the image, reads its secrets, writes its logs",
		Trust:       trust,
	})
	f.TaskRole = iam.NewRole(c, "TaskRole", &iam.RoleProps{
		Name:        name + "-task",
		Description: "The running " + name + " container",
		Trust:       trust,
	})
	props.Image.GrantPull(f.ExecutionRole)
	f.LogGroup.GrantWrite(f.ExecutionRole, "WriteOwnLogs")
	for _, s := range props.Secrets {
		s.GrantRead(f.ExecutionRole, "Inject")
		// The spec's task role has "runtime secrets access": the service may
		// re-read a rotated value without a restart.
		s.GrantRead(f.TaskRole, "Read")
	}

	f.TaskDefinition = ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String("TaskDefinition"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  jsii.String(name),
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(fmt.Sprint(props.CPU)),
		Memory:                  jsii.String(fmt.Sprint(props.MemoryMB)),
		ExecutionRoleArn:        f.ExecutionRole.Arn(),
		TaskRoleArn:             f.TaskRole.Arn(),
		RuntimePlatform: &ecstaskdefinition.EcsTaskDefinitionRuntimePlatform{
			OperatingSystemFamily: jsii.String("LINUX"),
			CpuArchitecture:       jsii.String("X86_64"),
		},
		ContainerDefinitions: jsii.String(containerDefinitionsJSON([]containerDefinition{f.container(n, props)})),
		Volume:               scratchVolumes(props),
	})

	cfg := &ecsservice.EcsServiceConfig{
		Name:           jsii.String(name),
		Cluster:        props.Cluster.Arn(),
		TaskDefinition: f.TaskDefinition.Arn(),
		DesiredCount:   jsii.Number(float64(props.desiredCount())),
		LaunchType:     jsii.String("FARGATE"),
		NetworkConfiguration: &ecsservice.EcsServiceNetworkConfiguration{
			Subnets:        props.Network.PrivateSubnetIDs(),
			SecurityGroups: &[]*string{props.Network.ServiceSecurityGroupID()},
			AssignPublicIp: jsii.Bool(false),
		},
		LoadBalancer: []*ecsservice.EcsServiceLoadBalancer{{
			TargetGroupArn: props.TargetGroup.Arn(),
			ContainerName:  jsii.String(f.containerName),
			ContainerPort:  jsii.Number(float64(props.ContainerPort)),
		}},
		HealthCheckGracePeriodSeconds: jsii.Number(HealthCheckGraceSeconds),
		PropagateTags:                 jsii.String("SERVICE"),
		EnableEcsManagedTags:          jsii.Bool(true),
	}
	if props.Listener != nil {
		cfg.DependsOn = &[]cdktf.ITerraformDependable{props.Listener}
	}
	var ignore []string
	if props.Deployment == core.BlueGreen {
		cfg.DeploymentController = &ecsservice.EcsServiceDeploymentController{Type: jsii.String("CODE_DEPLOY")}
		// CodeDeploy registers task definitions, swaps the target group and
		// replaces task sets; a plan that undid those would fight every deploy.
		ignore = []string{"desired_count", "load_balancer", "task_definition"}
	} else {
		cfg.DeploymentController = &ecsservice.EcsServiceDeploymentController{Type: jsii.String("ECS")}
		cfg.DeploymentCircuitBreaker = &ecsservice.EcsServiceDeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)}
		cfg.DeploymentMinimumHealthyPercent = jsii.Number(100)
		cfg.DeploymentMaximumPercent = jsii.Number(200)
		if props.autoscaling() != nil {
			ignore = []string{"desired_count"} // owned by the scaling policies
		}
	}
	if len(ignore) > 0 {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings(ignore...)}
	}
	f.Resource = ecsservice.NewEcsService(c, jsii.String("Resource"), cfg)
	if a := props.autoscaling(); a != nil {
		f.autoscale(props.Cluster, a)
	}
	return f
}

// LogGroupName is "/ecs/<service name>".
func LogGroupName(serviceName string) string { return "/ecs/" + serviceName }

func (f *FargateService) container(n core.Names, props *FargateServiceProps) containerDefinition {
	env := []keyValue{
		{Name: "ENVIRONMENT", Value: string(n.Environment)},
		{Name: "PROJECT_NAME", Value: n.Project},
	}
	for k, v := range props.Environment {
		env = append(env, keyValue{Name: k, Value: v})
	}
	sort.Slice(env, func(i, j int) bool { return env[i].Name < env[j].Name })
	var secretRefs []secretRef
	for _, s := range props.Secrets {
		secretRefs = append(secretRefs, secretRef{Name: EnvVarName(s.Key()), ValueFrom: *s.Arn()})
	}
	var mounts []mountPoint
	if !props.WritableRootFilesystem {
		mounts = []mountPoint{{SourceVolume: scratchVolume, ContainerPath: "/tmp"}}
	}
	return containerDefinition{
		ReadonlyRootFilesystem: !props.WritableRootFilesystem,
		MountPoints:            mounts,
		Name:                   f.containerName,
		Image:                  *props.Image.RepositoryURL() + ":" + props.ImageTag,
		Essential:              true,
		PortMappings:           []portMapping{{ContainerPort: props.ContainerPort, HostPort: props.ContainerPort, Protocol: "tcp"}},
		Environment:            env,
		Secrets:                secretRefs,
		HealthCheck: healthCheck{
			Command:     props.HealthCheckCommand,
			Interval:    HealthCheckIntervalSeconds,
			Timeout:     HealthCheckTimeoutSeconds,
			Retries:     HealthCheckRetries,
			StartPeriod: HealthCheckStartPeriod,
		},
		LogConfiguration: logConfiguration{
			LogDriver: "awslogs",
			Options: map[string]string{
				"awslogs-group":         f.LogGroup.Name(),
				"awslogs-region":        f.platform.Region,
				"awslogs-stream-prefix": f.containerName,
			},
		},
	}
}

// scratchVolume is the task's writable /tmp when the root filesystem is
// read-only: a Fargate bind mount on the task's ephemeral storage.
const scratchVolume = "tmp"

// scratchVolumes returns the task's volumes as the binding's untyped field
// wants them: nil (no volume block) when the root filesystem is writable.
func scratchVolumes(props *FargateServiceProps) interface{} {
	if props.WritableRootFilesystem {
		return nil
	}
	return []*ecstaskdefinition.EcsTaskDefinitionVolume{{Name: jsii.String(scratchVolume)}}
}

// autoscale tracks average CPU and memory between the task bounds.
func (f *FargateService) autoscale(cluster *Cluster, a *Autoscaling) {
	target := appautoscalingtarget.NewAppautoscalingTarget(f.Construct, jsii.String("ScalingTarget"), &appautoscalingtarget.AppautoscalingTargetConfig{
		ServiceNamespace:  jsii.String("ecs"),
		ScalableDimension: jsii.String("ecs:service:DesiredCount"),
		ResourceId:        jsii.String(fmt.Sprintf("service/%s/%s", cluster.Name(), *f.Resource.Name())),
		MinCapacity:       jsii.Number(float64(a.MinTasks)),
		MaxCapacity:       jsii.Number(float64(a.MaxTasks)),
	})
	for _, m := range []struct {
		id, suffix, metric string
		target             int
	}{
		{"CpuScaling", "cpu", "ECSServiceAverageCPUUtilization", a.CPUTargetPercent},
		{"MemoryScaling", "memory", "ECSServiceAverageMemoryUtilization", a.MemoryTargetPercent},
	} {
		appautoscalingpolicy.NewAppautoscalingPolicy(f.Construct, jsii.String(m.id), &appautoscalingpolicy.AppautoscalingPolicyConfig{
			Name:              jsii.String(f.name + "-" + m.suffix),
			PolicyType:        jsii.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace(),
			ScalableDimension: target.ScalableDimension(),
			ResourceId:        target.ResourceId(),
			TargetTrackingScalingPolicyConfiguration: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration{
				TargetValue: jsii.Number(float64(m.target)),
				PredefinedMetricSpecification: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification{
					PredefinedMetricType: jsii.String(m.metric),
				},
				// Add tasks quickly, remove them slowly.
				ScaleOutCooldown: jsii.Number(60),
				ScaleInCooldown:  jsii.Number(300),
			},
		})
	}
}

// Name is the service's name, "<project>-<env>-<suffix>".
func (f *FargateService) Name() string { return f.name }

// ClusterName is the name of the cluster the service runs in.
func (f *FargateService) ClusterName() string { return f.clusterName }

// Dependable is the service resource, for what must be created after it.
func (f *FargateService) Dependable() cdktf.ITerraformDependable { return f.Resource }

// ContainerName is the container the load balancer targets.
func (f *FargateService) ContainerName() string { return f.containerName }

// Arn is the service's ARN, arn:aws:ecs:<region>:<account>:service/<cluster>/<service>.
func (f *FargateService) Arn() string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", f.platform.Region, f.platform.AccountID, f.clusterName, f.name)
}

// Alarm is a CloudWatch alarm that rolls a deployment back.
type Alarm interface {
	// AlarmName is a reference to the alarm's name.
	AlarmName() *string
}

// RollBackOnAlarms makes ECS roll back a rolling deployment during which any
// of alarms goes to ALARM (ECS deployment alarms), beside the circuit
// breaker's check of failing tasks. A blue/green service is rolled back by
// its CodeDeploy deployment group instead (codedeploy.EcsDeploymentGroupProps.Alarms),
// so it is refused here.
func (f *FargateService) RollBackOnAlarms(alarms ...Alarm) {
	if f.deployment == core.BlueGreen {
		panic(core.Errorf("RollBackOnAlarms", "give the alarms to the CodeDeploy deployment group (codedeploy.EcsDeploymentGroupProps.Alarms)",
			"service %s is deployed blue/green by CodeDeploy, which ignores ECS deployment alarms", f.name))
	}
	if len(alarms) == 0 {
		return
	}
	names := make([]*string, len(alarms))
	for i, a := range alarms {
		names[i] = a.AlarmName()
	}
	f.Resource.PutAlarms(&ecsservice.EcsServiceAlarms{AlarmNames: &names, Enable: jsii.Bool(true), Rollback: jsii.Bool(true)})
}

// GrantDeploy lets grantee release a new image of this service: register a
// task definition revision and hand it this service's two roles.
//
// Actions: ecs:RegisterTaskDefinition and ecs:DescribeTaskDefinition on "*"
// (ECS supports no resource-level permissions for them); ecs:DescribeServices
// on this service, plus ecs:UpdateService when ECS itself deploys (with
// blue/green, CodeDeploy updates the service, see codedeploy.GrantCreateDeployment);
// iam:PassRole on exactly the execution and task roles, only to ECS tasks.
func (f *FargateService) GrantDeploy(grantee iam.Grantable) {
	serviceActions := []string{"ecs:DescribeServices"}
	if f.deployment != core.BlueGreen {
		serviceActions = append(serviceActions, "ecs:UpdateService")
	}
	grantee.AddToPolicy(
		iam.Allow("RegisterTaskDefinitions", []string{"ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"}, "*"),
		iam.Allow("DeployService", serviceActions, f.Arn()),
		iam.Statement{Sid: "PassServiceRoles", Effect: "Allow", Actions: []string{"iam:PassRole"},
			Resources: []string{*f.ExecutionRole.Arn(), *f.TaskRole.Arn()},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
	)
}
