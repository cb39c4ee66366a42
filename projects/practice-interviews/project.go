// Package practiceinterviews processes Customer.io trial events on a schedule.
package practiceinterviews

import (
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
	}},
})
