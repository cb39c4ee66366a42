package policy

import (
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"regexp"
	"strings"
)

// GitHubOIDCHost is GitHub Actions' OIDC issuer.
const GitHubOIDCHost = "token.actions.githubusercontent.com"

// pinnedSubject is a subject claim pinned to one repository: owner and name
// spelled out, only the part after them (branch, environment) may vary.
var pinnedSubject = regexp.MustCompile(`^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:[^*?]`)

func checkGitHubOIDC(s *Stack) []Violation {
	providers := map[string]bool{} // references to GitHub OIDC providers
	for _, kind := range []string{"resource", "data"} {
		for _, p := range tfjson.Doc(s.Doc).Blocks(kind, "aws_iam_openid_connect_provider") {
			if strings.Contains(tfjson.Str(p.Fields, "url"), GitHubOIDCHost) {
				providers["${"+p.Address()+".arn}"] = true
			}
		}
	}
	var out []Violation
	for _, role := range s.resources("aws_iam_role") {
		stmts, err := parseDocument(tfjson.Str(role.Fields, "assume_role_policy"))
		if err != nil {
			continue // reported by the IAM rule
		}
		for _, st := range stmts {
			if !strings.EqualFold(st.Effect, "Allow") || !isGitHubTrust(st, providers) {
				continue
			}
			fix := `require StringEquals "` + GitHubOIDCHost + `:aud" = "sts.amazonaws.com" and a "` + GitHubOIDCHost +
				`:sub" of "repo:<owner>/<repo>:<ref or environment>" (githuboidc does both)`
			if aud := conditionValues(st, []string{"StringEquals"}, GitHubOIDCHost+":aud"); len(aud) != 1 || aud[0] != "sts.amazonaws.com" {
				out = append(out, s.violation(role, RuleGitHubOIDCTrust, fix,
					"GitHub OIDC trust does not require audience sts.amazonaws.com (found %q)", aud))
			}
			subs := conditionValues(st, []string{"StringEquals", "StringLike"}, GitHubOIDCHost+":sub")
			pinned := len(subs) > 0
			for _, sub := range subs {
				if !pinnedSubject.MatchString(sub) {
					pinned = false
				}
			}
			if !pinned {
				out = append(out, s.violation(role, RuleGitHubOIDCTrust, fix,
					"GitHub OIDC trust does not pin the subject to one repository (found %q): any repository on GitHub could assume the role", subs))
			}
		}
	}
	return out
}

// isGitHubTrust reports whether a statement trusts GitHub's OIDC provider.
func isGitHubTrust(st statement, providers map[string]bool) bool {
	web := false
	for _, a := range st.Actions {
		if a == "sts:AssumeRoleWithWebIdentity" {
			web = true
		}
	}
	if !web {
		return false
	}
	for _, f := range stringList(st.Principal["Federated"]) {
		if providers[f] || strings.Contains(f, GitHubOIDCHost) {
			return true
		}
	}
	for _, kv := range st.Condition {
		for k := range kv {
			if strings.HasPrefix(k, GitHubOIDCHost+":") {
				return true
			}
		}
	}
	return false
}

// conditionValues collects the values of key under the given operators.
func conditionValues(st statement, ops []string, key string) []string {
	var out []string
	for _, op := range ops {
		out = append(out, stringList(st.Condition[op][key])...)
	}
	return out
}
