package tfcheck

import (
	"sort"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/awsstub"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// FreshAccount is the account a stack is planned against: p's account as
// it stands before any stack is applied, once the steps the README asks for
// by hand are done.
//
//   - The platform's state bucket, lock table and GitHub OIDC provider exist,
//     created by hand as the HCL repository's bootstrap made them (the
//     platform stack imports them): a versioned bucket with default AES256
//     encryption (what S3 applies to every bucket), a table keyed on LockID
//     with on-demand billing and nothing else turned on, and GitHub's
//     provider with the audience and thumbprints GitHub documents. None has
//     tags. Where the stack asks for more (point-in-time recovery, deletion
//     protection, tags), the plan shows an in-place update of the import.
//   - Every SSM String parameter the stack reads exists: their values are
//     set out of band before a first deploy (README, scheduled Lambda).
//     Only those: a read of any other parameter is an unexpected call.
func FreshAccount(p core.Platform, doc tfjson.Doc) awsstub.Account {
	acct := awsstub.Account{
		ID:         p.AccountID,
		Region:     p.Region,
		Parameters: map[string]string{},
		Buckets:    []awsstub.Bucket{{Name: p.StateBucket, Versioning: "Enabled", SSEAlgorithm: "AES256"}},
		Tables:     []awsstub.Table{{Name: p.LockTable, HashKey: "LockID", BillingMode: "PAY_PER_REQUEST"}},
		OIDCProviders: []awsstub.OIDCProvider{{
			URL:         "token.actions.githubusercontent.com",
			ClientIDs:   []string{"sts.amazonaws.com"},
			Thumbprints: []string{"6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"},
		}},
	}
	var names []string
	for _, b := range doc.DataSources("aws_ssm_parameter") {
		if name := tfjson.Str(b.Fields, "name"); name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		acct.Parameters[n] = "https://offline-plan.invalid" + n
	}
	return acct
}
