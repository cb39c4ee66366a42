package policy_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsiampolicydocument"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdafunction"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmparameter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/logs"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/policy"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// --- builders of compliant and non-compliant constructs ----------------------

var lambdaTrust = iam.ServicePrincipal("lambda.amazonaws.com", "427479925030")

// roleWith creates a role granted statements through the iam package.
func roleWith(s *stack.Stack, name string, statements ...iam.Statement) {
	r := iam.NewRole(s.Scope, name, &iam.RoleProps{Name: "test-dev-" + name, Trust: []iam.Statement{lambdaTrust}})
	r.AddToPolicy(statements...)
}

// rawRole creates a role whose trust policy is raw JSON.
func rawRole(s *stack.Stack, id, name, trust string) {
	iamrole.NewIamRole(s.Scope, jsii.String(id), &iamrole.IamRoleConfig{Name: jsii.String(name), AssumeRolePolicy: jsii.String(trust)})
}

func rawLogGroup(s *stack.Stack, id, name string, retention float64) {
	cfg := &cloudwatchloggroup.CloudwatchLogGroupConfig{Name: jsii.String(name)}
	if retention > 0 {
		cfg.RetentionInDays = jsii.Number(retention)
	}
	cloudwatchloggroup.NewCloudwatchLogGroup(s.Scope, jsii.String(id), cfg)
}

func function(s *stack.Stack, id, name string, env map[string]string) {
	vars := map[string]*string{}
	for k, v := range env {
		vars[k] = jsii.String(v)
	}
	lambdafunction.NewLambdaFunction(s.Scope, jsii.String(id), &lambdafunction.LambdaFunctionConfig{
		FunctionName: jsii.String(name), Role: jsii.String("arn:aws:iam::427479925030:role/x"),
		Runtime: jsii.String("nodejs22.x"), Handler: jsii.String("index.handler"), Filename: jsii.String("code.zip"),
		Environment: &lambdafunction.LambdaFunctionEnvironment{Variables: &vars},
	})
}

// taskDefinition creates a task definition and the log group the awslogs
// constant names.
func taskDefinition(s *stack.Stack, containers string) {
	rawLogGroup(s, "TaskLogs", "/ecs/test-dev-api", 30)
	ecstaskdefinition.NewEcsTaskDefinition(s.Scope, jsii.String("Task"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family: jsii.String("test-dev-api"), ContainerDefinitions: jsii.String(containers),
		RequiresCompatibilities: jsii.Strings("FARGATE"), NetworkMode: jsii.String("awsvpc"), Cpu: jsii.String("512"), Memory: jsii.String("1024"),
	})
}

const awslogs = `"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/test-dev-api","awslogs-region":"us-east-2","awslogs-stream-prefix":"api"}}`

func securityGroup(s *stack.Stack, id string) securitygroup.SecurityGroup {
	return securitygroup.NewSecurityGroup(s.Scope, jsii.String(id), &securitygroup.SecurityGroupConfig{
		Name: jsii.String("test-dev-" + id), Description: jsii.String("test group"), VpcId: jsii.String("vpc-1"),
	})
}

func ingressRule(s *stack.Stack, id string, sg securitygroup.SecurityGroup, cidr string, port float64) {
	cfg := &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId: sg.Id(), IpProtocol: jsii.String("tcp"), FromPort: jsii.Number(port), ToPort: jsii.Number(port),
		Description: jsii.String("test rule"),
	}
	if strings.Contains(cidr, ":") {
		cfg.CidrIpv6 = jsii.String(cidr)
	} else {
		cfg.CidrIpv4 = jsii.String(cidr)
	}
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(s.Scope, jsii.String(id), cfg)
}

func alb(s *stack.Stack, name string, sg securitygroup.SecurityGroup) {
	lb.NewLb(s.Scope, jsii.String("Alb"), &lb.LbConfig{
		Name: jsii.String(name), LoadBalancerType: jsii.String("application"),
		SecurityGroups: &[]*string{sg.Id()}, Subnets: jsii.Strings("subnet-1", "subnet-2"),
	})
}

