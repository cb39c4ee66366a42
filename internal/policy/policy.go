// Package policy refuses unsafe configurations at synth time. It checks the
// synthesized Terraform JSON of every stack of the app (after cdktf resolved
// every token, so lazily rendered policies and container definitions are
// checked as deployed) and reports each violation with the stack, the
// construct path and the fix. synth.Synth runs it before swapping the new
// output in, so a violation fails the synth and leaves cdktf.out untouched.
package policy

import (
	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"fmt"
	"sort"
	"strings"
)

// Stack is one synthesized stack: its name and its parsed cdk.tf.json.
type Stack struct {
	Name string
	Doc  map[string]any
	// NotSecrets are the names whose values its project declared not
	// secret (core.NotSecrets); the secret-value rule lets them through.
	NotSecrets core.NotSecrets
}

// Options carry what the JSON cannot say.
type Options struct {
	// NotSecrets maps a stack name to its project's NotSecrets.
	NotSecrets map[string]map[string]string
}

// Violation is one broken rule.
type Violation struct {
	Stack string
	// Path is the construct path, e.g. "my-stack/Function-x/Role/Policy".
	Path string
	// Address is the Terraform address, e.g. "aws_iam_role_policy.Fn_Role_Policy_1234".
	Address string
	Rule    string
	Problem string
	Fix     string
}

func (v Violation) String() string {
	return fmt.Sprintf("stack %s: %s (%s): [%s] %s; fix: %s", v.Stack, v.Path, v.Address, v.Rule, v.Problem, v.Fix)
}

// Error lists every violation found, so one run reports them all.
type Error struct{ Violations []Violation }

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "policy check failed with %d violation(s):", len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n  - ")
		b.WriteString(v.String())
	}
	return b.String()
}

// Rule names, as they appear in messages.
const (
	RuleIAMWildcardAction   = "iam-wildcard-action"
	RuleIAMWildcardResource = "iam-wildcard-resource"
	RuleIAMUncheckable      = "iam-policy-not-json"
	RulePublicIngress       = "public-ingress"
	RuleLogRetention        = "log-retention"
	RuleLogDestination      = "log-destination"
	RuleSecretValue         = "secret-value"
	RuleNameLength          = "name-length"
	RuleNameUnique          = "name-unique"
	RuleGitHubOIDCTrust     = "github-oidc-trust"
	RuleAWSLimit            = "aws-limit"
)

// stackRules run on each stack alone; appRules see every stack at once.
var stackRules = []func(*Stack) []Violation{
	checkIAM,
	checkIngress,
	checkLogs,
	checkSecrets,
	checkSecretValues,
	checkNameLengths,
	checkLimits,
	checkGitHubOIDC,
}

var appRules = []func([]*Stack) []Violation{
	checkNamesUnique,
}

// Check runs every rule on stacks and returns an *Error listing the
// violations, or nil.
func Check(stacks []*Stack) error {
	var out []Violation
	for _, s := range stacks {
		for _, rule := range stackRules {
			out = append(out, rule(s)...)
		}
	}
	for _, rule := range appRules {
		out = append(out, rule(stacks)...)
	}
	if len(out) == 0 {
		return nil
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Stack != out[j].Stack {
			return out[i].Stack < out[j].Stack
		}
		return out[i].Path < out[j].Path
	})
	return &Error{Violations: out}
}

// CheckDir reads the named stacks from a cdktf output folder and checks them.
func CheckDir(outdir string, names []string) error { return CheckDirWith(outdir, names, Options{}) }

// CheckDirWith is CheckDir with what the JSON cannot say.
func CheckDirWith(outdir string, names []string, opts Options) error {
	stacks := make([]*Stack, 0, len(names))
	for _, name := range names {
		doc, err := tfjson.ReadStack(outdir, name)
		if err != nil {
			return fmt.Errorf("policy check: %w", err)
		}
		stacks = append(stacks, &Stack{Name: name, Doc: doc, NotSecrets: opts.NotSecrets[name]})
	}
	return Check(stacks)
}

// block is one resource or data source of a stack.
type block = tfjson.Block

func (s *Stack) resources(typ string) []block { return tfjson.Doc(s.Doc).Resources(typ) }
func (s *Stack) data(typ string) []block      { return tfjson.Doc(s.Doc).DataSources(typ) }

func (s *Stack) violation(b block, rule, fix, format string, args ...any) Violation {
	return Violation{Stack: s.Name, Path: b.Path(), Address: b.Address(), Rule: rule, Problem: fmt.Sprintf(format, args...), Fix: fix}
}

// stringList returns a field holding a string or a list of strings.
func stringList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// objects returns a nested block that cdktf renders as an object (one
// block) or a list of objects (repeated blocks).
func objects(v any) []map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}
	case []any:
		var out []map[string]any
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// isReference reports whether s is exactly one Terraform expression, a value
// unknown until apply.
func isReference(s string) bool {
	return strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") && strings.Count(s, "${") == 1
}
