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

// functionARNs are functionsARN plus the exact ARN of each adopted
// function (one whose name is not "<project>-<env>-...", FunctionProps.FunctionName).
func functionARNs(n core.Names, p core.Platform, adopted []string) []string {
	out := []string{functionsARN(n, p)}
	for _, name := range adopted {
		out = append(out, fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", p.Region, p.AccountID, name))
	}
	return out
}

// GrantApply lets grantee create, change and delete the Lambda functions
// of the stack named n, as `terraform apply` does: those named
// "<project>-<env>-*" and the adopted functions named exactly in adopted.
//
// Actions on those functions: lambda:CreateFunction,
// DeleteFunction, GetFunction, GetFunctionConfiguration,
// GetFunctionCodeSigningConfig, GetFunctionConcurrency,
// GetFunctionRecursionConfig, GetRuntimeManagementConfig,
// ListVersionsByFunction, ListTags, TagResource, UntagResource,
// UpdateFunctionCode, UpdateFunctionConfiguration.
func GrantApply(grantee iam.Grantable, n core.Names, p core.Platform, adopted ...string) {
	grantee.AddToPolicy(iam.Allow("Functions", []string{
		"lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
		"lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetFunctionRecursionConfig",
		"lambda:GetRuntimeManagementConfig", "lambda:ListVersionsByFunction", "lambda:ListTags",
		"lambda:TagResource", "lambda:UntagResource", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
	}, functionARNs(n, p, adopted)...))
}

// GrantPlan lets grantee read what refreshing the stack's functions reads
// (`terraform plan`): the Get* and List* actions of GrantApply, on the same
// functions.
func GrantPlan(grantee iam.Grantable, n core.Names, p core.Platform, adopted ...string) {
	grantee.AddToPolicy(iam.Allow("ReadFunctions", []string{
		"lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
		"lambda:GetFunctionConcurrency", "lambda:GetFunctionRecursionConfig", "lambda:GetRuntimeManagementConfig",
		"lambda:ListVersionsByFunction", "lambda:ListTags",
	}, functionARNs(n, p, adopted)...))
}
