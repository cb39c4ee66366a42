// Package ssm names the project's Parameter Store parameters
// (/{project}/{env}/{key}), grants read access to them and resolves plain
// String parameters for injection into a function's environment.
package ssm

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsssmparameter"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// Kind says how a parameter reaches the code that uses it.
type Kind int

const (
	// String parameters hold configuration such as URLs. Their value is read
	// at deploy time and injected as the environment variable itself
	// (backend-url -> BACKEND_URL).
	String Kind = iota
	// SecureString parameters hold secrets. Their value is never put in the
	// environment, the plan or the state: the variable <NAME>_PARAMETER holds
	// the parameter's name and the code reads it at run time with
	// ssm:GetParameter (WithDecryption). AWS CDK refuses SecureString in
	// Lambda environments for the same reason.
	SecureString
)

// Parameter is one declared parameter of a project.
type Parameter struct {
	// Key is the last path segment, e.g. "backend-url".
	Key string
	// Kind defaults to String.
	Kind Kind
}

// Path is "/{project}/{env}/{key}".
func Path(n core.Names, key string) string {
	return fmt.Sprintf("/%s/%s/%s", n.Project, n.Environment, key)
}

// PathPrefix is "/{project}/{env}/", under which all of a stack's parameters live.
func PathPrefix(n core.Names) string { return fmt.Sprintf("/%s/%s/", n.Project, n.Environment) }

// EnvVarName turns a key into an environment variable name: backend-url -> BACKEND_URL.
func EnvVarName(key string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_", "/", "_").Replace(key))
}

// EnvVar is the environment variable that delivers the parameter to code:
// its value for a String parameter (backend-url -> BACKEND_URL), its name for
// a SecureString one (api-key -> API_KEY_PARAMETER).
func (p Parameter) EnvVar() string {
	if p.Kind == SecureString {
		return EnvVarName(p.Key) + "_PARAMETER"
	}
	return EnvVarName(p.Key)
}

// ParameterARNPattern matches every parameter of the stack.
func ParameterARNPattern(p core.Platform, n core.Names) string {
	return fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s*", p.Region, p.AccountID, PathPrefix(n))
}

// Validate checks a declared parameter.
func (p Parameter) Validate(field string) error {
	if err := core.ValidateResourceName(field+".Key", p.Key); err != nil {
		return err
	}
	if p.Kind != String && p.Kind != SecureString {
		return core.Errorf(field+".Kind", "use ssm.String or ssm.SecureString", "unknown kind %d", p.Kind)
	}
	return nil
}

// GrantReadAll lets grantee read every parameter under /{project}/{env}/ and
// decrypt SecureString values through SSM only.
//
// Actions: ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath on the
// stack's path; kms:Decrypt on this account's keys when called via SSM in
// this region (the aws/ssm key's ID is not known before it exists).
func GrantReadAll(grantee iam.Grantable, p core.Platform, n core.Names) {
	grantee.AddToPolicy(
		iam.Allow("ReadProjectParameters",
			[]string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"},
			ParameterARNPattern(p, n)),
		iam.Statement{
			Sid:       "DecryptProjectParametersViaSSM",
			Effect:    "Allow",
			Actions:   []string{"kms:Decrypt"},
			Resources: []string{fmt.Sprintf("arn:aws:kms:%s:%s:key/*", p.Region, p.AccountID)},
			Condition: map[string]map[string]any{
				"StringEquals": {"kms:ViaService": fmt.Sprintf("ssm.%s.amazonaws.com", p.Region)},
			},
		},
	)
}

// EnvironmentFor returns the environment variables that deliver the declared
// parameters to code: String values are looked up with a data source (so the
// parameter must exist before `terraform plan`), SecureString parameters are
// passed by name only.
func EnvironmentFor(scope constructs.Construct, n core.Names, params []Parameter) map[string]*string {
	env := map[string]*string{}
	for _, p := range params {
		path := Path(n, p.Key)
		switch p.Kind {
		case SecureString:
			env[p.EnvVar()] = jsii.String(path)
		default:
			d := dataawsssmparameter.NewDataAwsSsmParameter(scope, jsii.String("Param-"+p.Key), &dataawsssmparameter.DataAwsSsmParameterConfig{
				Name: jsii.String(path),
			})
			env[p.EnvVar()] = d.InsecureValue()
		}
	}
	return env
}

// GrantPlan lets grantee read the stack's String parameters the way
// Terraform's data sources do: ssm:GetParameter on /{project}/{env}/*,
// with no kms:Decrypt, so SecureString values stay unreadable. It is all
// `terraform plan` and `apply` need of Parameter Store.
func GrantPlan(grantee iam.Grantable, p core.Platform, n core.Names, sid string) {
	grantee.AddToPolicy(iam.Allow(sid, []string{"ssm:GetParameter"}, ParameterARNPattern(p, n)))
}
