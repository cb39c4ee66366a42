package constructs_test

import (
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// stack.Of finds the Stack of any construct inside it, however deep, so
// constructs take names and the platform from the stack they are in.
func TestStackOf(t *testing.T) {
	synthtest.SynthUnchecked(t, core.Production, func(s *stack.Stack) {
		outer := constructs.NewConstruct(s.Scope, jsii.String("Outer"))
		inner := constructs.NewConstruct(outer, jsii.String("Inner"))
		for _, scope := range []constructs.Construct{s.Scope, outer, inner, inner} {
			if got := stack.Of(scope); got != s {
				t.Errorf("stack.Of(%s) = %v; want the stack it is in", *scope.Node().Path(), got)
			}
		}
	})
}

func TestStackOfOutsideAStackPanics(t *testing.T) {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())})
	foreign := cdktf.NewTerraformStack(app, jsii.String("foreign"))
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "not in a stack made by stack.New") {
			t.Errorf("recovered %v; want a panic naming the mistake", r)
		}
	}()
	stack.Of(foreign)
}
