package core

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// laughs is "billion laughs": levels nested anchors of ten aliases each.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// Hostile files are refused with the file, the line and the bound, fast:
// each of these would otherwise take the parser or the decoder minutes or
// all memory.
func TestParseYAMLRefusesHostileFiles(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"billion laughs", laughs(10), "expands to more than 100000 values"},
		{"deep flow nesting", "x: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), "nests deeper than 64 levels"},
		{"deep flow nesting hidden behind quoted brackets", "x: " + strings.Repeat(`["]", `, 30_000), "nests deeper than 64 levels"},
		{"deep block sequences on one line", strings.Repeat("- ", 100_000) + "x\n", "nests deeper than 64 levels"},
		{"deep block mappings", func() string {
			var b strings.Builder
			for i := 0; i < 200; i++ {
				b.WriteString(strings.Repeat(" ", i) + "k:\n")
			}
			return b.String()
		}(), "nests deeper than 64 levels"},
		{"alias of a deep anchor inside a deep value", "a: &a " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\nb: " + strings.Repeat("[", 30) + "*a" + strings.Repeat("]", 30) + "\n", "nests deeper than 64 levels"},
		{"too large", "x: \"" + strings.Repeat("a", MaxYAMLBytes) + "\"\n", fmt.Sprintf("a YAML file read at synth may be at most %d", MaxYAMLBytes)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := ParseYAML("projects/p/schedules.yaml", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "projects/p/schedules.yaml") {
				t.Errorf("err = %v; want %q", err, c.want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v to refuse", d)
			}
		})
	}
}

func TestParseYAMLAcceptsOrdinaryFiles(t *testing.T) {
	for _, src := range []string{
		"schedules:\n  - name: a\n    lambda_name: f\n    schedule_type: hourly\n    input: {job: {kind: digest, tags: [a, b]}}\n",
		laughs(3), // a thousand values from aliases is fine
		"defaults: &d {timezone: UTC}\nschedules:\n  - <<: *d\n    name: a\n",
		"",
	} {
		if _, err := ParseYAML("f.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}
