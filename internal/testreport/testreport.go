// Package testreport reads the event stream of `go test -json` and writes
// what `go test ./...` would print, plus what it hides in package-list
// mode: every skipped test with the reason it gave. `make test` pipes the
// tests through it, so a check that could not run (no terraform, no
// shellcheck) is seen as skipped, never mistaken for a pass.
package testreport

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	// ImportPath is set on build-output and build-fail events.
	ImportPath string
	Test       string
	Output     string
}

// Summary counts what the stream said.
type Summary struct {
	Passed, Failed, Skipped int
	// BuildFailed counts packages that did not compile.
	BuildFailed int
	// PackagesFailed counts packages whose test binary failed, including
	// crashes and timeouts outside any one test.
	PackagesFailed int
}

// OK reports whether nothing failed.
func (s Summary) OK() bool { return s.Failed == 0 && s.BuildFailed == 0 && s.PackagesFailed == 0 }

type testKey struct{ pkg, test string }

// Summarize copies the package lines and every failed test's output to w
// as they come, then lists the skipped tests with their reasons.
func Summarize(r io.Reader, w io.Writer) (Summary, error) {
	var sum Summary
	output := map[testKey][]string{}
	type skip struct {
		key    testKey
		reason []string
	}
	var skips []skip
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// go test writes some errors (a package that does not exist)
			// as plain text.
			fmt.Fprintln(w, string(line))
			continue
		}
		k := testKey{e.Package, e.Test}
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Action == "build-fail":
			sum.BuildFailed++
		case e.Test == "":
			// Package level: "ok  pkg 1.2s", "FAIL pkg", panics outside a test.
			switch e.Action {
			case "output":
				// The test binary's own "PASS" line, which go test hides in
				// package-list mode.
				if e.Output != "PASS\n" {
					fmt.Fprint(w, e.Output)
				}
			case "fail":
				sum.PackagesFailed++
			}
		case e.Action == "output":
			output[k] = append(output[k], e.Output)
		case e.Action == "pass":
			sum.Passed++
			delete(output, k)
		case e.Action == "fail":
			sum.Failed++
			fmt.Fprint(w, strings.Join(output[k], ""))
			delete(output, k)
		case e.Action == "skip":
			sum.Skipped++
			skips = append(skips, skip{k, reason(output[k])})
			delete(output, k)
		}
	}
	if err := sc.Err(); err != nil {
		return sum, err
	}
	if len(skips) > 0 {
		sort.Slice(skips, func(i, j int) bool {
			if skips[i].key.pkg != skips[j].key.pkg {
				return skips[i].key.pkg < skips[j].key.pkg
			}
			return skips[i].key.test < skips[j].key.test
		})
		fmt.Fprintf(w, "\nSKIPPED: %d tests did not run; each says why:\n", len(skips))
		for _, s := range skips {
			fmt.Fprintf(w, "  %s %s\n", s.key.pkg, s.key.test)
			for _, r := range s.reason {
				fmt.Fprintf(w, "      %s\n", r)
			}
		}
	}
	fmt.Fprintf(w, "\ntests: %d passed, %d failed, %d skipped", sum.Passed, sum.Failed, sum.Skipped)
	if sum.BuildFailed > 0 {
		fmt.Fprintf(w, "; %d packages did not build", sum.BuildFailed)
	}
	if sum.PackagesFailed > 0 {
		fmt.Fprintf(w, "; %d packages failed", sum.PackagesFailed)
	}
	fmt.Fprintln(w)
	return sum, nil
}

// reason is what a skipped test printed, without the "=== RUN" and
// "--- SKIP" lines go test adds around it.
func reason(lines []string) []string {
	var out []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		out = append(out, "(no reason given)")
	}
	return out
}
