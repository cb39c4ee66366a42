// Package agentfactory is the agent-factory API: a container on ECS Fargate
// behind a load balancer, deployed blue/green from GitHub Actions, reading
// its Anthropic and GitHub credentials from Secrets Manager.
package agentfactory

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
)

// Project is agent-factory in dev and production. Unlisted settings take the
// pattern's defaults (README, "Pattern: ECS Fargate service"): 512 CPU /
// 1024 MB, port 3000, /health, blue/green; dev with one NAT gateway, one
// task and no WAF; production with a NAT gateway per AZ, 1-4 tasks, WAF and
// deletion protection.
var Project = ecsservice.Project("agent-factory", ecsservice.Settings{
	GitHubRepository: "FractalLabsDev/agent-factory",
	Secrets:          []string{"anthropic-api-key", "github-access-token"},
	Environments: map[core.Environment]ecsservice.EnvironmentSettings{
		core.Production: {
			// No domain or ACM certificate is recorded for agent-factory yet.
			// Set CertificateARN (us-east-2) and remove this line to serve
			// HTTPS on 443 with 80 redirecting to it.
			AllowHTTPWithoutCertificate: true,
		},
	},
})
