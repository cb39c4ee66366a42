package scheduler

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // validate timezones against the same IANA data on every machine

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// ScheduleType is one of the named schedules of the spec.
type ScheduleType string

// namedType is the expression of a named schedule and whether the spec marks
// it as testing-only (refused in production).
type namedType struct {
	Expression  string
	TestingOnly bool
}

// NamedTypes maps each schedule_type to its EventBridge Scheduler expression.
var NamedTypes = map[ScheduleType]namedType{
	"every_3_min":  {"rate(3 minutes)", true},
	"every_5_min":  {"rate(5 minutes)", true},
	"every_10_min": {"rate(10 minutes)", true},
	"every_15_min": {"rate(15 minutes)", false},
	"every_30_min": {"rate(30 minutes)", false},
	"hourly":       {"rate(1 hour)", false},
	"daily":        {"cron(0 9 * * ? *)", false},
	"weekly":       {"cron(0 9 ? * MON *)", false},
}

// NamedTypeList renders the named types for error messages, in a stable order.
func NamedTypeList() string {
	names := make([]string, 0, len(NamedTypes))
	for n := range NamedTypes {
		names = append(names, string(n))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

var rateRe = regexp.MustCompile(`^(\d+) (minute|minutes|hour|hours|day|days)$`)

// ValidateRate checks the body of rate(...): a positive whole number and a
// unit, singular for 1 and plural otherwise, as EventBridge requires
// (EventBridge Scheduler User Guide, "Schedule types": rate-based schedules).
func ValidateRate(body string) error {
	m := rateRe.FindStringSubmatch(body)
	if m == nil {
		return fmt.Errorf("rate %q must be \"<number> <unit>\" with unit minute(s), hour(s) or day(s), e.g. \"15 minutes\"", body)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return fmt.Errorf("rate %q must have a positive whole number", body)
	}
	plural := strings.HasSuffix(m[2], "s")
	if n == 1 && plural {
		return fmt.Errorf("rate %q: use the singular unit for 1, e.g. \"1 %s\"", body, strings.TrimSuffix(m[2], "s"))
	}
	if n > 1 && !plural {
		return fmt.Errorf("rate %q: use the plural unit for %d, e.g. \"%d %ss\"", body, n, n, m[2])
	}
	return nil
}

// cronField describes one of the six fields of an EventBridge cron expression.
type cronField struct {
	name     string
	min, max int
	names    map[string]int
	special  string // characters allowed besides digits, ',', '-', '*', '/'
}

var monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
var dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

var cronFields = []cronField{
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, special: "?LW"},
	{name: "month", min: 1, max: 12, names: monthNames},
	{name: "day-of-week", min: 1, max: 7, names: dayNames, special: "?L#"},
	{name: "year", min: 1970, max: 2199},
}

// ValidateCron checks the body of cron(...) against EventBridge's six-field
// syntax: minutes hours day-of-month month day-of-week year, where exactly one
// of day-of-month and day-of-week is "?" (EventBridge Scheduler User Guide,
// "Schedule types": cron-based schedules, the field ranges in cronFields).
func ValidateCron(body string) error {
	parts := strings.Fields(body)
	if len(parts) != 6 {
		return fmt.Errorf("cron %q has %d fields; EventBridge needs 6: minutes hours day-of-month month day-of-week year, e.g. \"0 9 * * ? *\"", body, len(parts))
	}
	for i, p := range parts {
		if err := validateCronField(cronFields[i], p); err != nil {
			return fmt.Errorf("cron %q: %s field %q: %v", body, cronFields[i].name, p, err)
		}
	}
	dom, dow := parts[2], parts[4]
	if (dom == "?") == (dow == "?") {
		return fmt.Errorf("cron %q: exactly one of day-of-month (%q) and day-of-week (%q) must be \"?\", e.g. \"0 9 * * ? *\" or \"0 9 ? * MON *\"", body, dom, dow)
	}
	return nil
}

func validateCronField(f cronField, s string) error {
	if s == "?" {
		if !strings.Contains(f.special, "?") {
			return fmt.Errorf("\"?\" is only allowed in day-of-month and day-of-week")
		}
		return nil
	}
	for _, item := range strings.Split(s, ",") {
		if err := validateCronItem(f, item); err != nil {
			return err
		}
	}
	return nil
}

func validateCronItem(f cronField, item string) error {
	if item == "" {
		return fmt.Errorf("empty list item")
	}
	switch f.name {
	case "day-of-month":
		if item == "L" || item == "LW" {
			return nil
		}
		if v, ok := strings.CutSuffix(item, "W"); ok {
			return checkValue(f, v)
		}
	case "day-of-week":
		if item == "L" {
			return nil
		}
		if v, ok := strings.CutSuffix(item, "L"); ok {
			return checkValue(f, v)
		}
		if d, n, ok := strings.Cut(item, "#"); ok {
			if err := checkValue(f, d); err != nil {
				return err
			}
			k, err := strconv.Atoi(n)
			if err != nil || k < 1 || k > 5 {
				return fmt.Errorf("%q: the week after '#' must be 1-5", item)
			}
			return nil
		}
	}
	rng, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		k, err := strconv.Atoi(step)
		if err != nil || k < 1 {
			return fmt.Errorf("%q: the increment after '/' must be a positive number", item)
		}
	}
	if rng == "*" {
		return nil
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	if err := checkValue(f, lo); err != nil {
		return err
	}
	if isRange {
		return checkValue(f, hi)
	}
	return nil
}

func checkValue(f cronField, v string) error {
	if n, ok := f.names[strings.ToUpper(v)]; ok && n > 0 {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		if f.names != nil {
			return fmt.Errorf("%q is not a number or name", v)
		}
		return fmt.Errorf("%q is not a number", v)
	}
	if n < f.min || n > f.max {
		return fmt.Errorf("%d is outside %d-%d", n, f.min, f.max)
	}
	return nil
}

// ValidateExpression checks a full "rate(...)" or "cron(...)" expression.
func ValidateExpression(expr string) error {
	if body, ok := strings.CutPrefix(expr, "rate("); ok && strings.HasSuffix(body, ")") {
		return ValidateRate(strings.TrimSuffix(body, ")"))
	}
	if body, ok := strings.CutPrefix(expr, "cron("); ok && strings.HasSuffix(body, ")") {
		return ValidateCron(strings.TrimSuffix(body, ")"))
	}
	return fmt.Errorf("%q is neither rate(...) nor cron(...)", expr)
}

// ValidateTimezone checks an IANA timezone name (e.g. "Europe/London").
func ValidateTimezone(tz string) error {
	if tz == "" || tz == "Local" {
		return fmt.Errorf("%q is not an IANA timezone", tz)
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Errorf("%q is not an IANA timezone name (e.g. UTC, America/New_York, Europe/London)", tz)
	}
	return nil
}

// ResolveType returns the expression of a named type, refusing testing-only
// types in production.
func ResolveType(t ScheduleType, env core.Environment) (string, error) {
	nt, ok := NamedTypes[t]
	if !ok {
		return "", fmt.Errorf("unknown schedule_type %q: use one of %s, or set cron or rate instead", t, NamedTypeList())
	}
	if nt.TestingOnly && env.IsProduction() {
		return "", fmt.Errorf("schedule_type %q is for testing only and is refused in production: use every_15_min or slower, or limit this schedule to environments: [dev]", t)
	}
	return nt.Expression, nil
}
