package projects_test

import (
	"os"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

// synthesized is every registered project, synthesized once for the whole
// test binary as `make synth` does: each test binary pays the jsii start-up,
// so every whole-project test lives in this one.
var synthesized = synthtest.Shared{Projects: projects.All}

// all returns every stack by name.
func all(t *testing.T) map[string]*synthtest.Stack { return synthesized.Stacks(t) }

func TestMain(m *testing.M) {
	code := m.Run()
	synthesized.Cleanup()
	os.Exit(code)
}
