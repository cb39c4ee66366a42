package core

import (
	"strings"
	"testing"
)

// Lambda's key pattern is [a-zA-Z]([a-zA-Z0-9_])+ and its reserved keys are
// refused (Lambda API reference, Environment; Developer Guide, "Defined
// runtime environment variables").
func TestValidateLambdaEnvironmentKeys(t *testing.T) {
	if err := ValidateLambdaEnvironmentKeys("Environment", map[string]string{"API_URL": "x", "a1": "", "Mixed_Case_2": "y"}); err != nil {
		t.Errorf("valid keys refused: %v", err)
	}
	for key, want := range map[string]string{
		"MY-VAR":            `"MY-VAR" is not a Lambda environment variable name`,
		"1ST":               "[a-zA-Z][a-zA-Z0-9_]+",
		"_PRIVATE":          "[a-zA-Z][a-zA-Z0-9_]+",
		"A":                 "at least two characters",
		"has space":         "e.g. has_space",
		"AWS_REGION":        "AWS_REGION is reserved by Lambda",
		"AWS_ACCESS_KEY_ID": "reserved",
		"_HANDLER":          "[a-zA-Z][a-zA-Z0-9_]+", // fails the pattern before the reserved list
		"LAMBDA_TASK_ROOT":  "reserved",
	} {
		err := ValidateLambdaEnvironmentKeys("Environment", map[string]string{key: "v"})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Environment."+key) {
			t.Errorf("%q: err = %v; want %q", key, err, want)
		}
	}
}

func TestCheckLambdaEnvironmentSize(t *testing.T) {
	// {"K":"<v>"} is 8 bytes of JSON around the value.
	fits := map[string]string{"K": strings.Repeat("v", MaxLambdaEnvironmentBytes-8)}
	if err := CheckLambdaEnvironmentSize("Environment", fits); err != nil {
		t.Errorf("exactly 4096 bytes refused: %v", err)
	}
	over := map[string]string{"K": strings.Repeat("v", MaxLambdaEnvironmentBytes-7)}
	err := CheckLambdaEnvironmentSize("Environment", over)
	if err == nil || !strings.Contains(err.Error(), "4097 bytes; Lambda allows 4096") || !strings.Contains(err.Error(), "cut 1 bytes") {
		t.Errorf("err = %v", err)
	}
}

func TestCheckDescription(t *testing.T) {
	if err := CheckDescription("d", "schedule", strings.Repeat("é", MaxScheduleDescription), MaxScheduleDescription); err != nil {
		t.Errorf("512 characters (1024 bytes) refused: %v", err)
	}
	err := CheckDescription("d", "Lambda function", strings.Repeat("a", 257), MaxLambdaDescription)
	if err == nil || !strings.Contains(err.Error(), "257 characters; AWS allows at most 256") {
		t.Errorf("err = %v", err)
	}
}
