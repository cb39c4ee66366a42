package tfcheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Diagnostic is one error or warning Terraform reported.
type Diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	// Address is the resource it is about, when Terraform says.
	Address string `json:"address"`
	Range   *struct {
		Filename string `json:"filename"`
	} `json:"range"`
}

func (d Diagnostic) String() string {
	s := d.Severity + ": " + d.Summary
	if d.Address != "" {
		s += " (" + d.Address + ")"
	} else if d.Range != nil && d.Range.Filename != "" {
		s += " (" + d.Range.Filename + ")"
	}
	if d.Detail != "" {
		s += ": " + strings.Join(strings.Fields(d.Detail), " ")
	}
	return s
}

// Explanation is a warning that is expected, and why it does not matter.
type Explanation struct {
	// Summary is the warning's summary line, exactly.
	Summary string
	// DetailContains narrows it to warnings whose detail holds this text.
	DetailContains string
	// Reason is why it is accepted; docs/verification.md repeats it.
	Reason string
}

func (e Explanation) matches(d Diagnostic) bool {
	return d.Summary == e.Summary && strings.Contains(d.Detail, e.DetailContains)
}

// Explained are the warnings Terraform may give on our stacks and the
// migration plans, each with the reason it is accepted. Any warning not
// listed fails the check: a new warning is read by a person before it is
// added here (and to docs/verification.md, "Warnings").
var Explained = []Explanation{}

// explain returns the explanation of a warning, or nil.
func explain(d Diagnostic) *Explanation {
	for i := range Explained {
		if Explained[i].matches(d) {
			return &Explained[i]
		}
	}
	return nil
}

// streamDiagnostics reads the diagnostics of a command run with -json that
// streams one JSON message per line (init, plan).
func streamDiagnostics(out []byte) ([]Diagnostic, error) {
	var diags []Diagnostic
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var msg struct {
			Type       string      `json:"type"`
			Diagnostic *Diagnostic `json:"diagnostic"`
		}
		if err := json.Unmarshal(line, &msg); err != nil {
			// Terraform 1.11's init prints the backend's "Successfully
			// configured" lines as plain text even with -json. Plain text is
			// ignored, except a diagnostic printed for humans.
			text := strings.TrimLeft(string(line), "│ ")
			if strings.HasPrefix(text, "Warning:") || strings.HasPrefix(text, "Error:") {
				diags = append(diags, Diagnostic{Severity: "warning", Summary: "diagnostic outside Terraform's JSON stream", Detail: text})
			}
			continue
		}
		if msg.Type == "diagnostic" && msg.Diagnostic != nil {
			diags = append(diags, *msg.Diagnostic)
		}
	}
	return diags, sc.Err()
}

// validateDiagnostics reads `terraform validate -json`.
func validateDiagnostics(out []byte) (valid bool, diags []Diagnostic, err error) {
	var doc struct {
		Valid       bool         `json:"valid"`
		Diagnostics []Diagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return false, nil, fmt.Errorf("terraform validate -json: %v in %q", err, truncate(string(out), 400))
	}
	return doc.Valid, doc.Diagnostics, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
