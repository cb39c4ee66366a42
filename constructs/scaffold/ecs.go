package scaffold

import "github.com/fractallabsdev/talkwise-infra/constructs/core"

// ecsDerivedNames are the ECS pattern's account-wide names in one environment.
func ecsDerivedNames(n core.Names) []DerivedName {
	return nil
}
