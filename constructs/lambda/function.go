// Package lambda deploys a TypeScript handler as a Node.js 22 Lambda
// function: bundled in-process with esbuild, zipped deterministically, with
// its own log group and a least-privilege execution role.
package lambda

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdafunction"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/logs"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// Runtime is the only runtime this platform deploys (the spec's Node.js 22.x).
const Runtime = "nodejs22.x"

// Limits AWS and the spec set (Lambda API reference, CreateFunction:
// MemorySize 128-10240, Timeout up to 900).
const (
	DefaultMemoryMB       = 128
	MinMemoryMB           = 128
	MaxMemoryMB           = 10240
	DefaultTimeoutSeconds = 30
	MaxTimeoutSeconds     = 900
)

// reservedEnv are variables the construct sets itself.
var reservedEnv = map[string]bool{"PROJECT_NAME": true, "ENVIRONMENT": true, "FUNCTION_NAME": true, "NODE_OPTIONS": true}

// FunctionProps configure a Function.
type FunctionProps struct {
	// Name is the function's short name, e.g. "pi-customerio-trial-ended-lambda".
	// The deployed name is "<project>-<env>-<Name>" unless FunctionName says
	// otherwise; the execution role is always "<project>-<env>-<Name>".
	Name string
	// FunctionName is the deployed name of a function that exists already
	// and is adopted under it (docs/migrating-from-hcl.md), since a renamed
	// function is a new function: Terraform would replace the live one.
	// Defaults to "<project>-<env>-<Name>". One account holds dev and
	// production, so an adopted name may be used by one stack only; the
	// synth-time policy checks refuse a second.
	FunctionName string
	// Code is the bundled handler (see Build).
	Code *Bundle
	// Description defaults to empty.
	Description string
	// MemoryMB defaults to 128.
	MemoryMB int
	// TimeoutSeconds defaults to 30; AWS allows 1-900.
	TimeoutSeconds int
	// Parameters are the SSM parameters the handler reads, under
	// /{project}/{env}/. Defaults to none.
	Parameters []ssm.Parameter
	// Environment adds variables. Defaults to none. PROJECT_NAME, ENVIRONMENT,
	// FUNCTION_NAME and NODE_OPTIONS are set by the construct and refused here.
	Environment map[string]string
	// LogRetentionDays defaults to the environment's default (30 dev, 90 production).
	LogRetentionDays int
}

func (p *FunctionProps) applyDefaults(n core.Names) {
	if p.MemoryMB == 0 {
		p.MemoryMB = DefaultMemoryMB
	}
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = DefaultTimeoutSeconds
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = n.Environment.DefaultLogRetentionDays()
	}
}

// Validate checks props after defaults for the stack named n, naming the
// bad setting.
func (p *FunctionProps) Validate(n core.Names) error {
	p.applyDefaults(n)
	field := "functions." + p.Name
	var errs []error
	if err := core.ValidateResourceName("function name", p.Name); err != nil {
		errs = append(errs, err)
	}
	if p.FunctionName != "" {
		errs = append(errs, ValidateFunctionName(field+".FunctionName", p.FunctionName))
	}
	errs = append(errs,
		core.CheckLength(field, "Lambda function", p.DeployedName(n), core.MaxLambdaFunctionName),
		core.CheckLength(field, "IAM role", p.RoleName(n), core.MaxIAMRoleName))
	if p.MemoryMB < MinMemoryMB || p.MemoryMB > MaxMemoryMB {
		errs = append(errs, core.Errorf(field+".MemoryMB", fmt.Sprintf("use %d-%d MB", MinMemoryMB, MaxMemoryMB), "%d MB is outside Lambda's range", p.MemoryMB))
	}
	if p.TimeoutSeconds < 1 || p.TimeoutSeconds > MaxTimeoutSeconds {
		errs = append(errs, core.Errorf(field+".TimeoutSeconds", "use 1-900 seconds (projects here use 30-60)", "%d s is outside Lambda's range", p.TimeoutSeconds))
	}
	if err := logs.ValidateRetention(field+".LogRetentionDays", p.LogRetentionDays); err != nil {
		errs = append(errs, err)
	}
	seen := map[string]bool{}
	for i, prm := range p.Parameters {
		if err := prm.Validate(fmt.Sprintf("%s.Parameters[%d]", field, i)); err != nil {
			errs = append(errs, err)
		}
		if seen[prm.Key] {
			errs = append(errs, core.Errorf(fmt.Sprintf("%s.Parameters[%d]", field, i), "declare each parameter once", "duplicate key %q", prm.Key))
		}
		seen[prm.Key] = true
	}
	errs = append(errs, p.validateEnvironment(field, n))
	errs = append(errs, core.CheckDescription(field+".Description", "Lambda function", p.Description, core.MaxLambdaDescription))
	if p.Code == nil {
		errs = append(errs, core.Errorf(field+".Code", "build the handler with lambda.Build", "no code"))
	}
	return core.Join(errs...)
}

