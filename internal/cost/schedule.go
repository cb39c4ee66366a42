package cost

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HoursPerMonth is the month every estimate uses: 730 hours, AWS's own
// convention (8,760 hours a year / 12) in its pricing examples.
const HoursPerMonth = 730.0

// InvocationsPerMonth is how often an EventBridge Scheduler expression fires
// in an average month: rate(N unit) exactly, cron(...) by counting its firing
// minutes over one whole (non-leap) year and dividing by twelve, at(...) zero
// (it fires once, ever). Timezones move firings, not their number, so they
// are ignored; so is the year field (every year is taken to match).
func InvocationsPerMonth(expr string) (float64, error) {
	expr = strings.TrimSpace(expr)
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		return rateInvocations(expr[len("rate(") : len(expr)-1])
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		c, err := parseCron(expr[len("cron(") : len(expr)-1])
		if err != nil {
			return 0, fmt.Errorf("%s: %w", expr, err)
		}
		return float64(c.countYear(costYear)) / 12, nil
	case strings.HasPrefix(expr, "at(") && strings.HasSuffix(expr, ")"):
		return 0, nil
	}
	return 0, fmt.Errorf("%q is not a rate(), cron() or at() expression", expr)
}

// costYear is the year cron expressions are counted over: any non-leap year
// gives the same average, a fixed one keeps results deterministic.
const costYear = 2025