func githubRole(s *stack.Stack, condition string) {
	p := iamopenidconnectprovider.NewIamOpenidConnectProvider(s.Scope, jsii.String("GitHub"), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
		Url: jsii.String("https://token.actions.githubusercontent.com"), ClientIdList: jsii.Strings("sts.amazonaws.com"),
	})
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"%s"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":%s}]}`,
		*p.Arn(), condition)
	iamrole.NewIamRole(s.Scope, jsii.String("Deploy"), &iamrole.IamRoleConfig{Name: jsii.String("test-dev-github-actions"), AssumeRolePolicy: cdktf.Token_AsString(jsii.String(trust), nil)})
}

// --- the rules ----------------------------------------------------------------

type ruleCase struct {
	name string
	// build adds constructs to the stack under test.
	build func(s *stack.Stack)
	// rule is the rule that must fire, "" when the construct complies.
	rule string
	// want are fragments the violation must contain (path, problem).
	want []string
}

var ruleCases = []ruleCase{
	// IAM actions and resources.
	{name: "action star", rule: policy.RuleIAMWildcardAction, want: []string{"test-dev/Admin/Policy", `allows "*"`},
		build: func(s *stack.Stack) {
			roleWith(s, "Admin", iam.Allow("All", []string{"*"}, "arn:aws:s3:::bucket"))
		}},
	{name: "service-wide action", rule: policy.RuleIAMWildcardAction, want: []string{`"s3:*"`},
		build: func(s *stack.Stack) {
			roleWith(s, "S3", iam.Allow("S3", []string{"s3:*"}, "arn:aws:s3:::bucket/*"))
		}},
	{name: "NotAction", rule: policy.RuleIAMWildcardAction, want: []string{"NotAction"},
		build: func(s *stack.Stack) {
			d := dataawsiampolicydocument.NewDataAwsIamPolicyDocument(s.Scope, jsii.String("Doc"), &dataawsiampolicydocument.DataAwsIamPolicyDocumentConfig{
				Statement: []*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatement{{NotActions: jsii.Strings("iam:*"), Resources: jsii.Strings("*")}},
			})
			_ = d
		}},
	{name: "scoped action on star resource", rule: policy.RuleIAMWildcardResource, want: []string{`"s3:GetObject" on Resource "*"`},
		build: func(s *stack.Stack) {
			roleWith(s, "Reader", iam.Allow("Read", []string{"s3:GetObject", "ecr:GetAuthorizationToken"}, "*"))
		}},
	{name: "star action in policy document data source", rule: policy.RuleIAMWildcardAction, want: []string{"data.aws_iam_policy_document.Doc"},
		build: func(s *stack.Stack) {
			dataawsiampolicydocument.NewDataAwsIamPolicyDocument(s.Scope, jsii.String("Doc"), &dataawsiampolicydocument.DataAwsIamPolicyDocumentConfig{
				Statement: []*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatement{{Actions: jsii.Strings("*"), Resources: jsii.Strings("arn:aws:s3:::b")}},
			})
		}},
	{name: "unscoped actions on star and scoped ones on ARNs", build: func(s *stack.Stack) {
		roleWith(s, "Pull",
			iam.Allow("Auth", []string{"ecr:GetAuthorizationToken"}, "*"),
			iam.Allow("Pull", []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, "arn:aws:ecr:us-east-2:427479925030:repository/test-dev-api"),
			iam.Allow("Traces", []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, "*"))
	}},
	{name: "deny with wildcards", build: func(s *stack.Stack) {
		roleWith(s, "Guard", iam.Statement{Sid: "DenyAll", Effect: "Deny", Actions: []string{"*"}, Resources: []string{"*"}},
			iam.Allow("Logs", []string{"logs:PutLogEvents"}, "arn:aws:logs:us-east-2:427479925030:log-group:/x:*"))
	}},
	{name: "AWS managed admin policy", rule: policy.RuleIAMWildcardAction, want: []string{"AdministratorAccess", `"*" on "*"`},
		build: func(s *stack.Stack) {
			iam.NewRole(s.Scope, "Admin", &iam.RoleProps{Name: "test-dev-admin", Trust: []iam.Statement{lambdaTrust},
				ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}})
		}},
	{name: "AWS managed scoped policy", build: func(s *stack.Stack) {
		iam.NewRole(s.Scope, "Deployer", &iam.RoleProps{Name: "test-dev-codedeploy", Trust: []iam.Statement{lambdaTrust},
			ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"}})
	}},
	{name: "policy that is not JSON", rule: policy.RuleIAMUncheckable, want: []string{"not a JSON policy document"},
		build: func(s *stack.Stack) {
			rawRole(s, "Opaque", "test-dev-opaque", "${file(\"trust.json\")}")
		}},

	// Ingress.
	{name: "ssh from anywhere", rule: policy.RulePublicIngress, want: []string{"0.0.0.0/0", "ports 22-22/tcp", "no application load balancer"},
		build: func(s *stack.Stack) {
			ingressRule(s, "Ssh", securityGroup(s, "Tasks"), "0.0.0.0/0", 22)
		}},
	{name: "ALB group on another port", rule: policy.RulePublicIngress, want: []string{"ports 8080-8080/tcp"},
		build: func(s *stack.Stack) {
			sg := securityGroup(s, "AlbSg")
			alb(s, "test-dev-alb", sg)
			ingressRule(s, "Alt", sg, "0.0.0.0/0", 8080)
		}},
	{name: "inline IPv6 ingress on a task group", rule: policy.RulePublicIngress, want: []string{"::/0"},
		build: func(s *stack.Stack) {
			securitygroup.NewSecurityGroup(s.Scope, jsii.String("Open"), &securitygroup.SecurityGroupConfig{
				Name: jsii.String("test-dev-open"), Description: jsii.String("open"), VpcId: jsii.String("vpc-1"),
				Ingress: []*securitygroup.SecurityGroupIngress{{Protocol: jsii.String("tcp"), FromPort: jsii.Number(443), ToPort: jsii.Number(443),
					Ipv6CidrBlocks: jsii.Strings("::/0"), Description: jsii.String("https")}},
			})
		}},
	{name: "ALB on 80 and 443 from anywhere, tasks only from the ALB", build: func(s *stack.Stack) {
		sg := securityGroup(s, "AlbSg")
		alb(s, "test-dev-alb", sg)
		ingressRule(s, "Http", sg, "0.0.0.0/0", 80)
		ingressRule(s, "Https", sg, "0.0.0.0/0", 443)
		ingressRule(s, "Https6", sg, "::/0", 443)
		tasks := securityGroup(s, "Tasks")
		vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(s.Scope, jsii.String("FromAlb"), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
			SecurityGroupId: tasks.Id(), IpProtocol: jsii.String("tcp"), FromPort: jsii.Number(3000), ToPort: jsii.Number(3000),
			ReferencedSecurityGroupId: sg.Id(), Description: jsii.String("from the ALB"),
		})
	}},

	// Logs.
	{name: "log group without retention", rule: policy.RuleLogRetention, want: []string{`"/app/forever"`},
		build: func(s *stack.Stack) { rawLogGroup(s, "Forever", "/app/forever", 0) }},
	{name: "log group with retention", build: func(s *stack.Stack) {
		logs.NewLogGroup(s.Scope, "Logs", &logs.LogGroupProps{Name: "/app/test-dev", RetentionDays: 30})
	}},
	{name: "function without a log group", rule: policy.RuleLogDestination, want: []string{`"test-dev-orphan"`},
		build: func(s *stack.Stack) { function(s, "Orphan", "test-dev-orphan", nil) }},
	{name: "function with its log group", build: func(s *stack.Stack) {
		function(s, "Fn", "test-dev-fn", nil)
		rawLogGroup(s, "FnLogs", "/aws/lambda/test-dev-fn", 30)
	}},
	{name: "container without log configuration", rule: policy.RuleLogDestination, want: []string{`container "api" has no log destination`},
		build: func(s *stack.Stack) { taskDefinition(s, `[{"name":"api","image":"nginx","essential":true}]`) }},
	{name: "awslogs without a group", rule: policy.RuleLogDestination, want: []string{"without a log group"},
		build: func(s *stack.Stack) {
			taskDefinition(s, `[{"name":"api","image":"nginx","logConfiguration":{"logDriver":"awslogs","options":{}}}]`)
		}},
	{name: "awslogs to a group the stack does not create", rule: policy.RuleLogDestination, want: []string{`"/ecs/elsewhere"`, "does not create"},
		build: func(s *stack.Stack) {
			taskDefinition(s, `[{"name":"api","image":"nginx","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/elsewhere"}}}]`)
		}},
	{name: "container logging to its group", build: func(s *stack.Stack) {
		taskDefinition(s, `[{"name":"api","image":"nginx",`+awslogs+`}]`)
	}},

	// Secret values.
	{name: "secret version with a value", rule: policy.RuleSecretValue, want: []string{"secret_string"},
		build: func(s *stack.Stack) {
			sec := secretsmanagersecret.NewSecretsmanagerSecret(s.Scope, jsii.String("Secret"), &secretsmanagersecret.SecretsmanagerSecretConfig{Name: jsii.String("test/dev/key")})
			secretsmanagersecretversion.NewSecretsmanagerSecretVersion(s.Scope, jsii.String("Value"), &secretsmanagersecretversion.SecretsmanagerSecretVersionConfig{
				SecretId: sec.Id(), SecretString: jsii.String("sk-live-123"),
			})
		}},
	{name: "secret without a value", build: func(s *stack.Stack) {
		secretsmanagersecret.NewSecretsmanagerSecret(s.Scope, jsii.String("Secret"), &secretsmanagersecret.SecretsmanagerSecretConfig{Name: jsii.String("test/dev/key")})
	}},
	{name: "SecureString parameter with a value", rule: policy.RuleSecretValue, want: []string{`SecureString parameter "/test/dev/api-key"`},
		build: func(s *stack.Stack) {
			ssmparameter.NewSsmParameter(s.Scope, jsii.String("Key"), &ssmparameter.SsmParameterConfig{
				Name: jsii.String("/test/dev/api-key"), Type: jsii.String("SecureString"), Value: jsii.String("hunter2"),
			})
		}},
	{name: "String parameter with a value", build: func(s *stack.Stack) {
		ssmparameter.NewSsmParameter(s.Scope, jsii.String("Url"), &ssmparameter.SsmParameterConfig{
			Name: jsii.String("/test/dev/backend-url"), Type: jsii.String("String"), Value: jsii.String("https://example.com"),
		})
	}},
	{name: "secret in task environment", rule: policy.RuleSecretValue, want: []string{"ANTHROPIC_API_KEY", "valueFrom"},
		build: func(s *stack.Stack) {
			taskDefinition(s, `[{"name":"api","image":"nginx",`+awslogs+`,"environment":[{"name":"ANTHROPIC_API_KEY","value":"sk-ant"}]}]`)
		}},
	{name: "secrets by valueFrom", build: func(s *stack.Stack) {
		taskDefinition(s, `[{"name":"api","image":"nginx",`+awslogs+`,"environment":[{"name":"PROJECT_NAME","value":"test"}],`+
			`"secrets":[{"name":"ANTHROPIC_API_KEY","valueFrom":"arn:aws:secretsmanager:us-east-2:427479925030:secret:test/dev/anthropic-api-key"}]}]`)
	}},
	{name: "secret in function environment", rule: policy.RuleSecretValue, want: []string{"GITHUB_TOKEN"},
		build: func(s *stack.Stack) {
			function(s, "Fn", "test-dev-fn", map[string]string{"GITHUB_TOKEN": "ghp_x"})
			rawLogGroup(s, "FnLogs", "/aws/lambda/test-dev-fn", 30)
		}},
	{name: "parameter name in function environment", build: func(s *stack.Stack) {
		function(s, "Fn", "test-dev-fn", map[string]string{"API_KEY_PARAMETER": "/test/dev/api-key", "BACKEND_URL": "https://x"})
		rawLogGroup(s, "FnLogs", "/aws/lambda/test-dev-fn", 30)
	}},

	// Names.
	{name: "target group name over 32", rule: policy.RuleNameLength, want: []string{"target group", "33 characters"},
		build: func(s *stack.Stack) {
			lbtargetgroup.NewLbTargetGroup(s.Scope, jsii.String("Blue"), &lbtargetgroup.LbTargetGroupConfig{
				Name: jsii.String(strings.Repeat("t", 33)), Port: jsii.Number(3000), Protocol: jsii.String("HTTP"), TargetType: jsii.String("ip"), VpcId: jsii.String("vpc-1"),
			})
		}},
	{name: "load balancer name over 32", rule: policy.RuleNameLength, want: []string{"load balancer"},
		build: func(s *stack.Stack) { alb(s, "test-dev-a-very-long-load-balancer", securityGroup(s, "AlbSg")) }},
	{name: "role name over 64", rule: policy.RuleNameLength, want: []string{"IAM role", "65 characters"},
		build: func(s *stack.Stack) {
			rawRole(s, "Long", strings.Repeat("r", 65), iam.NewPolicyDocument(lambdaTrust).JSON())
		}},
	{name: "function name over 64", rule: policy.RuleNameLength, want: []string{"Lambda function"},
		build: func(s *stack.Stack) {
			name := strings.Repeat("f", 65)
			function(s, "Fn", name, nil)
			rawLogGroup(s, "FnLogs", "/aws/lambda/"+name, 30)
		}},
	{name: "names at the limits", build: func(s *stack.Stack) {
		lbtargetgroup.NewLbTargetGroup(s.Scope, jsii.String("Blue"), &lbtargetgroup.LbTargetGroupConfig{
			Name: jsii.String(strings.Repeat("t", 32)), Port: jsii.Number(3000), Protocol: jsii.String("HTTP"), TargetType: jsii.String("ip"), VpcId: jsii.String("vpc-1"),
		})
		rawRole(s, "Long", strings.Repeat("r", 64), iam.NewPolicyDocument(lambdaTrust).JSON())
	}},
	{name: "name created twice in one stack", rule: policy.RuleNameUnique, want: []string{`log group name "/app/same"`},
		build: func(s *stack.Stack) {
			rawLogGroup(s, "A", "/app/same", 30)
			rawLogGroup(s, "B", "/app/same", 30)
		}},

	{name: "DNS record written twice in one zone", rule: policy.RuleNameUnique, want: []string{`DNS record name "api.talkwise.ai"`},
		build: func(s *stack.Stack) {
			for _, id := range []string{"A", "B"} {
				route53record.NewRoute53Record(s.Scope, jsii.String(id), &route53record.Route53RecordConfig{
					ZoneId: jsii.String("Z1"), Name: jsii.String("api.talkwise.ai"), Type: jsii.String("A"), Ttl: jsii.Number(60), Records: jsii.Strings("192.0.2.1")})
			}
		}},
	{name: "one name, other types or zones", build: func(s *stack.Stack) {
		for id, zt := range map[string][2]string{"A": {"Z1", "A"}, "AAAA": {"Z1", "AAAA"}, "Other": {"Z2", "A"}} {
			route53record.NewRoute53Record(s.Scope, jsii.String(id), &route53record.Route53RecordConfig{
				ZoneId: jsii.String(zt[0]), Name: jsii.String("api.talkwise.ai"), Type: jsii.String(zt[1]), Ttl: jsii.Number(60), Records: jsii.Strings("192.0.2.1")})
		}
	}},
	{name: "SNS topic created twice", rule: policy.RuleNameUnique, want: []string{`SNS topic name "test-dev-alarms"`},
		build: func(s *stack.Stack) {
			for _, id := range []string{"A", "B"} {
				snstopic.NewSnsTopic(s.Scope, jsii.String(id), &snstopic.SnsTopicConfig{Name: jsii.String("test-dev-alarms")})
			}
		}},

	// GitHub OIDC.
	{name: "GitHub trust without audience", rule: policy.RuleGitHubOIDCTrust, want: []string{"audience"},
		build: func(s *stack.Stack) {
			githubRole(s, `{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:fractallabsdev/agent-factory:ref:refs/heads/main"}}`)
		}},
	{name: "GitHub trust for any repository", rule: policy.RuleGitHubOIDCTrust, want: []string{"pin the subject"},
		build: func(s *stack.Stack) {
			githubRole(s, `{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:fractallabsdev/*"}}`)
		}},
	{name: "GitHub trust without subject", rule: policy.RuleGitHubOIDCTrust, want: []string{"pin the subject"},
		build: func(s *stack.Stack) {
			githubRole(s, `{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}`)
		}},
	{name: "GitHub trust pinned to a repository and branch", build: func(s *stack.Stack) {
		githubRole(s, `{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:fractallabsdev/agent-factory:ref:refs/heads/main"}}`)
	}},
}

