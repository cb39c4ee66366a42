package lambda

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
)

func TestFunctionPropsValidation(t *testing.T) {
	n := core.Names{Project: "practice-interviews", Environment: core.Production}
	code := &Bundle{}
	cases := []struct {
		name  string
		props FunctionProps
		want  string
	}{
		{"name too long", FunctionProps{Name: "pi-customerio-trial-ended-lambda-v2", Code: code},
			`Lambda function name "practice-interviews-production-pi-customerio-trial-ended-lambda-v2" is 66 characters; AWS allows at most 64`},
		{"memory too small", FunctionProps{Name: "a", Code: code, MemoryMB: 64}, "64 MB is outside Lambda's range; use 128-10240 MB"},
		{"timeout too long", FunctionProps{Name: "a", Code: code, TimeoutSeconds: 901}, "901 s is outside Lambda's range"},
		{"bad retention", FunctionProps{Name: "a", Code: code, LogRetentionDays: 10}, "10 days is not a CloudWatch Logs retention"},
		{"reserved env", FunctionProps{Name: "a", Code: code, Environment: map[string]string{"FUNCTION_NAME": "x"}}, "FUNCTION_NAME is reserved"},
		{"duplicate parameter", FunctionProps{Name: "a", Code: code, Parameters: []ssm.Parameter{{Key: "k"}, {Key: "k"}}}, `duplicate key "k"`},
		{"bad name", FunctionProps{Name: "My_Func", Code: code}, `"My_Func" is not a valid name`},
		{"no code", FunctionProps{Name: "a"}, "no code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.props.Validate(n)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v; want %q", err, c.want)
			}
		})
	}
	ok := FunctionProps{Name: "pi-customerio-trial-ended-lambda", Code: code}
	if err := ok.Validate(n); err != nil {
		t.Errorf("the spec's function must fit AWS's limits in production: %v", err)
	}
	if ok.MemoryMB != 128 || ok.TimeoutSeconds != 30 || ok.LogRetentionDays != 90 {
		t.Errorf("defaults = %d MB, %d s, %d days; want 128, 30, 90", ok.MemoryMB, ok.TimeoutSeconds, ok.LogRetentionDays)
	}
}

func TestAdoptedFunctionName(t *testing.T) {
	n := core.Names{Project: "practice-interviews", Environment: core.Production}
	code := &Bundle{}
	p := FunctionProps{Name: "pi-customerio-trial-ended-lambda", FunctionName: "pi-customerio-trial-ended-lambda", Code: code}
	if err := p.Validate(n); err != nil {
		t.Fatal(err)
	}
	if got := p.DeployedName(n); got != "pi-customerio-trial-ended-lambda" {
		t.Errorf("DeployedName = %q", got)
	}
	if got := p.RoleName(n); got != "practice-interviews-production-pi-customerio-trial-ended-lambda" {
		t.Errorf("RoleName = %q: the role stays inside <project>-<env>-*", got)
	}
	for name, want := range map[string]string{
		"arn:aws:lambda:us-east-2:427479925030:function:pi-x": `functions.a.FunctionName: "arn:aws:lambda:us-east-2:427479925030:function:pi-x" is not a Lambda function name; give the existing function's name`,
		"pi x":                  `"pi x" is not a Lambda function name`,
		strings.Repeat("f", 65): "is 65 characters; AWS allows at most 64",
	} {
		p := FunctionProps{Name: "a", FunctionName: name, Code: code}
		if err := p.Validate(n); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v; want %q", name, err, want)
		}
	}
}