func rateInvocations(body string) (float64, error) {
	fields := strings.Fields(body)
	if len(fields) != 2 {
		return 0, fmt.Errorf("rate(%s): want rate(<value> <unit>)", body)
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 1 {
		return 0, fmt.Errorf("rate(%s): %q is not a positive whole number", body, fields[0])
	}
	var minutes float64
	switch fields[1] {
	case "minute", "minutes":
		minutes = 1
	case "hour", "hours":
		minutes = 60
	case "day", "days":
		minutes = 24 * 60
	default:
		return 0, fmt.Errorf("rate(%s): unit %q is not minute(s), hour(s) or day(s)", body, fields[1])
	}
	return HoursPerMonth * 60 / (minutes * float64(n)), nil
}

// cron is a parsed six-field EventBridge cron expression:
// minutes hours day-of-month month day-of-week year.
type cron struct {
	minutes, hours, months [61]bool
	dom                    domSpec
	dow                    dowSpec
}

type domSpec struct {
	any  bool // "*" or "?"
	days [32]bool
	last bool // "L"
}

type dowSpec struct {
	any      bool         // "*" or "?"
	days     [8]bool      // 1 = SUN .. 7 = SAT
	nth      map[int]int  // "6#3": day 6, third of the month
	lastOfWk map[int]bool // "6L": last day 6 of the month
}

var cronMonthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
var cronDayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

func parseCron(body string) (*cron, error) {
	f := strings.Fields(body)
	if len(f) != 6 {
		return nil, fmt.Errorf("want 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(f))
	}
	c := &cron{dow: dowSpec{nth: map[int]int{}, lastOfWk: map[int]bool{}}}
	if err := parseList(f[0], 0, 59, nil, c.minutes[:]); err != nil {
		return nil, fmt.Errorf("minutes: %w", err)
	}
	if err := parseList(f[1], 0, 23, nil, c.hours[:]); err != nil {
		return nil, fmt.Errorf("hours: %w", err)
	}
	if err := parseList(f[3], 1, 12, cronMonthNames, c.months[:]); err != nil {
		return nil, fmt.Errorf("month: %w", err)
	}
	switch dom := f[2]; {
	case dom == "*" || dom == "?":
		c.dom.any = true
	case dom == "L":
		c.dom.last = true
	case strings.HasSuffix(dom, "W"):
		// The weekday nearest day N: still one firing day a month, so day N
		// stands in for it.
		if err := parseList(strings.TrimSuffix(dom, "W"), 1, 31, nil, c.dom.days[:]); err != nil {
			return nil, fmt.Errorf("day-of-month: %w", err)
		}
	default:
		if err := parseList(dom, 1, 31, nil, c.dom.days[:]); err != nil {
			return nil, fmt.Errorf("day-of-month: %w", err)
		}
	}
	switch dow := f[4]; {
	case dow == "*" || dow == "?":
		c.dow.any = true
	case strings.Contains(dow, "#"):
		parts := strings.SplitN(dow, "#", 2)
		d, err := value(parts[0], 1, 7, cronDayNames)
		if err != nil {
			return nil, fmt.Errorf("day-of-week: %w", err)
		}
		k, err := strconv.Atoi(parts[1])
		if err != nil || k < 1 || k > 5 {
			return nil, fmt.Errorf("day-of-week: %q: want 1-5 after #", dow)
		}
		c.dow.nth[d] = k
	case strings.HasSuffix(dow, "L") && len(dow) > 1:
		d, err := value(strings.TrimSuffix(dow, "L"), 1, 7, cronDayNames)
		if err != nil {
			return nil, fmt.Errorf("day-of-week: %w", err)
		}
		c.dow.lastOfWk[d] = true
	default:
		if err := parseList(dow, 1, 7, cronDayNames, c.dow.days[:]); err != nil {
			return nil, fmt.Errorf("day-of-week: %w", err)
		}
	}
	if !c.dom.any && !c.dow.any {
		return nil, fmt.Errorf("one of day-of-month and day-of-week must be ?")
	}
	return c, nil
}

// parseList reads "*", "5", "1-5", "*/15", "10-50/10", "MON-FRI" and comma
// lists of them into set.
func parseList(s string, lo, hi int, names map[string]int, set []bool) error {
	for _, item := range strings.Split(s, ",") {
		step := 1
		if i := strings.Index(item, "/"); i >= 0 {
			n, err := strconv.Atoi(item[i+1:])
			if err != nil || n < 1 {
				return fmt.Errorf("%q: bad step", item)
			}
			step, item = n, item[:i]
		}
		from, to := lo, hi
		switch {
		case item == "*" || item == "?":
		case strings.Contains(item, "-"):
			parts := strings.SplitN(item, "-", 2)
			var err error
			if from, err = value(parts[0], lo, hi, names); err != nil {
				return err
			}
			if to, err = value(parts[1], lo, hi, names); err != nil {
				return err
			}
		default:
			v, err := value(item, lo, hi, names)
			if err != nil {
				return err
			}
			from = v
			if step == 1 {
				to = v
			}
		}
		if from > to {
			return fmt.Errorf("%q: range runs backwards", item)
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return nil
}

func value(s string, lo, hi int, names map[string]int) (int, error) {
	if v, ok := names[strings.ToUpper(s)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("%q is not in %d-%d", s, lo, hi)
	}
	return v, nil
}

// countYear counts the minutes of year at which the expression fires.
func (c *cron) countYear(year int) int {
	perDay := 0
	for h := 0; h < 24; h++ {
		for m := 0; m < 60; m++ {
			if c.hours[h] && c.minutes[m] {
				perDay++
			}
		}
	}
	days := 0
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		if c.months[int(d.Month())] && c.dayMatches(d) {
			days++
		}
	}
	return days * perDay
}

func (c *cron) dayMatches(d time.Time) bool {
	lastDay := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if !c.dom.any {
		return c.dom.days[d.Day()] || (c.dom.last && d.Day() == lastDay)
	}
	if c.dow.any {
		return true
	}
	wd := int(d.Weekday()) + 1 // EventBridge: 1 = SUN
	if c.dow.days[wd] {
		return true
	}
	if k, ok := c.dow.nth[wd]; ok && (d.Day()-1)/7+1 == k {
		return true
	}
	return c.dow.lastOfWk[wd] && d.Day()+7 > lastDay
}
