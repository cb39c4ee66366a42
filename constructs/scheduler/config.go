package scheduler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// FileName is the schedules file of every scheduled-Lambda project.
const FileName = "schedules.yaml"

// File is the content of projects/<project>/schedules.yaml.
type File struct {
	Schedules []ScheduleSpec `yaml:"schedules"`
}

// ScheduleSpec is one entry of schedules.yaml, in the spec's format plus the
// optional fields AWS CDK and terraform-aws-modules offer.
type ScheduleSpec struct {
	// Name is unique within the file; the deployed name is <project>-<env>-<name>.
	Name string `yaml:"name"`
	// LambdaName is the short name of a function the project declares.
	LambdaName string `yaml:"lambda_name"`
	// ScheduleType is a named schedule (hourly, daily, ...). Exactly one of
	// schedule_type, cron and rate is set.
	ScheduleType ScheduleType `yaml:"schedule_type"`
	// Cron is a six-field EventBridge cron body, e.g. "0 9 * * ? *".
	Cron string `yaml:"cron"`
	// Rate is a rate body, e.g. "15 minutes".
	Rate string `yaml:"rate"`
	// Timezone is an IANA name; defaults to UTC.
	Timezone string `yaml:"timezone"`
	// Enabled defaults to true; false creates the schedule in state DISABLED.
	Enabled *bool `yaml:"enabled"`
	// Environments the schedule exists in; defaults to all.
	Environments []string `yaml:"environments"`
	// Input is a JSON object passed to the function; defaults to none.
	Input map[string]any `yaml:"input"`
	// Description defaults to one naming the function and expression.
	Description string `yaml:"description"`
	// Retry overrides the project's retry policy for this schedule.
	Retry *RetrySpec `yaml:"retry"`
}

// RetrySpec is EventBridge Scheduler's retry policy.
type RetrySpec struct {
	// MaximumAttempts is 0-185.
	MaximumAttempts *int `yaml:"maximum_attempts"`
	// MaximumEventAgeSeconds is 60-86400.
	MaximumEventAgeSeconds *int `yaml:"maximum_event_age_seconds"`
}

// Schedule is a validated schedule for one environment.
type Schedule struct {
	Name        string
	LambdaName  string
	Expression  string
	Timezone    string
	Enabled     bool
	Input       string // JSON, "" when none
	Description string
	Retry       Retry
}

// Retry is a resolved retry policy.
type Retry struct {
	MaximumAttempts        int
	MaximumEventAgeSeconds int
}

// DefaultRetry retries twice within an hour. EventBridge's own default (185
// attempts over 24 hours) would keep calling a failing job all day.
var DefaultRetry = Retry{MaximumAttempts: 2, MaximumEventAgeSeconds: 3600}

// LoadOptions say what a schedules file is checked against.
type LoadOptions struct {
	// Root is the repository root; Path is relative to it.
	Root, Path string
	// Functions are the short names of the functions the project declares.
	Functions []string
	// Environment selects the schedules for one stack.
	Environment core.Environment
	// Retry is the project's default retry policy.
	Retry Retry
	// NotSecrets lets input values and descriptions that look like
	// credentials through, by input key or "description" (see core.NotSecrets).
	NotSecrets core.NotSecrets
}

// Load reads, checks and resolves the schedules of one environment. Every
// problem is reported with the file, line and field, and how to fix it.
func Load(opts LoadOptions) ([]Schedule, error) {
	raw, err := os.ReadFile(filepath.Join(opts.Root, opts.Path))
	if err != nil {
		return nil, &core.ConfigError{File: opts.Path, Problem: "cannot read: " + errors.Unwrap(err).Error(),
			Fix: "create it with a `schedules:` list (see projects/project-x/schedules.yaml)"}
	}
	return Parse(opts, raw)
}

