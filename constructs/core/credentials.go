package core

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// credentialFormat is one recognised credential format: a value matching it
// is refused wherever it would land in the Terraform JSON, the plan, the
// state and the deployed configuration, whatever its name.
type credentialFormat struct {
	kind string
	re   *regexp.Regexp
}

// credentialFormats are the formats the issuers document, so a match is a
// credential rather than a guess from entropy. Each cites where the format
// is defined.
var credentialFormats = []credentialFormat{
	// IAM User Guide, "Unique identifier prefixes": AKIA (access key), ASIA
	// (temporary STS key), ABIA (STS bearer token), ACCA (context-specific
	// credential); 20 characters of base32.
	{"an AWS access key id", regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`)},
	// GitHub Docs, "About authentication to GitHub", GitHub's token formats:
	// ghp_ (classic personal), gho_ (OAuth), ghu_ (user-to-server), ghs_
	// (server-to-server), ghr_ (refresh), github_pat_ (fine-grained).
	{"a GitHub token", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b`)},
	// Slack API docs, "Token types": xoxb- (bot), xoxp- (user), xoxa-/xoxr-
	// (rotating), xoxe- (refresh), xapp- (app-level); and incoming webhooks
	// https://hooks.slack.com/services/T.../B.../...
	{"a Slack token", regexp.MustCompile(`\b(?:xox[abeoprs]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})`)},
	{"a Slack webhook URL", regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9_/-]{20,}`)},
	// Stripe docs, "API keys": sk_live_/sk_test_ secret keys, rk_ restricted
	// keys. OpenAI's and Anthropic's API keys (sk-..., sk-proj-...,
	// sk-ant-...) use the same "sk" prefix with a hyphen.
	{"a Stripe-style secret key (sk_/rk_)", regexp.MustCompile(`\b[rs]k_(?:live|test)_[A-Za-z0-9]{10,}`)},
	{"an API secret key (sk-...)", regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`)},
	// RFC 7468 textual encodings: PKCS#8, RSA, EC, OpenSSH, DSA and PGP
	// private keys all open with a BEGIN line naming a PRIVATE KEY.
	{"a private key block", regexp.MustCompile(`-----BEGIN[A-Z0-9 ]* PRIVATE KEY(?: BLOCK)?-----`)},
	// RFC 7519: a JWT is base64url(header).base64url(claims).signature, and
	// both JSON objects open with {" ("eyJ" in base64url).
	{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`)},
	// Google Cloud docs, "API keys": AIza followed by 35 characters.
	{"a Google API key", regexp.MustCompile(`\bAIza[A-Za-z0-9_-]{35}\b`)},
	// RFC 3986 userinfo: scheme://user:password@host puts the password in
	// the URL (a database URL, typically). A Terraform reference as the
	// password (${...}) is not a literal secret and does not match.
	{"a password inside a URL", regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@$]+:[^/\s:@${}]+@[^/\s@]+`)},
}

// FindCredential reports whether s contains a value in a recognised
// credential format, and which format. The match is returned redacted (its
// first characters and its length), so messages never repeat a secret.
func FindCredential(s string) (kind, redacted string, found bool) {
	for _, f := range credentialFormats {
		if m := f.re.FindString(s); m != "" {
			return f.kind, Redact(m), true
		}
	}
	return "", "", false
}

// Redact shows the start of a secret and its length, enough to find it in
// the file and never enough to use it.
func Redact(s string) string {
	const shown = 6
	if len(s) <= shown {
		return fmt.Sprintf("%q", strings.Repeat("*", len(s)))
	}
	return fmt.Sprintf("%q (%d characters)", s[:shown]+"...", len(s))
}

// NotSecrets names values that look like credentials but are not, by the
// name they are set under (an environment variable, a schedule input key, a
// tag key, or a field such as "description"), each with the reason. A
// project declares them in its settings; the check then lets the named
// value through and the reason stays beside it for review.
type NotSecrets map[string]string

// Validate refuses an entry without a reason: an allowance nobody can
// explain is a secret waiting to leak.
func (n NotSecrets) Validate(field string) error {
	var errs []error
	names := make([]string, 0, len(n))
	for name := range n {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.TrimSpace(n[name]) == "" {
			errs = append(errs, Errorf(fmt.Sprintf("%s[%q]", field, name), "say why the value is not a secret, e.g. \"a public sample token from the vendor's docs\"", "has no reason"))
		}
	}
	return Join(errs...)
}

// Allows reports whether the value under name was declared not a secret.
func (n NotSecrets) Allows(name string) bool {
	_, ok := n[name]
	return ok
}

// CheckNoCredential returns an error when value, set under name at field,
// holds a recognised credential and name is not in notSecrets. fix says
// where the secret belongs instead (an SSM SecureString, a Secrets Manager
// secret); the message adds how to declare a false positive.
func CheckNoCredential(field, name, value string, notSecrets NotSecrets, fix string) error {
	kind, redacted, found := FindCredential(value)
	if !found || notSecrets.Allows(name) {
		return nil
	}
	return Errorf(field, fmt.Sprintf("%s; if it is not a secret, add NotSecrets: {%q: \"<why>\"} to the project's settings", fix, name),
		"holds what looks like %s (%s): it would be stored in plain text in the Terraform JSON, the plan, the state and the deployed configuration", kind, redacted)
}