// validateEnvironment checks the variables against Lambda's rules and
// refuses any variable that would silently replace another: one the
// construct sets, or one injected from an SSM parameter.
func (p *FunctionProps) validateEnvironment(field string, n core.Names) error {
	errs := []error{core.ValidateLambdaEnvironmentKeys(field+".Environment", p.Environment)}
	known := map[string]string{}
	for k := range reservedEnv {
		known[k] = "set by the construct"
	}
	for i, prm := range p.Parameters {
		v := prm.EnvVar()
		if by, taken := known[v]; taken {
			errs = append(errs, core.Errorf(fmt.Sprintf("%s.Parameters[%d]", field, i), "rename the parameter's key",
				"parameter %q is injected as %s, which is already %s", prm.Key, v, by))
			continue
		}
		known[v] = fmt.Sprintf("injected from SSM parameter %q", prm.Key)
	}
	for _, k := range core.SortedKeys(p.Environment) {
		if reservedEnv[k] {
			errs = append(errs, core.Errorf(field+".Environment."+k, "remove it; the construct sets it", "%s is reserved", k))
		} else if by, taken := known[k]; taken {
			errs = append(errs, core.Errorf(field+".Environment."+k, "remove it from Environment (the parameter delivers it), or rename one of the two",
				"%s would silently replace the variable %s", k, by))
		}
	}
	errs = append(errs, core.CheckLambdaEnvironmentSize(field+".Environment", p.knownEnvironment(n)))
	return core.Join(errs...)
}

// knownEnvironment is the function's environment in the stack named n as
// far as synthesis knows it: String parameters are resolved at deploy time
// and count as "".
func (p *FunctionProps) knownEnvironment(n core.Names) map[string]string {
	env := map[string]string{
		"PROJECT_NAME":  n.Project,
		"ENVIRONMENT":   string(n.Environment),
		"FUNCTION_NAME": p.DeployedName(n),
		// The zip ships a source map; this makes stack traces point at TypeScript.
		"NODE_OPTIONS": "--enable-source-maps",
	}
	for _, prm := range p.Parameters {
		env[prm.EnvVar()] = ""
		if prm.Kind == ssm.SecureString {
			env[prm.EnvVar()] = ssm.Path(n, prm.Key)
		}
	}
	for k, v := range p.Environment {
		env[k] = v
	}
	return env
}

// DeployedName is the function's name in the stack named n: FunctionName,
// or "<project>-<env>-<name>".
func (p *FunctionProps) DeployedName(n core.Names) string {
	if p.FunctionName != "" {
		return p.FunctionName
	}
	return n.Resource(p.Name)
}

// RoleName is the execution role's name, "<project>-<env>-<name>" also for
// an adopted function: the role is new, and inside the names the stack's
// CI roles may manage.
func (p *FunctionProps) RoleName(n core.Names) string { return n.Resource(p.Name) }

// functionNamePattern is what Lambda accepts as a function name (its
// CreateFunction API: letters, digits, hyphens, underscores).
var functionNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// ValidateFunctionName checks an existing function's name against Lambda's
// rules, naming field.
func ValidateFunctionName(field, name string) error {
	if !functionNamePattern.MatchString(name) {
		return core.Errorf(field, "give the existing function's name exactly as Lambda shows it (letters, digits, - and _), not its ARN",
			"%q is not a Lambda function name", name)
	}
	return core.CheckLength(field, "Lambda function", name, core.MaxLambdaFunctionName)
}

