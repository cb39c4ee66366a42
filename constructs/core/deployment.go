package core

import "fmt"

// Deployment is how a service rolls out a new version. It decides together
// what the load balancer, the ECS service and CodeDeploy must do, so it is
// one setting rather than a flag on each.
type Deployment string

const (
	// Rolling: ECS replaces tasks behind one target group, and its circuit
	// breaker rolls back a deployment whose tasks fail.
	Rolling Deployment = "rolling"
	// BlueGreen: CodeDeploy starts the new tasks behind a second (green)
	// target group, moves the listener to it and keeps the old (blue) tasks
	// until the wait ends, rolling back on failure. Terraform then leaves
	// alone what CodeDeploy changes: the listener's target, the service's
	// task definition and load balancer.
	BlueGreen Deployment = "blue-green"
)

// Deployments lists the valid deployments.
var Deployments = []Deployment{Rolling, BlueGreen}

// OrDefault is d, or def when d is unset.
func (d Deployment) OrDefault(def Deployment) Deployment {
	if d == "" {
		return def
	}
	return d
}

// Validate refuses an unknown deployment, naming the setting.
func (d Deployment) Validate(field string) error {
	for _, v := range Deployments {
		if d == v {
			return nil
		}
	}
	return Errorf(field, fmt.Sprintf("use core.Rolling or core.BlueGreen (%q or %q)", Rolling, BlueGreen), "unknown deployment %q", d)
}
