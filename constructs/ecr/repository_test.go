package ecr

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

func TestRepositoryOptions(t *testing.T) {
	p := &RepositoryProps{ImmutableTags: true, KeepTaggedImages: -1}
	err := p.validate(core.Names{Project: "p", Environment: core.Dev})
	if err == nil || !strings.Contains(err.Error(), "ecr.KeepTaggedImages: -1 images; keep at least 1 image to roll back to") {
		t.Errorf("error = %v", err)
	}
}
