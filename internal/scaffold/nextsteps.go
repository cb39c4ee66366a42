package scaffold

import (
	"fmt"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/secrets"
)

// nextSteps is what the user does after `make new`, with the exact commands.
func nextSteps(o Options) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	region := core.Talkwise.Region
	switch o.Pattern {
	case Lambda:
		p("Created the scheduled-Lambda project %s (stacks %s-dev and %s-production).", o.Name, o.Name, o.Name)
		p("")
		p("Next steps:")
		p("1. Create the SSM parameters the task reads, for each environment. api-url is")
		p("   read at deploy time, so it must exist before `make plan`:")
		for _, env := range core.Environments {
			p(`     aws ssm put-parameter --name "/%s/%s/api-url" --value "https://..." --type String --region %s`, o.Name, env, region)
			p(`     aws ssm put-parameter --name "/%s/%s/api-key" --value "..." --type SecureString --region %s`, o.Name, env, region)
		}
		p("2. Write the task in lambdas/%s/%s/src/index.ts (its test: src/index.test.ts;", o.Name, o.Task)
		p("   `make test` runs both) and set its schedule in projects/%s/schedules.yaml.", o.Name)
		p("   Other parameters: add them to Parameters in projects/%s/project.go.", o.Name)
		p("3. Deploy dev from your machine once (this also creates the roles CI assumes:")
		p("   %s-dev-github-plan on pull requests, %s-dev-github-actions on main):", o.Name, o.Name)
		p("     cd projects/%s && make deploy e=dev", o.Name)
		p("4. Commit and open a pull request: CI plans every stack; merging applies dev,")
		p("   then production after approval in the protected `production` environment")
		p("   (deploy production once by hand first: make deploy e=production).")
	case ECS:
		p("Created the ECS service project %s (stacks %s-dev and %s-production).", o.Name, o.Name, o.Name)
		p("Files for the service repository %s are in %s/ (see its README.md).", o.ServiceRepo, o.ServiceDir)
		p("")
		p("Next steps:")
		p("1. Deploy the dev infrastructure (VPC, load balancer, ECR repository, cluster,")
		p("   CodeDeploy, the deploy role %s-dev-github-actions, and the secret", o.Name)
		p("   %s created without a value):", secrets.Name(core.Names{Project: o.Name, Environment: core.Dev}, ecsSecret))
		p("     cd projects/%s && make deploy e=dev", o.Name)
		p("2. Set each secret's value; the tasks cannot start without it:")
		for _, env := range core.Environments {
			p(`     aws secretsmanager put-secret-value --secret-id "%s" --secret-string "..." --region %s`,
				secrets.Name(core.Names{Project: o.Name, Environment: env}, ecsSecret), region)
		}
		p("   More secrets: add their keys to Secrets in projects/%s/project.go.", o.Name)
		p("3. Copy %s/ to the root of %s (Dockerfile, .dockerignore,", o.ServiceDir, o.ServiceRepo)
		p("   .github/workflows/deploy*.yml, scripts/release.sh) and create its GitHub")
		p("   environments dev and production, with required reviewers on production.")
		p("4. Push to main in %s: the workflow pushes %s-dev-api:<commit SHA>,", o.ServiceRepo, o.Name)
		p("   deploys it blue/green to dev, then to production after approval. Until this")
		p("   first release the tasks have no image to run (ECS reports CannotPullContainerError);")
		p("   by hand instead: make release p=%s e=dev image=<commit SHA> src=<the service's checkout>", o.Name)
		p("5. For production, set Domain in projects/%s/project.go (HTTPS with a certificate", o.Name)
		p("   the stack requests and validates in your Route 53 hosted zone), then")
		p("     cd projects/%s && make deploy e=production", o.Name)
		p("   Infrastructure changes of this project are applied with make deploy: its role")
		p("   %s-<env>-github-actions is the service repository's deploy role, so the", o.Name)
		p("   infrastructure workflow lists these stacks as not deployed by CI.")
	}
	return b.String()
}

// ecsSecret is the secret the ECS template declares (projects/<name>/project.go).
const ecsSecret = "api-key"