// Parse is Load on bytes already read.
func Parse(opts LoadOptions, raw []byte) ([]Schedule, error) {
	file := opts.Path
	// Bounded first: a contributed file must not cost more than it is worth.
	ast, err := core.ParseYAML(file, raw)
	if err != nil {
		var ce *core.ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, yamlError(file, ast, err)
	}
	if err := checkTopLevelKeys(file, ast); err != nil {
		return nil, err
	}
	var f File
	if err := yaml.UnmarshalWithOptions(raw, &f, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
		return nil, yamlError(file, ast, err)
	}
	at := func(field string) int { return core.YAMLLine(ast, field) }
	fail := func(field, problem, fix string) error {
		return &core.ConfigError{File: file, Line: at(field), Field: strings.TrimPrefix(field, "$."), Problem: problem, Fix: fix}
	}
	if len(f.Schedules) == 0 {
		return nil, fail("$.schedules", "no schedules", "add at least one entry under `schedules:` with name, lambda_name and schedule_type")
	}
	declared := map[string]bool{}
	for _, fn := range opts.Functions {
		declared[fn] = true
	}
	var errs []error
	seen := map[string]int{}
	var out []Schedule
	for i, s := range f.Schedules {
		p := fmt.Sprintf("$.schedules[%d]", i)
		if err := core.ValidateResourceName("", s.Name); err != nil {
			errs = append(errs, fail(p+".name", err.(*core.ConfigError).Problem, "name each schedule with lower-case letters, digits and hyphens"))
		} else if first, dup := seen[s.Name]; dup {
			errs = append(errs, fail(p+".name", fmt.Sprintf("duplicate schedule name %q (first at schedules[%d])", s.Name, first), "give each schedule a unique name"))
		} else {
			seen[s.Name] = i
		}
		if s.LambdaName == "" {
			errs = append(errs, fail(p, "lambda_name is missing", "set lambda_name to one of: "+strings.Join(opts.Functions, ", ")))
		} else if !declared[s.LambdaName] {
			errs = append(errs, fail(p+".lambda_name", fmt.Sprintf("%q is not a function of this project", s.LambdaName),
				"use one of: "+strings.Join(opts.Functions, ", ")+", or declare the function in the project's Go file"))
		}
		envs, err := environments(s.Environments)
		if err != nil {
			errs = append(errs, fail(p+".environments", err.Error(), "list only "+core.EnvironmentList()))
			continue
		}
		// Judge testing-only types by every environment the schedule goes to,
		// so dev and production stacks report the same error.
		strictest := core.Dev
		if envs[core.Production] {
			strictest = core.Production
		}
		expr, field, err := expression(s, strictest)
		if err != nil {
			errs = append(errs, fail(p+field, err.Error(), ""))
		}
		if s.Timezone != "" {
			if err := ValidateTimezone(s.Timezone); err != nil {
				errs = append(errs, fail(p+".timezone", err.Error(), "use an IANA name from the tz database"))
			}
		}
		retry, err := resolveRetry(opts.Retry, s.Retry)
		if err != nil {
			errs = append(errs, fail(p+".retry", err.Error(), ""))
		}
		var input string
		if s.Input != nil {
			b, err := json.Marshal(s.Input)
			if err != nil {
				errs = append(errs, fail(p+".input", err.Error(), "use a mapping of plain values"))
			}
			input = string(b)
			if len(b) > core.MaxScheduleInputBytes {
				errs = append(errs, fail(p+".input", fmt.Sprintf("is %d bytes as JSON; Lambda accepts at most %d for an asynchronous invocation, which is how Scheduler invokes", len(b), core.MaxScheduleInputBytes),
					"pass a reference (an S3 key, a parameter name) instead of the data"))
			}
			errs = append(errs, inputCredentials(p+".input", s.Input, opts.NotSecrets, fail)...)
		}
		if s.Description != "" {
			if err := core.CheckDescription("", "schedule", s.Description, core.MaxScheduleDescription); err != nil {
				ce := err.(*core.ConfigError)
				errs = append(errs, fail(p+".description", ce.Problem, ce.Fix))
			}
			if err := core.CheckNoCredential("", "description", s.Description, opts.NotSecrets, "remove it from the description"); err != nil {
				ce := err.(*core.ConfigError)
				errs = append(errs, fail(p+".description", ce.Problem, ce.Fix))
			}
		}
		if !envs[opts.Environment] {
			continue
		}
		enabled := s.Enabled == nil || *s.Enabled
		desc := s.Description
		if desc == "" {
			desc = fmt.Sprintf("Invokes %s on %s", s.LambdaName, expr)
		}
		tz := s.Timezone
		if tz == "" {
			tz = "UTC"
		}
		out = append(out, Schedule{Name: s.Name, LambdaName: s.LambdaName, Expression: expr, Timezone: tz,
			Enabled: enabled, Input: input, Description: desc, Retry: retry})
	}
	if len(errs) > 0 {
		return nil, core.Join(errs...)
	}
	return out, nil
}

