// Package rukscheduler triggers the message hub's scheduled sends.
package rukscheduler

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
)

// Project is ruk-scheduler in dev and production.
var Project = scheduledlambda.Project("ruk-scheduler", scheduledlambda.Settings{
	Functions: []scheduledlambda.Function{{
		Name:           "message-hub-dispatch",
		Description:    "Asks the message hub to dispatch messages that are due",
		TimeoutSeconds: 30,
		Parameters:     []ssm.Parameter{{Key: "message-hub-url"}},
	}},
})
