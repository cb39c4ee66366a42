package githuboidc

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Thumbprints are the SHA-1 thumbprints of the two intermediate
// CAs GitHub's issuer may present (GitHub changelog 2023-06-27, "GitHub
// Actions: update on OIDC integration with AWS"). IAM no longer checks them
// for this issuer (it trusts its own CA library), but the API still stores a
// list and older tooling compares it, so both are given.
var Thumbprints = []string{
	"6938fd4d98bab03faadb97b34396831e3780aea1",
	"1c58a3a8518e8759bf075b76b750d4f2df264fcd",
}

// ProviderProps configure the provider.
type ProviderProps struct {
	// AccountID is the account the provider lives in; its ARN, the import
	// ID, is built from it. Required.
	AccountID string
	// Adopt imports the existing provider instead of creating it. Defaults to
	// false (create).
	Adopt bool
}

// Provider is the account's IAM identity provider for GitHub Actions. IAM
// allows one provider per URL per account, so only the platform stack
// (constructs/patterns/platform) creates it; project stacks refer to it by
// ProviderARN.
type Provider struct {
	constructs.Construct
	Resource iamopenidconnectprovider.IamOpenidConnectProvider
}

// ProviderARN is the provider's ARN in account, its import ID.
func ProviderARN(accountID string) string {
	return "arn:aws:iam::" + accountID + ":oidc-provider/" + TokenHost
}

// NewProvider creates the provider, protected from destruction.
func NewProvider(scope constructs.Construct, id string, props *ProviderProps) *Provider {
	if props.AccountID == "" {
		panic(core.Errorf("ProviderProps.AccountID", "set the account ID (core.Platform.AccountID)", "is empty"))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	g := &Provider{Construct: c}
	g.Resource = iamopenidconnectprovider.NewIamOpenidConnectProvider(c, jsii.String("Resource"), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
		Url:            jsii.String(ProviderURL),
		ClientIdList:   jsii.Strings(Audience),
		ThumbprintList: jsii.Strings(Thumbprints...),
		Lifecycle:      &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(true)},
	})
	if props.Adopt {
		g.Resource.ImportFrom(jsii.String(ProviderARN(props.AccountID)), nil)
	}
	return g
}
