package lambda

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ssm"
)

// demoDev is the stack the props are validated for.
var demoDev = core.Names{Project: "demo", Environment: core.Dev}

func props(edit func(*FunctionProps)) *FunctionProps {
	p := &FunctionProps{Name: "job", Code: &Bundle{}}
	edit(p)
	return p
}

// Each setting AWS would refuse at apply time, or that would silently
// replace another variable, is refused with the field and the fix.
func TestValidateRefusesWhatLambdaRefuses(t *testing.T) {
	cases := []struct {
		name string
		edit func(*FunctionProps)
		want string
	}{
		{"key with a hyphen", func(p *FunctionProps) { p.Environment = map[string]string{"MY-VAR": "x"} },
			`functions.job.Environment.MY-VAR: "MY-VAR" is not a Lambda environment variable name`},
		{"key Lambda reserves", func(p *FunctionProps) { p.Environment = map[string]string{"AWS_REGION": "us-east-1"} },
			"functions.job.Environment.AWS_REGION: AWS_REGION is reserved by Lambda"},
		{"key the construct sets", func(p *FunctionProps) { p.Environment = map[string]string{"NODE_OPTIONS": "--inspect"} },
			"functions.job.Environment.NODE_OPTIONS: NODE_OPTIONS is reserved"},
		{"plain variable replacing a String parameter", func(p *FunctionProps) {
			p.Parameters = []ssm.Parameter{{Key: "backend-url"}}
			p.Environment = map[string]string{"BACKEND_URL": "http://localhost"}
		}, `BACKEND_URL would silently replace the variable injected from SSM parameter "backend-url"`},
		{"plain variable replacing a SecureString parameter's name", func(p *FunctionProps) {
			p.Parameters = []ssm.Parameter{{Key: "api-key", Kind: ssm.SecureString}}
			p.Environment = map[string]string{"API_KEY_PARAMETER": "/other/path"}
		}, "API_KEY_PARAMETER would silently replace"},
		{"two parameters injected as one variable", func(p *FunctionProps) {
			p.Parameters = []ssm.Parameter{{Key: "api-key", Kind: ssm.SecureString}, {Key: "api-key-parameter"}}
		}, `parameter "api-key-parameter" is injected as API_KEY_PARAMETER, which is already injected from SSM parameter "api-key"`},
		{"parameter named like a construct variable", func(p *FunctionProps) { p.Parameters = []ssm.Parameter{{Key: "environment"}} },
			`parameter "environment" is injected as ENVIRONMENT, which is already set by the construct`},
		{"environment over 4 KB", func(p *FunctionProps) { p.Environment = map[string]string{"BIG": strings.Repeat("x", 4000)} },
			"Lambda allows 4096 in total"},
		{"description over 256 characters", func(p *FunctionProps) { p.Description = strings.Repeat("d", 257) },
			"functions.job.Description: Lambda function description is 257 characters; AWS allows at most 256"},
	}
	for _, c := range cases {
		err := props(c.edit).Validate(demoDev)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v; want %q", c.name, err, c.want)
		}
	}
	ok := props(func(p *FunctionProps) {
		p.Parameters = []ssm.Parameter{{Key: "backend-url"}, {Key: "api-key", Kind: ssm.SecureString}}
		p.Environment = map[string]string{"LOG_LEVEL": "debug", "Mixed_2": strings.Repeat("v", 3500)}
		p.Description = strings.Repeat("d", 256)
	})
	if err := ok.Validate(demoDev); err != nil {
		t.Errorf("valid props refused: %v", err)
	}
}
