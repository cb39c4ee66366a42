// Package codedeploy runs blue/green deployments of an ECS service: a
// CodeDeploy application, a deployment group that shifts the production
// listener from the blue to the green target group, and its service role.
package codedeploy

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codedeployapp"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codedeploydeploymentgroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// DeploymentConfig shifts all traffic at once, as soon as the green tasks
// are healthy (the spec's "immediate after green ready").
const DeploymentConfig = "CodeDeployDefault.ECSAllAtOnce"

// ServiceRolePolicyARN is AWS's managed policy for CodeDeploy on ECS.
const ServiceRolePolicyARN = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"

// DefaultTerminationWaitMinutes keeps the blue tasks for 5 minutes after
// traffic moved, so a bad release can be rolled back without a cold start.
const DefaultTerminationWaitMinutes = 5

// MaxTerminationWaitMinutes is CodeDeploy's limit (2 days).
const MaxTerminationWaitMinutes = 2880

// Listener is the listener production traffic arrives on.
type Listener interface {
	Arn() *string
}

// Service is the ECS service a group deploys (ecs.FargateService).
type Service interface {
	Name() string
	ClusterName() string
	// Dependable is the service resource: the group is created after it.
	Dependable() cdktf.ITerraformDependable
}

// TargetGroup is one of the pair the group switches traffic between.
type TargetGroup interface {
	// Name is a reference to the group's name, so the deployment group is
	// created after both target groups.
	Name() *string
}

// Alarm is a CloudWatch alarm that stops and rolls back a deployment.
type Alarm interface {
	// AlarmName is a reference to the alarm's name, so the group is created
	// after the alarm (CodeDeploy refuses an alarm that does not exist).
	AlarmName() *string
}

// MaxAlarms is how many alarms CodeDeploy watches per deployment group.
const MaxAlarms = 10

// EcsDeploymentGroupProps configure an EcsDeploymentGroup.
type EcsDeploymentGroupProps struct {
	// Service is the ECS service to deploy. Required.
	Service Service
	// Name of the application and the deployment group. Defaults to the
	// service's name ("<project>-<env>-api").
	Name string
	// ProductionListener is 443 when there is a certificate, else 80. Required.
	ProductionListener Listener
	// BlueTargetGroup and GreenTargetGroup are the pair. Required.
	BlueTargetGroup, GreenTargetGroup TargetGroup
	// TerminationWaitMinutes is how long blue tasks stay after a successful
	// deployment. Defaults to 5; CodeDeploy allows 0-2880.
	TerminationWaitMinutes *int
	// Alarms stop a deployment that raises any of them and roll it back
	// (DEPLOYMENT_STOP_ON_ALARM), while the blue tasks still run: during the
	// deployment and the termination wait. CodeDeploy also refuses to start
	// a deployment while one of them is in ALARM. At most 10. Defaults to
	// none: only a failed deployment rolls back.
	Alarms []Alarm
}

func (p *EcsDeploymentGroupProps) validate(n core.Names) error {
	if p.Name == "" && p.Service != nil {
		p.Name = p.Service.Name()
	}
	if p.TerminationWaitMinutes == nil {
		wait := DefaultTerminationWaitMinutes
		p.TerminationWaitMinutes = &wait
	}
	var errs []error
	if w := *p.TerminationWaitMinutes; w < 0 || w > MaxTerminationWaitMinutes {
		errs = append(errs, core.Errorf("TerminationWaitMinutes", fmt.Sprintf("use 0-%d minutes", MaxTerminationWaitMinutes), "%d minutes is outside CodeDeploy's range", w))
	}
	if p.BlueTargetGroup == nil || p.GreenTargetGroup == nil || p.BlueTargetGroup == p.GreenTargetGroup {
		errs = append(errs, core.Errorf("TargetGroups", "deploy the load balancer with core.BlueGreen (blue/green needs two target groups)", "blue and green are not a pair"))
	}
	errs = append(errs, core.CheckLength("CodeDeploy role", "IAM role", ServiceRoleName(n), core.MaxIAMRoleName))
	if len(p.Alarms) > MaxAlarms {
		errs = append(errs, core.Errorf("Alarms", fmt.Sprintf("watch at most %d alarms (combine others in a composite alarm)", MaxAlarms), "%d alarms", len(p.Alarms)))
	}
	if p.ProductionListener == nil || p.Service == nil {
		errs = append(errs, fmt.Errorf("codedeploy.EcsDeploymentGroupProps: Service and ProductionListener are required"))
	}
	return core.Join(errs...)
}

