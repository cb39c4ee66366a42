package scheduler

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// The named types must map exactly to the spec's table.
func TestNamedTypesMatchSpec(t *testing.T) {
	want := map[ScheduleType]string{
		"every_3_min":  "rate(3 minutes)",
		"every_5_min":  "rate(5 minutes)",
		"every_10_min": "rate(10 minutes)",
		"every_15_min": "rate(15 minutes)",
		"every_30_min": "rate(30 minutes)",
		"hourly":       "rate(1 hour)",
		"daily":        "cron(0 9 * * ? *)",
		"weekly":       "cron(0 9 ? * MON *)",
	}
	if len(NamedTypes) != len(want) {
		t.Fatalf("NamedTypes has %d entries, spec has %d", len(NamedTypes), len(want))
	}
	for typ, expr := range want {
		got, err := ResolveType(typ, core.Dev)
		if err != nil || got != expr {
			t.Errorf("%s in dev = %q, %v; want %q", typ, got, err, expr)
		}
		// Every named expression must itself be valid EventBridge syntax.
		if err := ValidateExpression(expr); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

func TestTestingOnlyTypesRefusedInProduction(t *testing.T) {
	for _, typ := range []ScheduleType{"every_3_min", "every_5_min", "every_10_min"} {
		_, err := ResolveType(typ, core.Production)
		if err == nil || !strings.Contains(err.Error(), "testing only") || !strings.Contains(err.Error(), "environments: [dev]") {
			t.Errorf("%s in production: err = %v; want a testing-only refusal with a fix", typ, err)
		}
	}
	for _, typ := range []ScheduleType{"every_15_min", "every_30_min", "hourly", "daily", "weekly"} {
		if _, err := ResolveType(typ, core.Production); err != nil {
			t.Errorf("%s in production: %v", typ, err)
		}
	}
}

func TestValidateCron(t *testing.T) {
	valid := []string{
		"0 9 * * ? *",
		"0 9 ? * MON *",
		"0/15 * * * ? *",
		"0 8-17 ? * MON-FRI *",
		"30 0 1 * ? *",
		"0 12 L * ? *",
		"0 12 15W * ? *",
		"0 12 LW * ? *",
		"0 10 ? * 6L *",
		"0 10 ? * 2#1 *",
		"0 0 1 JAN,JUL ? 2027",
		"5,35 14 * * ? 2026-2030",
		"*/5 * ? * * *",
	}
	for _, c := range valid {
		if err := ValidateCron(c); err != nil {
			t.Errorf("ValidateCron(%q) = %v; want valid", c, err)
		}
	}
	invalid := map[string]string{
		"0 9 * * *":        "has 5 fields",      // Unix cron, not EventBridge
		"0 9 * * * *":      "exactly one",       // both day fields set
		"0 9 ? * ? *":      "exactly one",       // both day fields '?'
		"60 9 * * ? *":     "outside 0-59",      // minute
		"0 24 * * ? *":     "outside 0-23",      // hour
		"0 9 32 * ? *":     "outside 1-31",      // day of month
		"0 9 * 13 ? *":     "outside 1-12",      // month
		"0 9 ? * 8 *":      "outside 1-7",       // day of week
		"0 9 ? * FUNDAY *": "not a number",      // bad name
		"0 9 * * ? 1969":   "outside 1970-2199", // year
		"? 9 * * ? *":      "only allowed",      // '?' in minutes
		"0/0 9 * * ? *":    "increment",
		"0 9 ? * 2#6 *":    "1-5",
		"0 9 1,,2 * ? *":   "empty",
	}
	for c, want := range invalid {
		err := ValidateCron(c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateCron(%q) = %v; want error containing %q", c, err, want)
		}
	}
}

func TestValidateRate(t *testing.T) {
	for _, r := range []string{"1 minute", "5 minutes", "1 hour", "12 hours", "1 day", "7 days"} {
		if err := ValidateRate(r); err != nil {
			t.Errorf("ValidateRate(%q) = %v", r, err)
		}
	}
	bad := map[string]string{
		"1 minutes":  "singular",
		"5 minute":   "plural",
		"0 minutes":  "positive",
		"5 weeks":    "unit",
		"five hours": "unit",
		"-1 hour":    "unit",
		"":           "unit",
	}
	for r, want := range bad {
		if err := ValidateRate(r); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateRate(%q) = %v; want error containing %q", r, err, want)
		}
	}
}

func TestValidateExpressionWrappers(t *testing.T) {
	for _, e := range []string{"rate(5 minutes)", "cron(0 9 * * ? *)"} {
		if err := ValidateExpression(e); err != nil {
			t.Errorf("%s: %v", e, err)
		}
	}
	for _, e := range []string{"at(2026-01-01T00:00:00)", "rate(5 minutes", "cron 0 9 * * ? *", "hourly"} {
		if err := ValidateExpression(e); err == nil {
			t.Errorf("%s: want error", e)
		}
	}
}

func TestValidateTimezone(t *testing.T) {
	for _, tz := range []string{"UTC", "America/New_York", "Europe/London", "Asia/Kolkata"} {
		if err := ValidateTimezone(tz); err != nil {
			t.Errorf("%s: %v", tz, err)
		}
	}
	for _, tz := range []string{"", "Local", "Mars/Olympus", "EST5EDTX", "america/new york"} {
		if err := ValidateTimezone(tz); err == nil {
			t.Errorf("%q: want error", tz)
		}
	}
}