func environments(list []string) (map[core.Environment]bool, error) {
	out := map[core.Environment]bool{}
	if list == nil {
		for _, e := range core.Environments {
			out[e] = true
		}
		return out, nil
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("is empty, so the schedule would never be created")
	}
	for _, s := range list {
		e, err := core.ParseEnvironment(s)
		if err != nil {
			return nil, err
		}
		out[e] = true
	}
	return out, nil
}

// expression resolves the one schedule expression of s and names the field
// at fault when it cannot.
func expression(s ScheduleSpec, env core.Environment) (string, string, error) {
	set := 0
	for _, v := range []string{string(s.ScheduleType), s.Cron, s.Rate} {
		if v != "" {
			set++
		}
	}
	switch {
	case set == 0:
		return "", "", fmt.Errorf("no schedule: set schedule_type (%s), or cron, or rate", NamedTypeList())
	case set > 1:
		return "", "", fmt.Errorf("set exactly one of schedule_type, cron and rate")
	case s.ScheduleType != "":
		expr, err := ResolveType(s.ScheduleType, env)
		return expr, ".schedule_type", err
	case s.Cron != "":
		body := strings.TrimSuffix(strings.TrimPrefix(s.Cron, "cron("), ")")
		if err := ValidateCron(body); err != nil {
			return "", ".cron", err
		}
		return "cron(" + body + ")", "", nil
	default:
		body := strings.TrimSuffix(strings.TrimPrefix(s.Rate, "rate("), ")")
		if err := ValidateRate(body); err != nil {
			return "", ".rate", err
		}
		return "rate(" + body + ")", "", nil
	}
}

func resolveRetry(def Retry, spec *RetrySpec) (Retry, error) {
	r := def
	if spec == nil {
		return r, nil
	}
	if spec.MaximumAttempts != nil {
		r.MaximumAttempts = *spec.MaximumAttempts
	}
	if spec.MaximumEventAgeSeconds != nil {
		r.MaximumEventAgeSeconds = *spec.MaximumEventAgeSeconds
	}
	return r, r.Validate()
}

// Validate checks the policy against EventBridge Scheduler's limits
// (Scheduler API reference, RetryPolicy: MaximumRetryAttempts 0-185,
// MaximumEventAgeInSeconds 60-86400; the provider's IntBetween agrees).
func (r Retry) Validate() error {
	if r.MaximumAttempts < 0 || r.MaximumAttempts > 185 {
		return fmt.Errorf("maximum_attempts %d is outside 0-185", r.MaximumAttempts)
	}
	if r.MaximumEventAgeSeconds < 60 || r.MaximumEventAgeSeconds > 86400 {
		return fmt.Errorf("maximum_event_age_seconds %d is outside 60-86400", r.MaximumEventAgeSeconds)
	}
	return nil
}

var typeRe = regexp.MustCompile(`of type (\S+)$`)

func friendlyType(goType string) string {
	switch {
	case goType == "bool":
		return "boolean (true or false)"
	case strings.HasPrefix(goType, "[]"):
		return "list"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "scheduler."):
		return "mapping"
	case strings.HasPrefix(goType, "int"):
		return "whole number"
	default:
		return "string"
	}
}

// Keys allowed at each level of the file, for "unknown key" messages.
var (
	topLevelKeys = []string{"schedules"}
	scheduleKeys = []string{"name", "lambda_name", "schedule_type", "cron", "rate", "timezone", "enabled", "environments", "input", "description", "retry"}
	retryKeys    = []string{"maximum_attempts", "maximum_event_age_seconds"}
)

// checkTopLevelKeys refuses a key other than schedules at the top, where a
// typo (shedule:) would otherwise be reported against the schedule's keys.
func checkTopLevelKeys(file string, f *ast.File) error {
	var errs []error
	for _, doc := range f.Docs {
		m, ok := doc.Body.(*ast.MappingNode)
		var values []*ast.MappingValueNode
		if ok {
			values = m.Values
		} else if mv, ok := doc.Body.(*ast.MappingValueNode); ok {
			values = []*ast.MappingValueNode{mv}
		}
		for _, v := range values {
			key := v.Key.GetToken()
			if key == nil || key.Value == "schedules" {
				continue
			}
			errs = append(errs, &core.ConfigError{File: file, Line: key.Position.Line,
				Problem: fmt.Sprintf("unknown top-level key %q", key.Value),
				Fix:     suggestKey(key.Value, topLevelKeys) + "the file has one top-level key, `schedules:`, a list of schedules"})
		}
	}
	return core.Join(errs...)
}

