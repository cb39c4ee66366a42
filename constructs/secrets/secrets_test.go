package secrets

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

func TestSecretNaming(t *testing.T) {
	if got := EnvVarName("anthropic-api-key"); got != "ANTHROPIC_API_KEY" {
		t.Errorf("EnvVarName = %s", got)
	}
	p := &SecretProps{Key: "Bad_Key"}
	if err := p.validate(core.Names{Project: "p", Environment: core.Dev}); err == nil || !strings.Contains(err.Error(), `secrets.Key: "Bad_Key" is not a valid name`) {
		t.Errorf("error = %v", err)
	}
	p = &SecretProps{Key: "k", RecoveryWindowDays: 3}
	if err := p.validate(core.Names{Project: "p", Environment: core.Dev}); err == nil || !strings.Contains(err.Error(), "secrets.k.RecoveryWindowDays: 3 days is outside Secrets Manager's range; use 7-30 days") {
		t.Errorf("error = %v", err)
	}
}
