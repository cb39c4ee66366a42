package scheduler

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

const testFile = "projects/demo/schedules.yaml"

func parse(t *testing.T, env core.Environment, yaml string) ([]Schedule, error) {
	t.Helper()
	return Parse(LoadOptions{Path: testFile, Functions: []string{"job-a", "job-b"}, Environment: env, Retry: DefaultRetry},
		[]byte(strings.TrimLeft(yaml, "\n")))
}

func TestParseResolvesEverySetting(t *testing.T) {
	got, err := parse(t, core.Production, `
schedules:
  - name: hourly-a
    lambda_name: job-a
    schedule_type: hourly
    enabled: true
    environments: [dev, production]
  - name: custom-cron
    lambda_name: job-b
    cron: "0 8 ? * MON-FRI *"
    timezone: Europe/London
    enabled: false
    input: {job: digest, limit: 10}
    description: Weekday digest
    retry: {maximum_attempts: 5, maximum_event_age_seconds: 600}
  - name: custom-rate
    lambda_name: job-b
    rate: 2 hours
  - name: dev-only
    lambda_name: job-a
    schedule_type: every_3_min
    environments: [dev]
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Schedule{
		{Name: "hourly-a", LambdaName: "job-a", Expression: "rate(1 hour)", Timezone: "UTC", Enabled: true,
			Description: "Invokes job-a on rate(1 hour)", Retry: DefaultRetry},
		{Name: "custom-cron", LambdaName: "job-b", Expression: "cron(0 8 ? * MON-FRI *)", Timezone: "Europe/London", Enabled: false,
			Input: `{"job":"digest","limit":10}`, Description: "Weekday digest", Retry: Retry{MaximumAttempts: 5, MaximumEventAgeSeconds: 600}},
		{Name: "custom-rate", LambdaName: "job-b", Expression: "rate(2 hours)", Timezone: "UTC", Enabled: true,
			Description: "Invokes job-b on rate(2 hours)", Retry: DefaultRetry},
		// dev-only is absent: its environments exclude production.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schedules (-want +got):\n%s", diff)
	}
}

func TestParseKeepsDevOnlySchedulesInDev(t *testing.T) {
	got, err := parse(t, core.Dev, `
schedules:
  - name: dev-only
    lambda_name: job-a
    schedule_type: every_3_min
    environments: [dev]
`)
	if err != nil || len(got) != 1 || got[0].Expression != "rate(3 minutes)" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

// Each malformed file must produce an error that names the file, the line
// and the field, and says how to fix it.
func TestParseRejectsBadInput(t *testing.T) {
	cases := []struct {
		name, yaml, want string
		line             int
	}{
		{"unknown key", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_typ: hourly
`, "unknown field", 4},
		{"unknown schedule_type", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: every_2_min
`, `schedules[0].schedule_type: unknown schedule_type "every_2_min"`, 4},
		{"bad cron", `
schedules:
  - name: a
    lambda_name: job-a
    cron: "0 9 * * *"
`, "schedules[0].cron: cron \"0 9 * * *\" has 5 fields", 4},
		{"bad timezone", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    timezone: Mars/Olympus
`, `schedules[0].timezone: "Mars/Olympus" is not an IANA timezone`, 5},
		{"undeclared lambda", `
schedules:
  - name: a
    lambda_name: job-z
    schedule_type: daily
`, `schedules[0].lambda_name: "job-z" is not a function of this project; use one of: job-a, job-b`, 3},
		{"unknown environment", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    environments: [dev, staging]
`, `schedules[0].environments: unknown environment "staging"`, 5},
		{"duplicate name", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
  - name: a
    lambda_name: job-b
    schedule_type: hourly
`, `schedules[1].name: duplicate schedule name "a" (first at schedules[0])`, 5},
		{"testing-only in production", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: every_5_min
`, "testing only", 4},
		{"two expressions", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    rate: 1 hour
`, "set exactly one of schedule_type, cron and rate", 2},
		{"no expression", `
schedules:
  - name: a
    lambda_name: job-a
`, "no schedule", 2},
		{"wrong type", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    enabled: maybe
`, `"maybe" is not a boolean`, 5},
		{"empty name", `
schedules:
  - name: ""
    lambda_name: job-a
    schedule_type: daily
`, "schedules[0].name: is empty", 2},
		{"bad rate", `
schedules:
  - name: a
    lambda_name: job-a
    rate: 1 hours
`, "singular", 4},
		{"no schedules", `
schedules: []
`, "no schedules", 1},
		{"retry out of range", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    retry: {maximum_attempts: 200}
`, "maximum_attempts 200 is outside 0-185", 5},
		{"syntax error", `
schedules:
  - name: a
   lambda_name: job-a
`, testFile, 0},
		{"top-level typo", `
shedule:
  - name: a
`, "unknown top-level key \"shedule\"; did you mean `schedules`?", 1},
		{"typo of a schedule key", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_typ: hourly
`, "did you mean `schedule_type`?", 4},
		{"typo of a retry key", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    retry: {maximum_attempt: 3}
`, "did you mean `maximum_attempts`? allowed keys here are maximum_attempts, maximum_event_age_seconds", 5},
		{"description over Scheduler's 512 characters", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    description: ` + strings.Repeat("d", 513) + `
`, "schedules[0].description: schedule description is 513 characters; AWS allows at most 512", 5},
		// The file is small; its aliases make the input large.
		{"input over Lambda's 256 KB asynchronous payload", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    input: {a: &blob "` + strings.Repeat("b", 30_000) + `", b: *blob, c: *blob, d: *blob, e: *blob, f: *blob, g: *blob, h: *blob, i: *blob}
`, "schedules[0].input: is 270064 bytes as JSON; Lambda accepts at most 262144", 5},
		{"AWS access key id in the input", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    input: {job: sync, auth: {id: AKIAIOSFODNN7EXAMPLE}}
`, "schedules[0].input.auth.id: holds what looks like an AWS access key id", 5},
		{"API key in a list inside the input", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    input: {keys: [plain, sk_live_4eC39HqLyjWDarjtT1zdp7dc]}
`, `schedules[0].input.keys[1]: holds what looks like a Stripe-style secret key`, 5},
		{"private key in the description", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    description: "-----BEGIN PRIVATE KEY----- MIIEvQ"
`, "schedules[0].description: holds what looks like a private key block", 5},
		{"billion laughs", `
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    input: {x: *g}
`, "expands to more than 100000 values", 0},
		{"empty environments", `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    environments: []
`, "would never be created", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(t, core.Dev, c.yaml)
			if c.name == "testing-only in production" {
				_, err = parse(t, core.Production, c.yaml)
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, c.want) {
				t.Errorf("error %q does not contain %q", msg, c.want)
			}
			if !strings.HasPrefix(msg, testFile) {
				t.Errorf("error %q does not start with the file name", msg)
			}
			if c.line > 0 {
				prefix := testFile + ":" + strconv.Itoa(c.line) + ":"
				if !strings.Contains(msg, prefix) {
					t.Errorf("error %q does not name line %d", msg, c.line)
				}
			}
		})
	}
}

// A testing-only type must be refused even when synthesizing dev, if the
// schedule also goes to production, so both stacks agree.
func TestTestingOnlyTypeRefusedInDevStackWhenAlsoInProduction(t *testing.T) {
	_, err := parse(t, core.Dev, `
schedules:
  - name: a
    lambda_name: job-a
    schedule_type: every_10_min
    environments: [dev, production]
`)
	if err == nil || !strings.Contains(err.Error(), "testing only") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(LoadOptions{Root: t.TempDir(), Path: testFile, Functions: []string{"job-a"}, Environment: core.Dev, Retry: DefaultRetry})
	if err == nil || !strings.Contains(err.Error(), testFile+": cannot read") || !strings.Contains(err.Error(), "create it") {
		t.Fatalf("err = %v", err)
	}
}

// A value declared not secret in the project's settings passes, by its key.
func TestParseLetsDeclaredNotSecretsThrough(t *testing.T) {
	src := []byte(`schedules:
  - name: a
    lambda_name: job-a
    schedule_type: daily
    input: {sample_token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl}
`)
	opts := LoadOptions{Path: testFile, Functions: []string{"job-a"}, Environment: core.Dev, Retry: DefaultRetry}
	if _, err := Parse(opts, src); err == nil {
		t.Fatal("a JWT in the input passed without an allowance")
	}
	opts.NotSecrets = core.NotSecrets{"sample_token": "the identity provider's documented sample, not a live token"}
	if _, err := Parse(opts, src); err != nil {
		t.Errorf("declared not secret, still refused: %v", err)
	}
}
