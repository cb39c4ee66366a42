package platform

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// GitHub Actions' OIDC issuer and the audience aws-actions/configure-aws-credentials requests.
const (
	GitHubOIDCURL      = "https://token.actions.githubusercontent.com"
	GitHubOIDCAudience = "sts.amazonaws.com"
)

// GitHubOIDCThumbprints are the SHA-1 thumbprints of the two intermediate
// CAs GitHub's issuer may present (GitHub changelog 2023-06-27, "GitHub
// Actions: update on OIDC integration with AWS"). IAM no longer checks them
// for this issuer (it trusts its own CA library), but the API still stores a
// list and older tooling compares it, so both are given.
var GitHubOIDCThumbprints = []string{
	"6938fd4d98bab03faadb97b34396831e3780aea1",
	"1c58a3a8518e8759bf075b76b750d4f2df264fcd",
}

// GitHubOIDCProviderProps configure the provider.
type GitHubOIDCProviderProps struct {
	// AccountID is the account the provider lives in; its ARN, the import
	// ID, is built from it. Required.
	AccountID string
	// Adopt imports the existing provider instead of creating it. Defaults to
	// false (create).
	Adopt bool
}

// GitHubOIDCProvider is the account's IAM identity provider for GitHub
// Actions. IAM allows one provider per URL per account, so only this stack
// creates it; project stacks look it up with the
// aws_iam_openid_connect_provider data source (constructs/githuboidc).
type GitHubOIDCProvider struct {
	constructs.Construct
	Resource iamopenidconnectprovider.IamOpenidConnectProvider
}

// GitHubOIDCProviderARN is the provider's ARN in account, its import ID.
func GitHubOIDCProviderARN(accountID string) string {
	return "arn:aws:iam::" + accountID + ":oidc-provider/token.actions.githubusercontent.com"
}

// NewGitHubOIDCProvider creates the provider.
func NewGitHubOIDCProvider(scope constructs.Construct, id string, props *GitHubOIDCProviderProps) *GitHubOIDCProvider {
	if props.AccountID == "" {
		panic(core.Errorf("GitHubOIDCProviderProps.AccountID", "set the account ID (core.Platform.AccountID)", "is empty"))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	g := &GitHubOIDCProvider{Construct: c}
	g.Resource = iamopenidconnectprovider.NewIamOpenidConnectProvider(c, jsii.String("Resource"), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
		Url:            jsii.String(GitHubOIDCURL),
		ClientIdList:   jsii.Strings(GitHubOIDCAudience),
		ThumbprintList: jsii.Strings(GitHubOIDCThumbprints...),
		Lifecycle:      protect(),
	})
	adopt(g.Resource, props.Adopt, GitHubOIDCProviderARN(props.AccountID))
	return g
}
