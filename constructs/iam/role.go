package iam

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicyattachment"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Grantable is anything statements can be granted to. Constructs that grant
// access (functions, parameters, secrets, repositories) take this rather than
// a role ARN.
type Grantable interface {
	AddToPolicy(statements ...Statement)
}

// RoleProps configure a Role.
type RoleProps struct {
	// Name is the role name, at most 64 characters; it must embed the project
	// and environment (see core.Names).
	Name string
	// Description is shown in the IAM console. Defaults to empty.
	Description string
	// Trust is the assume-role statement, e.g. ServicePrincipal(...).
	Trust []Statement
	// ManagedPolicyARNs are AWS managed policies to attach. Defaults to none;
	// prefer granted statements, which are scoped to exact resources.
	ManagedPolicyARNs []string
}

func (p *RoleProps) validate() error {
	if err := core.CheckLength("role name", "IAM role", p.Name, core.MaxIAMRoleName); err != nil {
		return err
	}
	if len(p.Trust) == 0 {
		return core.Errorf("role "+p.Name, "give the role a trust statement such as iam.ServicePrincipal", "has no trust policy")
	}
	return nil
}

// Role is an IAM role whose inline policy is exactly the statements granted
// to it. The policy is rendered at synth time, so grants made after the role
// is created are included.
type Role struct {
	constructs.Construct
	Resource   iamrole.IamRole
	name       string
	statements []Statement
	policy     iamrolepolicy.IamRolePolicy // nil until the first grant
}

// NewRole creates the role. Its inline policy resource exists only if
// something is granted to it.
func NewRole(scope constructs.Construct, id string, props *RoleProps) *Role {
	if err := props.validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	r := &Role{Construct: c, name: props.Name}
	cfg := &iamrole.IamRoleConfig{
		Name:             jsii.String(props.Name),
		AssumeRolePolicy: jsii.String(NewPolicyDocument(props.Trust...).JSON()),
	}
	if props.Description != "" {
		cfg.Description = jsii.String(props.Description)
	}
	r.Resource = iamrole.NewIamRole(c, jsii.String("Resource"), cfg)
	for i, arn := range props.ManagedPolicyARNs {
		iamrolepolicyattachment.NewIamRolePolicyAttachment(c, jsii.String(fmt.Sprintf("Managed%d", i)), &iamrolepolicyattachment.IamRolePolicyAttachmentConfig{
			Role:      r.Resource.Name(),
			PolicyArn: jsii.String(arn),
		})
	}
	return r
}

// Name is the role's name as known at synth time.
func (r *Role) Name() string { return r.name }

// Arn is the role's ARN (a Terraform reference).
func (r *Role) Arn() *string { return r.Resource.Arn() }

// Statements returns the statements granted so far, in policy order.
func (r *Role) Statements() []Statement { return ordered(r.statements) }

// AddToPolicy grants statements to the role. The first grant creates the
// role's inline policy resource; later ones rewrite its document.
//
// The document is set as a plain string rather than a cdktf.Lazy value: a
// Lazy costs three jsii round trips per role (the producer object, the
// static call, a callback during synth), a rewrite one, and most roles are
// granted once or twice (docs/performance.md).
func (r *Role) AddToPolicy(statements ...Statement) {
	if len(statements) == 0 {
		return
	}
	r.statements = append(r.statements, statements...)
	doc := jsii.String(NewPolicyDocument(r.Statements()...).JSON())
	if r.policy == nil {
		r.policy = iamrolepolicy.NewIamRolePolicy(r.Construct, jsii.String("Policy"), &iamrolepolicy.IamRolePolicyConfig{
			Name:   jsii.String(r.name),
			Role:   r.Resource.Name(),
			Policy: doc,
		})
		return
	}
	r.policy.SetPolicy(doc)
}
