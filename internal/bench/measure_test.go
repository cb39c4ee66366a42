package bench

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		sorted []time.Duration
		want   time.Duration
	}{
		{[]time.Duration{5 * ms}, 5 * ms},
		{[]time.Duration{1 * ms, 2 * ms, 9 * ms}, 2 * ms},
		{[]time.Duration{1 * ms, 2 * ms, 4 * ms, 9 * ms}, 3 * ms},
	}
	for _, c := range cases {
		if got := median(c.sorted); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.sorted, got, c.want)
		}
	}
}

// The format of proc(5): utime and stime are fields 14 and 15, in clock
// ticks, after a command name in parentheses that may itself hold spaces
// and parentheses.
func TestStatCPU(t *testing.T) {
	cases := []struct {
		line string
		want time.Duration
		ok   bool
	}{
		{"4242 (node) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 11 0 100 0 0",
			1750 * time.Millisecond, true},
		{"4242 (my (odd) app) R 1 4242 4242 0 -1 4194560 1000 0 0 0 7 3 0 0 20 0 1 0 100 0 0",
			100 * time.Millisecond, true},
		{"4242 (node) S 1 4242", 0, false},
		{"garbage", 0, false},
	}
	for _, c := range cases {
		got, ok := statCPU([]byte(c.line))
		if got != c.want || ok != c.ok {
			t.Errorf("statCPU(%q) = %v, %v; want %v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}