// suggestKey returns "did you mean `k`? " for the allowed key nearest to got
// (at most a third of its letters off), or "".
func suggestKey(got string, allowed []string) string {
	best, bestDist := "", len(got)/3+1
	for _, k := range allowed {
		if d := editDistance(strings.ToLower(got), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("did you mean `%s`? ", best)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// inputCredentials reports every input value holding a recognised
// credential, named by its key path.
func inputCredentials(field string, input any, notSecrets core.NotSecrets, fail func(field, problem, fix string) error) []error {
	var errs []error
	var walk func(path, key string, v any)
	walk = func(path, key string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, k := range core.SortedKeys(t) {
				walk(path+"."+k, k, t[k])
			}
		case []any:
			for i, e := range t {
				walk(fmt.Sprintf("%s[%d]", path, i), key, e)
			}
		case string:
			if err := core.CheckNoCredential("", key, t, notSecrets, "keep secrets out of schedules.yaml: put the value in an ssm.SecureString parameter and pass its name in the input"); err != nil {
				ce := err.(*core.ConfigError)
				errs = append(errs, fail(path, ce.Problem, ce.Fix))
			}
		}
	}
	walk(field, "", input)
	return errs
}

// yamlError turns a go-yaml error into a ConfigError at its line. f, when
// parsed, tells which mapping an unknown key sits in.
func yamlError(file string, f *ast.File, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		ce := &core.ConfigError{File: file, Problem: ye.GetMessage()}
		if tk := ye.GetToken(); tk != nil {
			ce.Line = tk.Position.Line
		}
		msg := ye.GetMessage()
		switch {
		case strings.Contains(msg, "unknown field"):
			allowed := scheduleKeys
			if tk := ye.GetToken(); tk != nil && strings.HasSuffix(parentKey(f, tk), ".retry") {
				allowed = retryKeys
			}
			got := ""
			if m := unknownFieldRe.FindStringSubmatch(msg); m != nil {
				got = m[1]
			}
			ce.Fix = suggestKey(got, allowed) + "allowed keys here are " + strings.Join(allowed, ", ")
		case strings.Contains(msg, "cannot unmarshal"):
			if m := typeRe.FindStringSubmatch(msg); m != nil && ye.GetToken() != nil {
				ce.Problem = fmt.Sprintf("%q is not a %s", ye.GetToken().Value, friendlyType(m[1]))
			}
			ce.Fix = "check the value's type: names are strings, enabled is true/false, environments is a list, input is a mapping"
		case strings.Contains(msg, "was used where"):
			// A mapping or sequence where the other belongs: name the key.
			if key := keyOf(ye.GetToken()); key != "" {
				ce.Field = key
			}
			ce.Fix = "check the value's type: schedules and environments are lists, input and retry are mappings"
		default:
			ce.Fix = "fix the YAML syntax"
		}
		return ce
	}
	return &core.ConfigError{File: file, Problem: err.Error(), Fix: "fix the YAML syntax"}
}

var unknownFieldRe = regexp.MustCompile(`unknown field "([^"]*)"`)

// parentKey returns the path ($.schedules[0].retry) of the mapping whose key
// is tk, or "" when f is nil or tk is not a key of f.
func parentKey(f *ast.File, tk *token.Token) string {
	if f == nil {
		return ""
	}
	var found string
	var walk func(path string, n ast.Node)
	walk = func(path string, n ast.Node) {
		if n == nil || found != "" {
			return
		}
		switch t := n.(type) {
		case *ast.MappingNode:
			for _, v := range t.Values {
				walk(path, v)
			}
		case *ast.MappingValueNode:
			k := t.Key.GetToken()
			if k == nil {
				return
			}
			if k.Position.Offset == tk.Position.Offset {
				found = path
				return
			}
			walk(path+"."+k.Value, t.Value)
		case *ast.SequenceNode:
			for i, v := range t.Values {
				walk(fmt.Sprintf("%s[%d]", path, i), v)
			}
		case *ast.AnchorNode:
			walk(path, t.Value)
		case *ast.TagNode:
			walk(path, t.Value)
		}
	}
	for _, doc := range f.Docs {
		walk("$", doc.Body)
	}
	return found
}

// keyOf returns the mapping key a value token belongs to ("environments" for
// the "{" of `environments: {dev: true}`), or "".
func keyOf(tk *token.Token) string {
	if tk == nil || tk.Prev == nil || tk.Prev.Type != token.MappingValueType || tk.Prev.Prev == nil {
		return ""
	}
	return tk.Prev.Prev.Value
}
