package scaffold

import (
	"fmt"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
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
		p("3. Deploy dev from your machine once (this also creates the role CI assumes,")
		p("   %s-dev-github-actions):", o.Name)
		p("     cd projects/%s && make deploy e=dev", o.Name)
		p("4. Commit and open a pull request: CI plans every stack; merging applies dev,")
		p("   then production after approval in the protected `production` environment")
		p("   (deploy production once by hand first: make deploy e=production).")
	}
	return b.String()
}
