// Package practiceinterviews processes Customer.io trial events on a schedule.
package practiceinterviews

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
)

// Project is practice-interviews in dev and production.
var Project = scheduledlambda.Project("practice-interviews", scheduledlambda.Settings{
	Functions: []scheduledlambda.Function{{
		Name:           "pi-customerio-trial-ended-lambda",
		Description:    "Processes Customer.io trial-ended events for practice interviews",
		TimeoutSeconds: 60,
		Parameters:     []ssm.Parameter{{Key: "backend-url"}},
		// The live function of the HCL deployment (the spec's
		// "pi-customerio-trial-ended-lambda") handles real customers' trial
		// events, so it is production's: production adopts it under its
		// name, and migrating moves it instead of replacing it. A name
		// without the environment can exist once in the account, so dev
		// deploys practice-interviews-dev-pi-customerio-trial-ended-lambda.
		ExistingNames: map[core.Environment]string{core.Production: "pi-customerio-trial-ended-lambda"},
	}},
})
