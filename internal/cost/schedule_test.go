package cost

import (
	"math"
	"strings"
	"testing"
)

func TestInvocationsPerMonth(t *testing.T) {
	// 2025 has 365 days, 52 Mondays and 261 weekdays; a month is 730 hours.
	cases := []struct {
		expr string
		want float64
	}{
		{"rate(1 minute)", 43800},
		{"rate(3 minutes)", 14600},
		{"rate(15 minutes)", 2920},
		{"rate(30 minutes)", 1460},
		{"rate(1 hour)", 730},
		{"rate(2 hours)", 365},
		{"rate(1 day)", 730.0 / 24},
		{"cron(0 9 * * ? *)", 365.0 / 12},         // daily
		{"cron(0 9 ? * MON *)", 52.0 / 12},        // weekly
		{"cron(0/15 * * * ? *)", 365 * 96.0 / 12}, // every 15 min as cron
		{"cron(0 9 ? * MON-FRI *)", 261.0 / 12},
		{"cron(0 9 ? * 2-6 *)", 261.0 / 12}, // 2-6 = MON-FRI
		{"cron(*/5 8-17 ? * MON-FRI *)", 261 * 10 * 12.0 / 12},
		{"cron(0,30 9 1,15 * ? *)", 2 * 24.0 / 12},
		{"cron(0 0 L * ? *)", 1},    // last day of the month
		{"cron(0 12 ? * 2#1 *)", 1}, // first Monday
		{"cron(0 12 ? * 6L *)", 1},  // last Friday
		{"cron(0 12 15W * ? *)", 1}, // weekday nearest the 15th
		{"cron(0 9 1 JAN,JUL ? *)", 2.0 / 12},
		{"at(2025-06-01T09:00:00)", 0},
	}
	for _, c := range cases {
		got, err := InvocationsPerMonth(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: %v invocations/month; want %v", c.expr, got, c.want)
		}
	}
}

func TestInvocationsPerMonthRejectsBadExpressions(t *testing.T) {
	cases := map[string]string{
		"rate(0 minutes)":        "positive",
		"rate(5 weeks)":          "unit",
		"cron(0 9 * * *)":        "6 fields",
		"cron(0 9 1 * MON *)":    "must be ?",
		"cron(0 25 * * ? *)":     "hours",
		"cron(0 9 ? * FUNDAY *)": "day-of-week",
		"every hour":             "not a rate()",
	}
	for expr, want := range cases {
		_, err := InvocationsPerMonth(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v; want one mentioning %q", expr, err, want)
		}
	}
}
