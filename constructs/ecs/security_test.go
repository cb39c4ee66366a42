package ecs

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// Security Hub ECS.5: containers run with a read-only root filesystem unless
// a project opts out, and get a writable /tmp on the task's ephemeral storage.
func TestReadOnlyRootFilesystem(t *testing.T) {
	for _, tc := range []struct {
		name     string
		writable bool
	}{{"default", false}, {"opted out", true}} {
		t.Run(tc.name, func(t *testing.T) {
			st := Synth(t, core.Dev, build(func(p *FargateServiceProps) { p.WritableRootFilesystem = tc.writable }))
			td := st.One(t, "aws_ecs_task_definition")
			container := Resource{Type: "container", Fields: td.JSON(t, "container_definitions").([]any)[0].(map[string]any)}
			if tc.writable {
				container.Expect(t, map[string]any{"readonlyRootFilesystem": false, "mountPoints": nil})
				td.Expect(t, map[string]any{"volume": nil})
				return
			}
			container.Expect(t, map[string]any{
				"readonlyRootFilesystem": true,
				"mountPoints":            []any{map[string]any{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false}},
			})
			// No host path: on Fargate that is a bind mount on ephemeral storage.
			td.Expect(t, map[string]any{"volume": []any{map[string]any{"name": "tmp"}}})
		})
	}
}