func check(st *synthtest.Stack) error {
	return policy.Check([]*policy.Stack{{Name: st.Name, Doc: st.Doc}})
}

func TestRules(t *testing.T) {
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			err := check(synthtest.SynthUnchecked(t, core.Dev, tc.build))
			if tc.rule == "" {
				if err != nil {
					t.Fatalf("compliant construct rejected:\n%v", err)
				}
				return
			}
			var perr *policy.Error
			if !errors.As(err, &perr) {
				t.Fatalf("want a %s violation, got %v", tc.rule, err)
			}
			for _, v := range perr.Violations {
				if v.Rule != tc.rule {
					t.Errorf("unexpected extra violation: %s", v)
					continue
				}
				if v.Stack != "test-dev" || !strings.HasPrefix(v.Path, "test-dev/") || v.Fix == "" {
					t.Errorf("violation must name the stack, the construct path and the fix: %+v", v)
				}
				for _, w := range tc.want {
					if !strings.Contains(v.String(), w) {
						t.Errorf("violation %q does not mention %q", v, w)
					}
				}
			}
		})
	}
}

// TestNamesUniqueAcrossStacks: two stacks of the app creating one
// account-wide name collide at apply time; the check catches it at synth.
func TestNamesUniqueAcrossStacks(t *testing.T) {
	shared := func(role string) stack.Project {
		return stack.Project{Name: "p" + role, Environments: []core.Environment{core.Dev}, Prepare: func(s *stack.Stack) (func() error, error) {
			return func() error {
				rawRole(s, "Role", role, iam.NewPolicyDocument(lambdaTrust).JSON())
				return nil
			}, nil
		}}
	}
	for _, tc := range []struct {
		roles []string
		want  string
	}{
		{[]string{"same-role", "same-role"}, `IAM role name "same-role" is also created by stack psame-role-dev`},
		{[]string{"one-role", "other-role"}, ""},
	} {
		projects := []stack.Project{shared(tc.roles[0]), {}}
		projects[1] = shared(tc.roles[1])
		projects[1].Name = "q" + tc.roles[1]
		stacks, err := synthtest.SynthProjectsUnchecked(t, projects, "")
		if err != nil {
			t.Fatal(err)
		}
		var all []*policy.Stack
		for _, st := range stacks {
			all = append(all, &policy.Stack{Name: st.Name, Doc: st.Doc})
		}
		err = policy.Check(all)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: unexpected %v", tc.roles, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: want %q, got %v", tc.roles, tc.want, err)
		}
	}
}

