package core

import (
	"strings"
	"testing"
)

// Values in each issuer's documented format are found wherever they sit in
// a string; ordinary values of the same shape are not.
func TestFindCredential(t *testing.T) {
	found := []struct{ value, kind string }{
		{"AKIAIOSFODNN7EXAMPLE", "AWS access key id"}, // AWS's documented example key id
		{"key=ASIAY34FZKBOKMUTVV7A;", "AWS access key id"},
		{"ghp_" + strings.Repeat("a1B2", 9), "GitHub token"},
		{"token ghs_" + strings.Repeat("Z9", 18), "GitHub token"},
		{"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "GitHub token"},
		{"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "Slack token"},
		{"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "Slack webhook"},
		{"sk_live_" + strings.Repeat("4eC39HqLyjWDarjtT1zdp7dc", 1), "Stripe-style"},
		{"rk_test_51H8abcdefghijklmnop", "Stripe-style"},
		{"sk-proj-" + strings.Repeat("abcDEF123_", 4), "sk-..."},
		{"sk-ant-api03-" + strings.Repeat("x", 40), "sk-..."},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "private key"},
		{"-----BEGIN OPENSSH PRIVATE KEY-----", "private key"},
		{"-----BEGIN PRIVATE KEY-----", "private key"},
		{"-----BEGIN PGP PRIVATE KEY BLOCK-----", "private key"},
		{"Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "JSON Web Token"},
		{"AIzaSyA-" + strings.Repeat("b", 31), "Google API key"},
		{"postgres://app:hunter2@db.internal:5432/app", "password inside a URL"},
	}
	for _, c := range found {
		kind, redacted, ok := FindCredential(c.value)
		if !ok || !strings.Contains(kind, c.kind) {
			t.Errorf("%q: found=%v kind=%q; want %q", c.value, ok, kind, c.kind)
		}
		if ok && strings.Contains(redacted, c.value) {
			t.Errorf("%q: the redacted form %s repeats the secret", c.value, redacted)
		}
	}
	for _, ok := range []string{
		"", "https://api.example.com/v1", "arn:aws:ssm:us-east-2:427479925030:parameter/p/dev/api-key",
		"/project-x/dev/api-key", "--enable-source-maps", "AKIA-not-a-key", "skip-this-task-when-idle",
		"sk_live", "ghp_short", "postgres://db.internal:5432/app", "postgres://app:${var.password}@db/app",
		"-----BEGIN PUBLIC KEY-----", "eyJhbGciOiJIUzI1NiJ9", "ruk-scheduler-dev-message-hub-dispatch",
	} {
		if kind, _, found := FindCredential(ok); found {
			t.Errorf("%q taken for %s", ok, kind)
		}
	}
}

func TestCheckNoCredentialAllowsDeclaredFalsePositives(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	err := CheckNoCredential("Environment.SAMPLE_JWT", "SAMPLE_JWT", jwt, nil, "store it as an ssm.SecureString parameter")
	if err == nil || !strings.Contains(err.Error(), "JSON Web Token") || !strings.Contains(err.Error(), `NotSecrets: {"SAMPLE_JWT"`) {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), jwt) {
		t.Errorf("the message repeats the token: %v", err)
	}
	allowed := NotSecrets{"SAMPLE_JWT": "the vendor's public sample token, used by the handler's self-test"}
	if err := CheckNoCredential("Environment.SAMPLE_JWT", "SAMPLE_JWT", jwt, allowed, ""); err != nil {
		t.Errorf("declared not a secret, still refused: %v", err)
	}
	if err := CheckNoCredential("Environment.OTHER", "OTHER", jwt, allowed, ""); err == nil {
		t.Error("an allowance for one name let another through")
	}
}

func TestNotSecretsNeedAReason(t *testing.T) {
	err := NotSecrets{"A": "sample", "B": "  "}.Validate("NotSecrets")
	if err == nil || !strings.Contains(err.Error(), `NotSecrets["B"]: has no reason`) || strings.Contains(err.Error(), `"A"`) {
		t.Errorf("err = %v", err)
	}
}