// ServiceRoleName is "<project>-<env>-codedeploy".
func ServiceRoleName(n core.Names) string { return n.Resource("codedeploy") }

// EcsDeploymentGroup is a CodeDeploy ECS application with one blue/green
// deployment group.
type EcsDeploymentGroup struct {
	constructs.Construct
	App      codedeployapp.CodedeployApp
	Resource codedeploydeploymentgroup.CodedeployDeploymentGroup
	Role     *iam.Role
	name     string
	platform core.Platform
}

// NewEcsDeploymentGroup creates the application, the group and the role.
func NewEcsDeploymentGroup(scope constructs.Construct, id string, props *EcsDeploymentGroupProps) *EcsDeploymentGroup {
	st := stack.Of(scope)
	if err := props.validate(st.Names); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	g := &EcsDeploymentGroup{Construct: c, name: props.Name, platform: st.Platform}
	g.Role = iam.NewRole(c, "Role", &iam.RoleProps{
		Name:              ServiceRoleName(st.Names),
		Description:       "CodeDeploy blue/green deployments of " + props.Name,
		Trust:             []iam.Statement{iam.ServicePrincipal("codedeploy.amazonaws.com", st.Platform.AccountID)},
		ManagedPolicyARNs: []string{ServiceRolePolicyARN},
	})
	g.App = codedeployapp.NewCodedeployApp(c, jsii.String("Application"), &codedeployapp.CodedeployAppConfig{
		Name:            jsii.String(props.Name),
		ComputePlatform: jsii.String("ECS"),
	})
	cfg := &codedeploydeploymentgroup.CodedeployDeploymentGroupConfig{
		AppName:              g.App.Name(),
		DeploymentGroupName:  jsii.String(props.Name),
		ServiceRoleArn:       g.Role.Arn(),
		DeploymentConfigName: jsii.String(DeploymentConfig),
		DeploymentStyle: &codedeploydeploymentgroup.CodedeployDeploymentGroupDeploymentStyle{
			DeploymentType:   jsii.String("BLUE_GREEN"),
			DeploymentOption: jsii.String("WITH_TRAFFIC_CONTROL"),
		},
		BlueGreenDeploymentConfig: &codedeploydeploymentgroup.CodedeployDeploymentGroupBlueGreenDeploymentConfig{
			DeploymentReadyOption: &codedeploydeploymentgroup.CodedeployDeploymentGroupBlueGreenDeploymentConfigDeploymentReadyOption{
				ActionOnTimeout: jsii.String("CONTINUE_DEPLOYMENT"),
			},
			TerminateBlueInstancesOnDeploymentSuccess: &codedeploydeploymentgroup.CodedeployDeploymentGroupBlueGreenDeploymentConfigTerminateBlueInstancesOnDeploymentSuccess{
				Action:                       jsii.String("TERMINATE"),
				TerminationWaitTimeInMinutes: jsii.Number(float64(*props.TerminationWaitMinutes)),
			},
		},
		AutoRollbackConfiguration: &codedeploydeploymentgroup.CodedeployDeploymentGroupAutoRollbackConfiguration{
			Enabled: jsii.Bool(true),
			Events:  jsii.Strings(rollbackEvents(props)...),
		},
		EcsService: &codedeploydeploymentgroup.CodedeployDeploymentGroupEcsService{
			ClusterName: jsii.String(props.Service.ClusterName()),
			ServiceName: jsii.String(props.Service.Name()),
		},
		LoadBalancerInfo: &codedeploydeploymentgroup.CodedeployDeploymentGroupLoadBalancerInfo{
			TargetGroupPairInfo: &codedeploydeploymentgroup.CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfo{
				ProdTrafficRoute: &codedeploydeploymentgroup.CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoProdTrafficRoute{
					ListenerArns: &[]*string{props.ProductionListener.Arn()},
				},
				TargetGroup: []*codedeploydeploymentgroup.CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroup{
					{Name: props.BlueTargetGroup.Name()},
					{Name: props.GreenTargetGroup.Name()},
				},
			},
		},
	}
	if len(props.Alarms) > 0 {
		names := make([]*string, len(props.Alarms))
		for i, a := range props.Alarms {
			names[i] = a.AlarmName()
		}
		cfg.AlarmConfiguration = &codedeploydeploymentgroup.CodedeployDeploymentGroupAlarmConfiguration{
			Alarms:  &names,
			Enabled: jsii.Bool(true),
			// A deployment whose alarms cannot be read stops: rolling out
			// blind is what the alarms are there to prevent.
			IgnorePollAlarmFailure: jsii.Bool(false),
		}
	}
	cfg.DependsOn = &[]cdktf.ITerraformDependable{props.Service.Dependable()}
	g.Resource = codedeploydeploymentgroup.NewCodedeployDeploymentGroup(c, jsii.String("Resource"), cfg)
	return g
}

