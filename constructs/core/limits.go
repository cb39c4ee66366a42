package core

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits AWS enforces on the values this platform emits, each with its
// source. The name limits are in naming.go; docs/security.md lists them all.
const (
	// Lambda API reference, CreateFunction: Description, length 0-256.
	// Provider: aws_lambda_function description, StringLenBetween(0, 256).
	MaxLambdaDescription = 256
	// Lambda Developer Guide, "Lambda quotas": function environment
	// variables, 4 KB in aggregate. Lambda measures the JSON of the
	// variables map (its refusal quotes "String measured: {...}").
	MaxLambdaEnvironmentBytes = 4096
	// EventBridge Scheduler API reference, CreateSchedule: Description,
	// length 0-512. Provider: aws_scheduler_schedule description,
	// StringLenBetween(0, 512).
	MaxScheduleDescription = 512
	// Lambda Developer Guide, "Lambda quotas": invocation payload of an
	// asynchronous invocation (how Scheduler invokes), 256 KB.
	MaxScheduleInputBytes = 256 * 1024
)

// lambdaEnvKey is the key pattern of Lambda's Environment.Variables (Lambda
// API reference, Environment: "Key Pattern: [a-zA-Z]([a-zA-Z0-9_])+"), so a
// key has at least two characters.
var lambdaEnvKey = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]+$`)

// LambdaReservedEnvironment are the keys Lambda sets itself and refuses in a
// function's configuration (Lambda Developer Guide, "Defined runtime
// environment variables": "The keys for these environment variables are
// reserved and cannot be set in your function configuration").
var LambdaReservedEnvironment = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// ValidateLambdaEnvironmentKeys checks the keys a user sets on a Lambda
// function against Lambda's key pattern and reserved keys, in a stable order.
func ValidateLambdaEnvironmentKeys(field string, vars map[string]string) error {
	var errs []error
	for _, k := range SortedKeys(vars) {
		switch {
		case !lambdaEnvKey.MatchString(k):
			errs = append(errs, Errorf(field+"."+k, "use a letter, then letters, digits and underscores (at least two characters), e.g. "+suggestEnvKey(k),
				"%q is not a Lambda environment variable name: Lambda requires [a-zA-Z][a-zA-Z0-9_]+", k))
		case LambdaReservedEnvironment[k]:
			errs = append(errs, Errorf(field+"."+k, "remove it: Lambda sets it at run time; pick another name for your own value",
				"%s is reserved by Lambda and cannot be set in a function's configuration", k))
		}
	}
	return Join(errs...)
}

// CheckLambdaEnvironmentSize refuses variables whose JSON is over Lambda's
// 4 KB. Values unknown at synth time (resolved from SSM at deploy time) are
// passed as "" and counted by their key only.
func CheckLambdaEnvironmentSize(field string, vars map[string]string) error {
	raw, _ := json.Marshal(vars) // a map of strings always marshals
	if len(raw) > MaxLambdaEnvironmentBytes {
		return Errorf(field, fmt.Sprintf("cut %d bytes: move large values to an SSM parameter the function reads at run time", len(raw)-MaxLambdaEnvironmentBytes),
			"the environment variables are %d bytes; Lambda allows %d in total (keys and values, as JSON)", len(raw), MaxLambdaEnvironmentBytes)
	}
	return nil
}

// CheckDescription refuses a description longer than AWS allows for kind,
// counted in characters as AWS counts.
func CheckDescription(field, kind, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(field, fmt.Sprintf("shorten it by %d characters", n-max),
			"%s description is %d characters; AWS allows at most %d", kind, n, max)
	}
	return nil
}

// suggestEnvKey turns a rejected key into one Lambda accepts, for the fix.
func suggestEnvKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		s = "V_" + s
	}
	if len(s) < 2 {
		s += "_"
	}
	return s
}

// SortedKeys returns m's keys in order, so messages come in a stable order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
