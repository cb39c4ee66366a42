package alb

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Security Hub ELB.4 (drop invalid headers) and ELB.12 (desync mitigation in
// defensive or strictest mode) hold in every environment; ELB.6 (deletion
// protection) is what the environment asks for.
func TestLoadBalancerSecurityHubSettings(t *testing.T) {
	for _, env := range core.Environments {
		st := synthALB(t, env, LoadBalancerProps{DeletionProtection: env.IsProduction()})
		st.One(t, "aws_lb").Expect(t, map[string]any{
			"drop_invalid_header_fields": true,
			"desync_mitigation_mode":     "defensive",
			"enable_deletion_protection": env.IsProduction(),
		})
	}
}
