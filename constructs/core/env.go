// Package core holds the vocabulary every construct shares: environments, the
// platform's fixed settings, naming rules and configuration errors.
package core

import (
	"fmt"
	"strings"
)

// Environment is one deployment stage. Both share one AWS account, which is why
// every account-wide name embeds the project and the environment.
type Environment string

const (
	Dev        Environment = "dev"
	Production Environment = "production"
)

// Environments lists every environment in synthesis order.
var Environments = []Environment{Dev, Production}

// ParseEnvironment accepts exactly the environment names above.
func ParseEnvironment(s string) (Environment, error) {
	for _, e := range Environments {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("unknown environment %q: use one of %s", s, EnvironmentList())
}

// EnvironmentList renders the valid environments for error messages.
func EnvironmentList() string {
	names := make([]string, len(Environments))
	for i, e := range Environments {
		names[i] = string(e)
	}
	return strings.Join(names, ", ")
}

// IsProduction reports whether the environment gets production's safe defaults
// (deletion protection, longer log retention, no testing-only schedules).
func (e Environment) IsProduction() bool { return e == Production }

// DefaultLogRetentionDays is the CloudWatch Logs retention used when a construct
// is not given one: a month in dev, three months in production for audits.
func (e Environment) DefaultLogRetentionDays() int {
	if e.IsProduction() {
		return 90
	}
	return 30
}

// CheckEnvironment refuses a settings key that is not an environment,
// naming the setting, so a typo such as "prod" is never silently ignored.
func CheckEnvironment(field string, env Environment) error {
	if _, err := ParseEnvironment(string(env)); err != nil {
		return Errorf(field, "use one of "+EnvironmentList(), "unknown environment %q", env)
	}
	return nil
}
