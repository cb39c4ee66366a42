package tfcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Change is what a plan does to one resource instance.
type Change struct {
	Address string
	// PreviousAddress is where a moved block took it from ("" if not moved).
	PreviousAddress string
	// Action is create, update, delete, replace, forget or no-op.
	Action string
	// Importing is true when an import block adopts the object.
	Importing bool
	// Reason is Terraform's action_reason, e.g. replace_because_cannot_update.
	Reason string
	// ReplacePaths name the attributes that force a replacement.
	ReplacePaths []string
	// UpdatedAttributes name the top-level attributes an update or
	// replacement changes.
	UpdatedAttributes []string
}

// Counts are a plan's totals, as Terraform's summary line counts them
// (a replacement is counted once, under Replace, not as + and -).
type Counts struct {
	Create, Update, Delete, Replace, Forget, NoOp int
	// Import and Move count instances adopted by import blocks and
	// re-addressed by moved blocks, whatever else happens to them.
	Import, Move int
}

func (c Counts) String() string {
	s := fmt.Sprintf("+%d ~%d -%d replace %d", c.Create, c.Update, c.Delete, c.Replace)
	var extra []string
	if c.Import > 0 {
		extra = append(extra, fmt.Sprintf("%d imported", c.Import))
	}
	if c.Move > 0 {
		extra = append(extra, fmt.Sprintf("%d moved", c.Move))
	}
	if c.Forget > 0 {
		extra = append(extra, fmt.Sprintf("%d forgotten", c.Forget))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// Plan is what `terraform show -json <planfile>` says a plan does.
type Plan struct {
	Changes []Change
	Counts  Counts
}

// ReadPlan reads the output of `terraform show -json <planfile>`: each
// managed resource's change (data sources are reads, not changes).
func ReadPlan(raw []byte) (*Plan, error) {
	var doc struct {
		FormatVersion   string `json:"format_version"`
		ResourceChanges []struct {
			Address         string `json:"address"`
			PreviousAddress string `json:"previous_address"`
			Mode            string `json:"mode"`
			ActionReason    string `json:"action_reason"`
			Change          struct {
				Actions      []string        `json:"actions"`
				Importing    json.RawMessage `json:"importing"`
				Before       any             `json:"before"`
				After        any             `json:"after"`
				ReplacePaths [][]any         `json:"replace_paths"`
				AfterUnknown map[string]any  `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("plan JSON: %v", err)
	}
	if doc.FormatVersion == "" {
		return nil, fmt.Errorf("plan JSON: no format_version; is it `terraform show -json` of a plan file?")
	}
	p := &Plan{}
	for _, rc := range doc.ResourceChanges {
		if rc.Mode != "managed" {
			continue
		}
		ch := Change{
			Address:         rc.Address,
			PreviousAddress: rc.PreviousAddress,
			Action:          action(rc.Change.Actions),
			Importing:       len(rc.Change.Importing) > 0 && string(rc.Change.Importing) != "null",
			Reason:          rc.ActionReason,
		}
		for _, path := range rc.Change.ReplacePaths {
			if len(path) > 0 {
				ch.ReplacePaths = append(ch.ReplacePaths, fmt.Sprint(path[0]))
			}
		}
		if ch.Action == "update" || ch.Action == "replace" {
			ch.UpdatedAttributes = changedAttributes(rc.Change.Before, rc.Change.After, rc.Change.AfterUnknown)
		}
		p.Changes = append(p.Changes, ch)
		p.Counts.add(ch)
	}
	sort.Slice(p.Changes, func(i, j int) bool { return p.Changes[i].Address < p.Changes[j].Address })
	return p, nil
}

// changesAttributes reports whether the plan updates or replaces anything:
// only those changes have attributes to name.
func (p *Plan) changesAttributes() bool {
	return p.Counts.Update > 0 || p.Counts.Replace > 0
}

func (c *Counts) add(ch Change) {
	switch ch.Action {
	case "create":
		c.Create++
	case "update":
		c.Update++
	case "delete":
		c.Delete++
	case "replace":
		c.Replace++
	case "forget":
		c.Forget++
	default:
		c.NoOp++
	}
	if ch.Importing {
		c.Import++
	}
	if ch.PreviousAddress != "" {
		c.Move++
	}
}

// action names a list of plan actions: ["delete","create"] and
// ["create","delete"] are both a replacement.
func action(actions []string) string {
	switch strings.Join(actions, ",") {
	case "delete,create", "create,delete":
		return "replace"
	case "":
		return "no-op"
	}
	return strings.Join(actions, ",")
}

// changedAttributes lists the top-level attributes whose value differs, or
// that become unknown, between before and after.
func changedAttributes(before, after any, unknown map[string]any) []string {
	b, _ := before.(map[string]any)
	a, _ := after.(map[string]any)
	seen := map[string]bool{}
	for k := range a {
		if !equalJSON(b[k], a[k]) {
			seen[k] = true
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && b[k] != nil {
			seen[k] = true
		}
	}
	for k, v := range unknown {
		if v == true {
			seen[k] = true // known only after apply: AWS recomputes it
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func equalJSON(x, y any) bool {
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return string(bx) == string(by)
}

// ReadPlanStream reads the changes of `terraform plan -json` as they
// stream: each planned_change names the resource, the action, where a
// moved block took it from and whether it is imported. The totals are
// checked against the stream's change_summary.
func ReadPlanStream(out []byte) (*Plan, error) {
	type resource struct {
		Addr string `json:"addr"`
	}
	p := &Plan{}
	var summary *struct{ Add, Change, Remove, Import int }
	for _, line := range bytes.Split(out, []byte("\n")) {
		var msg struct {
			Type   string `json:"type"`
			Change struct {
				Resource         resource        `json:"resource"`
				PreviousResource *resource       `json:"previous_resource"`
				Action           string          `json:"action"`
				Reason           string          `json:"reason"`
				Importing        json.RawMessage `json:"importing"`
			} `json:"change"`
			Changes *struct{ Add, Change, Remove, Import int } `json:"changes"`
		}
		if json.Unmarshal(line, &msg) != nil {
			continue
		}
		switch msg.Type {
		case "change_summary":
			summary = msg.Changes
		case "planned_change":
			c := msg.Change
			if strings.HasPrefix(c.Resource.Addr, "data.") || strings.Contains(c.Resource.Addr, ".data.") {
				continue
			}
			ch := Change{Address: c.Resource.Addr, Action: streamAction(c.Action), Reason: c.Reason,
				Importing: len(c.Importing) > 0 && string(c.Importing) != "null"}
			if c.PreviousResource != nil {
				ch.PreviousAddress = c.PreviousResource.Addr
			}
			p.Changes = append(p.Changes, ch)
			p.Counts.add(ch)
		}
	}
	if summary == nil {
		return nil, fmt.Errorf("terraform plan -json: no change_summary in its output")
	}
	n := p.Counts
	if summary.Add != n.Create+n.Replace || summary.Change != n.Update || summary.Remove != n.Delete+n.Replace || summary.Import != n.Import {
		return nil, fmt.Errorf("terraform plan -json: its summary (%d to add, %d to change, %d to destroy, %d to import) differs from its changes (%s)",
			summary.Add, summary.Change, summary.Remove, summary.Import, n)
	}
	sort.Slice(p.Changes, func(i, j int) bool { return p.Changes[i].Address < p.Changes[j].Address })
	return p, nil
}

// streamAction names a streamed action as ReadPlan names it.
func streamAction(a string) string {
	switch a {
	case "noop", "move", "import":
		return "no-op"
	case "remove":
		return "forget"
	}
	return a
}