// TestSynthRefusesViolation: the checks run inside synth.Synth by default,
// fail it with the stack, path and fix, and leave the previous output as it was.
func TestSynthRefusesViolation(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdktf.out")
	marker := filepath.Join(out, "stacks", "previous", "cdk.tf.json")
	if err := os.MkdirAll(filepath.Dir(marker), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(marker, []byte(`{"previous":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := stack.Project{Name: "leaky", Environments: []core.Environment{core.Dev}, Prepare: func(s *stack.Stack) (func() error, error) {
		return func() error { rawLogGroup(s, "Forever", "/app/leaky-dev", 0); return nil }, nil
	}}
	_, err := synth.Synth([]stack.Project{bad}, synth.Options{Root: synthtest.RepoRoot(t), Outdir: out})
	if err == nil {
		t.Fatal("synth succeeded with a log group that never expires")
	}
	for _, want := range []string{"stack leaky-dev", "leaky-dev/Forever", "fix: set retention_in_days"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	entries, _ := os.ReadDir(out + "/stacks")
	got, _ := os.ReadFile(marker)
	if len(entries) != 1 || string(got) != `{"previous":true}` {
		t.Errorf("previous output changed: %v %q", entries, got)
	}
	siblings, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".cdktf.out.staging-*"))
	if len(siblings) != 0 {
		t.Errorf("staging left behind: %v", siblings)
	}
}

func TestLooksSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "ANTHROPIC_API_KEY": true, "GITHUB_ACCESS_TOKEN": true, "client_secret": true, "AWS_SECRET_ACCESS_KEY": true,
		"API_KEY_PARAMETER": false, "DB_PASSWORD_SECRET_ID": false, "TOKEN_SECRET_ARN": false,
		"BACKEND_URL": false, "PROJECT_NAME": false, "ENVIRONMENT": false, "NODE_OPTIONS": false,
	} {
		if got := policy.LooksSecret(name); got != want {
			t.Errorf("LooksSecret(%q) = %v, want %v", name, got, want)
		}
	}
}