// rollbackEvents are what roll a deployment back: a failure, and with
// alarms, an alarm stopping it.
func rollbackEvents(props *EcsDeploymentGroupProps) []string {
	if len(props.Alarms) > 0 {
		return []string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}
	}
	return []string{"DEPLOYMENT_FAILURE"}
}

// AppName is the CodeDeploy application's name.
func (g *EcsDeploymentGroup) AppName() string { return g.name }

// GroupName is the deployment group's name.
func (g *EcsDeploymentGroup) GroupName() string { return g.name }

// ApplicationArn is arn:aws:codedeploy:<region>:<account>:application:<app>.
func (g *EcsDeploymentGroup) ApplicationArn() string {
	return fmt.Sprintf("arn:aws:codedeploy:%s:%s:application:%s", g.platform.Region, g.platform.AccountID, g.name)
}

// DeploymentGroupArn is arn:aws:codedeploy:<region>:<account>:deploymentgroup:<app>/<group>.
func (g *EcsDeploymentGroup) DeploymentGroupArn() string {
	return fmt.Sprintf("arn:aws:codedeploy:%s:%s:deploymentgroup:%s/%s", g.platform.Region, g.platform.AccountID, g.name, g.name)
}

// DeploymentConfigArn is the ARN of the deployment configuration in use.
func (g *EcsDeploymentGroup) DeploymentConfigArn() string {
	return fmt.Sprintf("arn:aws:codedeploy:%s:%s:deploymentconfig:%s", g.platform.Region, g.platform.AccountID, DeploymentConfig)
}

// GrantCreateDeployment lets grantee start and follow deployments of this
// group (what aws-actions/amazon-ecs-deploy-task-definition does with
// codedeploy-appspec). Actions: codedeploy:CreateDeployment,
// codedeploy:GetDeployment, codedeploy:GetDeploymentGroup on the group;
// codedeploy:GetDeploymentConfig on its deployment configuration;
// codedeploy:RegisterApplicationRevision, codedeploy:GetApplicationRevision
// on the application.
func (g *EcsDeploymentGroup) GrantCreateDeployment(grantee iam.Grantable) {
	grantee.AddToPolicy(
		iam.Allow("CreateDeployments", []string{"codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetDeploymentGroup"}, g.DeploymentGroupArn()),
		iam.Allow("ReadDeploymentConfig", []string{"codedeploy:GetDeploymentConfig"}, g.DeploymentConfigArn()),
		iam.Allow("RegisterRevisions", []string{"codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"}, g.ApplicationArn()),
	)
}