// Function is a Lambda function with its log group and execution role.
type Function struct {
	constructs.Construct
	Resource lambdafunction.LambdaFunction
	Role     *iam.Role
	LogGroup *logs.LogGroup
	name     string
	timeout  int
	arn      *string // read once: each read is a jsii round trip
}

// NewFunction creates the function. Props must have passed Validate.
func NewFunction(scope constructs.Construct, id string, props *FunctionProps) *Function {
	st := stack.Of(scope)
	n, platform := st.Names, st.Platform
	if err := props.Validate(n); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := props.DeployedName(n)

	logGroup := logs.NewLogGroup(c, "Logs", &logs.LogGroupProps{
		Name:          "/aws/lambda/" + name,
		RetentionDays: props.LogRetentionDays,
	})
	role := iam.NewRole(c, "Role", &iam.RoleProps{
		Name:        props.RoleName(n),
		Description: fmt.Sprintf("Execution role of Lambda %s", name),
		Trust:       []iam.Statement{iam.ServicePrincipal("lambda.amazonaws.com", platform.AccountID)},
	})
	logGroup.GrantWrite(role, "WriteOwnLogs")
	ssm.GrantReadAll(role, platform, n)

	env := map[string]*string{}
	for k, v := range props.knownEnvironment(n) {
		env[k] = jsii.String(v)
	}
	// String parameters' values are read at deploy time.
	for k, v := range ssm.EnvironmentFor(c, n, props.Parameters) {
		env[k] = v
	}

	asset := cdktf.NewTerraformAsset(c, jsii.String("Code"), &cdktf.TerraformAssetConfig{
		Path:      jsii.String(props.Code.ZipPath),
		Type:      cdktf.AssetType_FILE,
		AssetHash: jsii.String(assetHash(props.Code.SourceCodeHash)),
	})
	cfg := &lambdafunction.LambdaFunctionConfig{
		FunctionName:   jsii.String(name),
		Role:           role.Arn(),
		Runtime:        jsii.String(Runtime),
		Handler:        jsii.String("index.handler"),
		Filename:       asset.Path(),
		SourceCodeHash: jsii.String(props.Code.SourceCodeHash),
		MemorySize:     jsii.Number(float64(props.MemoryMB)),
		Timeout:        jsii.Number(float64(props.TimeoutSeconds)),
		Environment:    &lambdafunction.LambdaFunctionEnvironment{Variables: &env},
		// The group exists before the function, so Lambda never creates an
		// unmanaged one without retention.
		DependsOn: &[]cdktf.ITerraformDependable{logGroup.Resource},
	}
	if props.Description != "" {
		cfg.Description = jsii.String(props.Description)
	}
	fn := lambdafunction.NewLambdaFunction(c, jsii.String("Resource"), cfg)
	return &Function{Construct: c, Resource: fn, Role: role, LogGroup: logGroup, name: name, timeout: props.TimeoutSeconds}
}

// FunctionName is the deployed name.
func (f *Function) FunctionName() string { return f.name }

// TimeoutSeconds is the function's timeout.
func (f *Function) TimeoutSeconds() int { return f.timeout }

// Arn is the function's ARN.
func (f *Function) Arn() *string {
	if f.arn == nil {
		f.arn = f.Resource.Arn()
	}
	return f.arn
}

// GrantInvoke lets grantee invoke this function and nothing else.
// Actions: lambda:InvokeFunction on the function's ARN.
func (f *Function) GrantInvoke(grantee iam.Grantable) {
	grantee.AddToPolicy(iam.Allow("Invoke"+sidSafe(f.name), []string{"lambda:InvokeFunction"}, *f.Arn()))
}

// assetHash shortens the content hash into a path segment; cdktf places the
// zip under assets/<id>/<hash>/.
func assetHash(sourceCodeHash string) string {
	h := []byte(sourceCodeHash)
	out := make([]byte, 0, len(h))
	for _, c := range h {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			out = append(out, c)
		}
	}
	if len(out) > 32 {
		out = out[:32]
	}
	return string(out)
}

// sidSafe makes a statement ID from a name: IAM Sids are alphanumeric.
func sidSafe(s string) string {
	out := make([]byte, 0, len(s))
	upper := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			upper = true
		case upper && c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
			upper = false
		default:
			out = append(out, c)
			upper = false
		}
	}
	return string(out)
}
