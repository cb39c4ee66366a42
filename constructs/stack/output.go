package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Names lists the stack names of projects without synthesizing anything.
func Names(projects []Project) []string {
	var out []string
	for _, p := range projects {
		if p.AccountWide {
			out = append(out, accountStackName(p))
			continue
		}
		for _, env := range p.environments() {
			out = append(out, core.Names{Project: p.Name, Environment: env}.StackName())
		}
	}
	return out
}

// DefaultOutdir is where synthesized stacks are read from: $CDKTF_OUTDIR or cdktf.out.
func DefaultOutdir() string {
	if d := os.Getenv("CDKTF_OUTDIR"); d != "" {
		return d
	}
	return "cdktf.out"
}

// StackFile is the path of a synthesized stack's Terraform JSON.
func StackFile(outdir, stackName string) string {
	return filepath.Join(outdir, "stacks", stackName, "cdk.tf.json")
}

// ReadStack parses a synthesized stack.
func ReadStack(outdir, stackName string) (map[string]any, error) {
	raw, err := os.ReadFile(StackFile(outdir, stackName))
	if err != nil {
		return nil, fmt.Errorf("stack %s is not synthesized (%v): run `make synth`", stackName, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", StackFile(outdir, stackName), err)
	}
	return doc, nil
}

// untailedLogGroups are prefixes of log groups LogGroups leaves out: VPC flow
// logs (constructs/networking) are network records, not a service's output,
// and would drown it in `make logs`.
var untailedLogGroups = []string{"/aws/vpc/flow-logs/"}

// LogGroups lists the names of the CloudWatch log groups a stack creates
// that hold application output (see untailedLogGroups).
func LogGroups(outdir, stackName string) ([]string, error) {
	doc, err := ReadStack(outdir, stackName)
	if err != nil {
		return nil, err
	}
	resources, _ := doc["resource"].(map[string]any)
	groups, _ := resources["aws_cloudwatch_log_group"].(map[string]any)
	var names []string
	for _, g := range groups {
		if name, ok := g.(map[string]any)["name"].(string); ok && !untailed(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

func untailed(group string) bool {
	for _, prefix := range untailedLogGroups {
		if strings.HasPrefix(group, prefix) {
			return true
		}
	}
	return false
}
