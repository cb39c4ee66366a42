// Package secrets declares a service's Secrets Manager secrets,
// "{project}/{env}/{key}", without values: values are set out of band
// (`aws secretsmanager put-secret-value`), so no secret ever appears in the
// synthesized JSON, the plan or the state.
package secrets

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// DefaultRecoveryWindowDays is how long a deleted secret can be restored:
// 7 days in dev (a destroyed stack can be recreated a week later under the
// same names), 30 in production (Secrets Manager's own default, the most time
// to notice an accidental delete).
func DefaultRecoveryWindowDays(env core.Environment) int {
	if env.IsProduction() {
		return 30
	}
	return 7
}

// SecretProps configure a Secret.
type SecretProps struct {
	// Key is the last part of the name, e.g. "anthropic-api-key".
	Key string
	// Description defaults to naming the key and the stack.
	Description string
	// RecoveryWindowDays: 7-30. Defaults to DefaultRecoveryWindowDays.
	RecoveryWindowDays int
}

func (p *SecretProps) validate(n core.Names) error {
	if p.RecoveryWindowDays == 0 {
		p.RecoveryWindowDays = DefaultRecoveryWindowDays(n.Environment)
	}
	if p.Description == "" {
		p.Description = fmt.Sprintf("%s of %s (value set out of band)", p.Key, n.Prefix())
	}
	var errs []error
	if err := core.ValidateResourceName("secrets.Key", p.Key); err != nil {
		errs = append(errs, err)
	}
	if p.RecoveryWindowDays < 7 || p.RecoveryWindowDays > 30 {
		errs = append(errs, core.Errorf("secrets."+p.Key+".RecoveryWindowDays", "use 7-30 days", "%d days is outside Secrets Manager's range", p.RecoveryWindowDays))
	}
	return core.Join(errs...)
}

// Name is "{project}/{env}/{key}".
func Name(n core.Names, key string) string {
	return fmt.Sprintf("%s/%s/%s", n.Project, n.Environment, key)
}

// EnvVarName is the variable a secret is injected as: anthropic-api-key ->
// ANTHROPIC_API_KEY.
func EnvVarName(key string) string { return strings.ToUpper(strings.ReplaceAll(key, "-", "_")) }

// Secret is a Secrets Manager secret with no value managed here.
type Secret struct {
	constructs.Construct
	Resource secretsmanagersecret.SecretsmanagerSecret
	key      string
	name     string
}

// NewSecret declares the secret (no aws_secretsmanager_secret_version).
func NewSecret(scope constructs.Construct, id string, props *SecretProps) *Secret {
	n := stack.Of(scope).Names
	if err := props.validate(n); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := Name(n, props.Key)
	s := secretsmanagersecret.NewSecretsmanagerSecret(c, jsii.String("Resource"), &secretsmanagersecret.SecretsmanagerSecretConfig{
		Name:                 jsii.String(name),
		Description:          jsii.String(props.Description),
		RecoveryWindowInDays: jsii.Number(float64(props.RecoveryWindowDays)),
	})
	return &Secret{Construct: c, Resource: s, key: props.Key, name: name}
}

// Key is the secret's short key.
func (s *Secret) Key() string { return s.key }

// Name is the secret's full name.
func (s *Secret) Name() string { return s.name }

// Arn is the secret's exact ARN (with Secrets Manager's random suffix).
func (s *Secret) Arn() *string { return s.Resource.Arn() }

// GrantRead lets grantee read this secret's value and nothing else.
// Actions: secretsmanager:GetSecretValue on the secret's ARN. The secret is
// encrypted with the account's aws/secretsmanager key, whose use through
// Secrets Manager needs no extra grant.
func (s *Secret) GrantRead(grantee iam.Grantable, sidPrefix string) {
	grantee.AddToPolicy(iam.Allow(sidPrefix+sid(s.key), []string{"secretsmanager:GetSecretValue"}, *s.Arn()))
}

// sid turns a key into an alphanumeric statement ID part.
func sid(key string) string {
	var b strings.Builder
	for _, w := range strings.Split(key, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
