// Package agentfactory is the agent-factory API: a container on ECS Fargate
// behind a load balancer, deployed blue/green from GitHub Actions, reading
// its Anthropic and GitHub credentials from Secrets Manager.
package agentfactory

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
)

// Settings are agent-factory's settings. Unlisted settings take the
// pattern's defaults (README, "Pattern: ECS Fargate service"): 512 CPU /
// 1024 MB, port 3000, /health, blue/green; dev with one NAT gateway, one
// task and no WAF; production with a NAT gateway per AZ, 1-4 tasks, WAF and
// deletion protection.
var Settings = ecsservice.Settings{
	GitHubRepository: "FractalLabsDev/agent-factory",
	Secrets:          []string{"anthropic-api-key", "github-access-token"},
	Environments: map[core.Environment]ecsservice.EnvironmentSettings{
		core.Production: {
			// No domain is recorded for agent-factory yet. To serve HTTPS on
			// 443 (80 redirecting to it), set the name and its Route 53
			// hosted zone and remove this line; the stack then requests the
			// certificate, validates it by DNS and points the name at the
			// load balancer:
			//   Domain: &ecsservice.Domain{Name: "agents.example.com",
			//     Zone: route53.HostedZone{ID: "Z0123456789ABCDEFGHIJ", Name: "example.com"}},
			AllowHTTPWithoutCertificate: true,
		},
	},
}

// Project is agent-factory in dev and production.
var Project = ecsservice.Project("agent-factory", Settings)
