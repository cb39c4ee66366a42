// Package projectx is the template a new scheduled-Lambda project starts from.
package projectx

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/scheduledlambda"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
)

// Project is project-x in dev and production.
var Project = scheduledlambda.Project("project-x", scheduledlambda.Settings{
	Functions: []scheduledlambda.Function{{
		Name:           "project-x-task",
		Description:    "Template task: calls the project's API on a schedule",
		TimeoutSeconds: 30,
		// api-key is a SecureString: the handler receives its name in
		// API_KEY_PARAMETER and reads the value at run time.
		Parameters: []ssm.Parameter{{Key: "api-url"}, {Key: "api-key", Kind: ssm.SecureString}},
	}},
})
