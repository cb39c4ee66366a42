package lambda

import (
	"fmt"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// functionsARN matches every function a stack may create: "<project>-<env>-*".
// A pattern rather than each function's ARN, so that CI can apply a change
// that adds a function without first widening its own policy.
func functionsARN(n core.Names, p core.Platform) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s-*", p.Region, p.AccountID, n.Prefix())
}

// GrantApply lets grantee create, change and delete the Lambda functions
// of the stack named n, as `terraform apply` does.
//
// Actions on "<project>-<env>-*" functions: lambda:CreateFunction,
// DeleteFunction, GetFunction, GetFunctionConfiguration,
// GetFunctionCodeSigningConfig, GetFunctionConcurrency,
// GetFunctionRecursionConfig, GetRuntimeManagementConfig,
// ListVersionsByFunction, ListTags, TagResource, UntagResource,
// UpdateFunctionCode, UpdateFunctionConfiguration.
func GrantApply(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(iam.Allow("Functions", []string{
		"lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
		"lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetFunctionRecursionConfig",
		"lambda:GetRuntimeManagementConfig", "lambda:ListVersionsByFunction", "lambda:ListTags",
		"lambda:TagResource", "lambda:UntagResource", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
	}, functionsARN(n, p)))
}

// GrantPlan lets grantee read what refreshing the stack's functions reads
// (`terraform plan`): the Get* and List* actions of GrantApply.
func GrantPlan(grantee iam.Grantable, n core.Names, p core.Platform) {
	grantee.AddToPolicy(iam.Allow("ReadFunctions", []string{
		"lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
		"lambda:GetFunctionConcurrency", "lambda:GetFunctionRecursionConfig", "lambda:GetRuntimeManagementConfig",
		"lambda:ListVersionsByFunction", "lambda:ListTags",
	}, functionsARN(n, p)))
}
