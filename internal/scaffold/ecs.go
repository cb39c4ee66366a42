package scaffold

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/alb"
	"github.com/fractallabsdev/talkwise-infra/constructs/codedeploy"
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// ecsDerivedNames are the ECS pattern's length-limited names in one
// environment, from the same functions the pattern names them with. The
// target groups (<project>-<env>-green, 32 characters) are the tightest:
// they cap an ECS project's name at 15 characters.
func ecsDerivedNames(n core.Names) []DerivedName {
	return []DerivedName{
		{"load balancer", alb.LoadBalancerName(n), core.MaxLoadBalancerName},
		{"target group", alb.TargetGroupName(n, "blue"), core.MaxTargetGroupName},
		{"target group", alb.TargetGroupName(n, "green"), core.MaxTargetGroupName},
		{"IAM role (CodeDeploy)", codedeploy.ServiceRoleName(n), core.MaxIAMRoleName},
		{"IAM role (task execution)", n.Resource("api-execution"), core.MaxIAMRoleName},
	}
}
