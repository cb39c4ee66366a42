// Package migrate moves a live HCL project to its synthesized stack without
// destroying anything. It reads the old deployment's state, matches each old
// resource to its counterpart in the new stack by type and identity
// attributes, and writes a reviewable mapping file,
// projects/<project>/migrations/<env>.yaml. Package stack reads that file at
// synth time and emits Terraform `moved` and `import` blocks from it (Apply),
// so the first plan after the switch moves state instead of recreating.
package migrate

// The HCL deployments' states the migration tests start from
// (testdata/*.tfstate, *.show.json), completed by the real provider.
//go:generate go run ./testdata/gen

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Options say what to migrate.
type Options struct {
	// Root is the repository root; the mapping file is written under it.
	Root  string
	Names core.Names
	// StatePath is the old deployment's state: `terraform show -json` output
	// or a `terraform state pull` file.
	StatePath string
	// Synthesize returns the stack's synthesized Terraform JSON, built
	// without the mapping file (which Run is about to rewrite).
	Synthesize func() (map[string]any, error)
}

// Report is what Run found and wrote.
type Report struct {
	// File is the mapping file written, relative to Root.
	File string
	// Stack is the stack's name.
	Stack  string
	State  *State
	New    []NewResource
	Result *Result
	// Imports kept from the previous mapping file.
	Imports []ImportEntry
	// Forgotten old resources leave the state but stay in AWS.
	Forgotten []AcceptEntry
	// Accepted unmatched resources: old ones that will be destroyed, new
	// ones that will be created.
	AcceptedDestroy, AcceptedCreate []AcceptEntry
	// AcceptedReplace are resources Terraform may replace, each with the
	// reason the user gave (kept from the previous mapping file).
	AcceptedReplace []AcceptEntry
	// Dropped are entries of the previous mapping file that no longer apply.
	Dropped []string
	// Open are ambiguities and unmatched resources nobody accepted; the
	// command fails while any remain.
	OpenDestroy, OpenCreate []Unmatched
}

// Outstanding counts what the user still has to decide.
func (r *Report) Outstanding() int {
	return len(r.Result.Ambiguous) + len(r.OpenDestroy) + len(r.OpenCreate)
}

// Run matches the old state to the new stack and writes the mapping file,
// keeping the user's decisions from the previous one (pinned moves, imports,
// forgotten and accepted resources) while they still apply.
func Run(opts Options) (*Report, error) {
	st, prev, news, err := readInputs(opts)
	if err != nil {
		return nil, err
	}
	rep := &Report{File: File(opts.Names.Project, opts.Names.Environment), Stack: opts.Names.StackName(), State: st, New: news}
	oldSet, newSet := addressSet(st, news)
	res, err := Match(st.Resources, news, rep.keepPins(prev, oldSet, newSet))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rep.File, err)
	}
	rep.Result = res
	if err := rep.checkSameDeployment(opts.Names); err != nil {
		return nil, err
	}
	imported := rep.keepImports(prev, newSet)
	regroupedOld, regroupedNew := regrouped(st.Resources, news, res)
	rep.sortUnmatchedOld(prev, regroupedOld)
	if err := checkForgetCoversResources(st.Resources, rep.Forgotten); err != nil {
		return nil, fmt.Errorf("%s: %w", rep.File, err)
	}
	rep.sortUnmatchedNew(prev, imported, regroupedNew)
	rep.keepAcceptedReplacements(prev, newSet)
	rep.dropStaleAcceptances(prev)
	if err := writeMapping(opts.Root, opts.Names, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// readInputs reads the old state, the previous mapping file (an empty one
// when there is none) and the new stack's resources.
func readInputs(opts Options) (*State, *Mapping, []NewResource, error) {
	st, err := ReadState(opts.StatePath)
	if err != nil {
		return nil, nil, nil, err
	}
	prev, err := Load(opts.Root, opts.Names)
	if err != nil {
		return nil, nil, nil, err
	}
	if prev == nil {
		prev = &Mapping{}
	}
	doc, err := opts.Synthesize()
	if err != nil {
		return nil, nil, nil, err
	}
	news, err := NewResources(doc)
	if err != nil {
		return nil, nil, nil, err
	}
	return st, prev, news, nil
}

// keepPins returns the previous file's moves that still name an old and a
// new resource, and reports the others as dropped.
func (rep *Report) keepPins(prev *Mapping, oldSet, newSet map[string]bool) []Move {
	var pins []Move
	for _, mv := range prev.Moves {
		switch {
		case !oldSet[mv.From]:
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("move from %s: not in the old state", mv.From))
		case !newSet[mv.To]:
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("move to %s: not in the new stack", mv.To))
		default:
			pins = append(pins, Move{From: mv.From, To: mv.To, On: mv.MatchedOn})
		}
	}
	return pins
}

// addressSet lists the old state's and the new stack's addresses.
func addressSet(st *State, news []NewResource) (old, new map[string]bool) {
	old, new = map[string]bool{}, map[string]bool{}
	for _, o := range st.Resources {
		old[o.Address] = true
	}
	for _, n := range news {
		new[n.Address] = true
	}
	return old, new
}

// checkSameDeployment refuses a state that shares nothing with the stack:
// not one resource matched by identity, address or pin means the state is
// another project's or another environment's, and a mapping written from it
// would list every old resource for destruction.
func (rep *Report) checkSameDeployment(n core.Names) error {
	matched := len(rep.Result.Moves) + len(rep.Result.Unchanged)
	if matched > 0 || len(rep.State.Resources) == 0 {
		return nil
	}
	return fmt.Errorf("0 of %d resources of the old state match stack %s: wrong project or environment? "+
		"Give the state of %s's %s deployment (in the HCL project's folder: `terraform init -backend-config=backend-%s.hcl && terraform state pull`), "+
		"or run with the -p and -e of the project and environment this state belongs to (its resource names say which); %s was not written",
		len(rep.State.Resources), rep.Stack, n.Project, n.Environment, n.Environment, rep.File)
}

// keepImports keeps the previous file's imports whose target is still in
// the stack and not matched in the old state; it returns their targets.
func (rep *Report) keepImports(prev *Mapping, newSet map[string]bool) map[string]bool {
	moved := map[string]bool{}
	for _, mv := range rep.Result.Moves {
		moved[mv.To] = true
	}
	imported := map[string]bool{}
	for _, im := range prev.Imports {
		switch {
		case !newSet[im.To]:
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("import to %s: not in the new stack", im.To))
		case moved[im.To]:
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("import to %s: now matched in the old state, so moved instead", im.To))
		default:
			rep.Imports = append(rep.Imports, im)
			imported[im.To] = true
		}
	}
	return imported
}

// sortUnmatchedOld decides each old resource without a counterpart:
// re-created in the stack's schedule group (regrouped), forgotten or
// accepted as destroyed by the user, forgotten automatically when it holds
// nothing in AWS, else open.
func (rep *Report) sortUnmatchedOld(prev *Mapping, regrouped map[string]string) {
	forget, destroy := reasons(prev.Forget), reasons(prev.Accept.Destroy)
	for _, u := range rep.Result.UnmatchedOld {
		if reason, ok := regrouped[u.Address]; ok {
			rep.AcceptedDestroy = append(rep.AcceptedDestroy, AcceptEntry{u.Address, reason})
		} else if reason, ok := forget[u.Address]; ok {
			rep.Forgotten = append(rep.Forgotten, AcceptEntry{u.Address, reason})
		} else if reason, ok := destroy[u.Address]; ok {
			rep.AcceptedDestroy = append(rep.AcceptedDestroy, AcceptEntry{u.Address, reason})
		} else if _, stateOnly := stateOnlyTypes[u.Type]; stateOnly {
			rep.Forgotten = append(rep.Forgotten, AcceptEntry{u.Address, autoForgotten + u.Reason})
		} else {
			rep.OpenDestroy = append(rep.OpenDestroy, u)
		}
	}
}

// sortUnmatchedNew decides each new resource without a counterpart:
// imported, the re-created half of a regrouped schedule, accepted as
// created, else open.
func (rep *Report) sortUnmatchedNew(prev *Mapping, imported map[string]bool, regrouped map[string]string) {
	create := reasons(prev.Accept.Create)
	for _, u := range rep.Result.UnmatchedNew {
		if imported[u.Address] {
			continue
		}
		if reason, ok := regrouped[u.Address]; ok {
			rep.AcceptedCreate = append(rep.AcceptedCreate, AcceptEntry{u.Address, reason})
		} else if reason, ok := create[u.Address]; ok {
			rep.AcceptedCreate = append(rep.AcceptedCreate, AcceptEntry{u.Address, reason})
		} else {
			rep.OpenCreate = append(rep.OpenCreate, u)
		}
	}
}

// keepAcceptedReplacements keeps the replacements the user accepted while
// the address is still a resource of the stack. Only Terraform's plan can
// say whether a replacement happens (PlanMapping), so they are kept as
// written.
func (rep *Report) keepAcceptedReplacements(prev *Mapping, newSet map[string]bool) {
	for _, a := range prev.Accept.Replace {
		if newSet[a.Address] {
			rep.AcceptedReplace = append(rep.AcceptedReplace, a)
		} else {
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("accepted replacement of %s: no longer in the new stack", a.Address))
		}
	}
}

// dropStaleAcceptances reports the previous file's forgets and
// acceptances that no longer apply.
func (rep *Report) dropStaleAcceptances(prev *Mapping) {
	for _, f := range prev.Forget {
		if !contains(rep.Forgotten, f.Address) {
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("forget %s: it is matched or no longer in the old state", f.Address))
		}
	}
	for _, a := range prev.Accept.Destroy {
		if !contains(rep.AcceptedDestroy, a.Address) {
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("accepted destroy of %s: it is matched or no longer in the old state", a.Address))
		}
	}
	for _, a := range prev.Accept.Create {
		if !contains(rep.AcceptedCreate, a.Address) {
			rep.Dropped = append(rep.Dropped, fmt.Sprintf("accepted create of %s: it is matched, imported or no longer in the new stack", a.Address))
		}
	}
}

func reasons(list []AcceptEntry) map[string]string {
	out := map[string]string{}
	for _, a := range list {
		out[a.Address] = a.Reason
	}
	return out
}

// writeMapping writes the report as the mapping file, atomically.
func writeMapping(root string, n core.Names, rep *Report) error {
	out := filepath.Join(root, rep.File)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return writeAtomic(out, []byte(Render(n, rep)))
}

// autoForgotten starts the reason of a resource forgotten without asking:
// one that holds nothing in AWS.
const autoForgotten = "forgotten by migrate: "

// autoRegrouped starts the reason of a schedule re-created without asking.
const autoRegrouped = "re-created by migrate: "

// regrouped pairs each unmatched old schedule with the unmatched new
// schedule of the same name in another group, and accepts both: the stack
// keeps its schedules in a group of its own (EventBridge Scheduler's
// metrics exist per group only; constructs/scheduler), a schedule cannot
// move between groups (group_name forces a new one), and a schedule holds
// no data, so the old one is deleted and the new one created in the same
// apply. Nothing else is paired by name alone.
func regrouped(old []OldResource, news []NewResource, res *Result) (oldReasons, newReasons map[string]string) {
	oldReasons, newReasons = map[string]string{}, map[string]string{}
	unmatchedNew := map[string]bool{}
	for _, u := range res.UnmatchedNew {
		unmatchedNew[u.Address] = true
	}
	byName := map[string]*NewResource{}
	for i := range news {
		n := &news[i]
		if n.Type == "aws_scheduler_schedule" && unmatchedNew[n.Address] {
			if name, ok := n.Fields["name"].(string); ok {
				byName[name] = n
			}
		}
	}
	for _, u := range res.UnmatchedOld {
		if u.Type != "aws_scheduler_schedule" {
			continue
		}
		var o *OldResource
		for i := range old {
			if old[i].Address == u.Address {
				o = &old[i]
			}
		}
		name, _ := o.Values["name"].(string)
		group, _ := o.Values["group_name"].(string)
		n := byName[name]
		if n == nil || name == "" {
			continue
		}
		reason := fmt.Sprintf("%sschedule %q moves from group %q into the stack's own group (Scheduler's metrics are per group; a schedule cannot change group, so it is deleted and created again in the same apply)", autoRegrouped, name, group)
		oldReasons[u.Address] = reason
		newReasons[n.Address] = reason
		delete(byName, name)
	}
	return oldReasons, newReasons
}

// checkForgetCoversResources makes sure that forgetting never reaches an
// instance nobody chose to forget: Terraform's removed blocks take no
// instance keys, so forgetting module.a["x"].aws_b.c forgets every instance
// of module.a.aws_b.c.
func checkForgetCoversResources(old []OldResource, forgotten []AcceptEntry) error {
	chosen := map[string]bool{}
	resources := map[string]bool{}
	for _, f := range forgotten {
		chosen[f.Address] = true
		resources[ResourceAddress(f.Address)] = true
	}
	for _, o := range old {
		r := ResourceAddress(o.Address)
		if resources[r] && !chosen[o.Address] {
			return fmt.Errorf("forgetting an instance of %s forgets all of them (Terraform's removed blocks take no instance keys), but %s is not forgotten; forget it too, or keep every instance of %s", r, o.Address, r)
		}
	}
	return nil
}

func contains(list []AcceptEntry, addr string) bool {
	for _, a := range list {
		if a.Address == addr {
			return true
		}
	}
	return false
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Render writes the mapping file: deterministic, commented for review, and
// readable back by Parse.
func Render(n core.Names, rep *Report) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# How stack %s adopts the resources of its HCL predecessor.", n.StackName())
	w("# Written by `make migrate p=%s e=%s state=<file>` from a %s state with", n.Project, n.Environment, rep.State.Format)
	w("# %d managed resources; the stack has %d. Review it and commit it: at synth", len(rep.State.Resources), len(rep.New))
	w("# time each move becomes a `moved` block and each import an `import` block.")
	w("# Then `make plan` must show no destroy and no replace (docs/migrating-from-hcl.md).")
	w("# Your edits survive the next run: pin an ambiguous match as a move, add")
	w("# imports, forget what must stay in AWS unmanaged, accept what may be")
	w("# destroyed or created.")
	w("stack: %s", n.StackName())
	w("")
	w("# Old address (terraform state list) -> new address (cdk.tf.json).")
	if len(rep.Result.Moves) == 0 {
		w("moves: []")
	} else {
		w("moves:")
		for _, mv := range rep.Result.Moves {
			w("  - from: %s", quote(mv.From))
			w("    to: %s", quote(mv.To))
			if mv.On != "" {
				w("    matched_on: %s", quote(mv.On))
			}
		}
	}
	w("")
	w("# Resources that exist in AWS but not in the old state, adopted with an")
	w("# `import` block: - to: <new address>")
	w("#                   id: <the import ID the resource type documents>")
	if len(rep.Imports) == 0 {
		w("imports: []")
	} else {
		w("imports:")
		for _, im := range rep.Imports {
			w("  - to: %s", quote(im.To))
			w("    id: %s", quote(im.ID))
		}
	}
	w("")
	w("# Old resources Terraform stops managing but leaves in AWS; each becomes a")
	w("# `removed` block with destroy = false (Terraform 1.7+).")
	writeEntries(w, "", "forget", rep.Forgotten)
	w("")
	w("accept:")
	w("  # Old resources with no counterpart that Terraform will destroy.")
	writeEntries(w, "  ", "destroy", rep.AcceptedDestroy)
	w("  # New resources with no counterpart that Terraform will create.")
	writeEntries(w, "  ", "create", rep.AcceptedCreate)
	w("  # Resources Terraform's plan replaces (destroys and recreates), each with")
	w("  # the reason that is acceptable: make migrate fails on any other.")
	writeEntries(w, "  ", "replace", rep.AcceptedReplace)
	if open := rep.Outstanding(); open > 0 {
		w("")
		w("# Not decided yet (%d): ambiguous matches to pin as moves, and unmatched", open)
		w("# resources to forget, accept, import or fix. Copy an entry above to decide it.")
		for _, a := range rep.Result.Ambiguous {
			w("#   ambiguous: %s could be any of %s (all have %s)", a.Address, strings.Join(a.Candidates, ", "), a.On)
		}
		for _, u := range rep.OpenDestroy {
			w("#   would be destroyed: %s (%s)", u.Address, u.Reason)
		}
		for _, u := range rep.OpenCreate {
			w("#   would be created: %s (%s)", u.Address, u.Reason)
		}
	}
	return b.String()
}

func writeEntries(w func(string, ...any), indent, key string, list []AcceptEntry) {
	if len(list) == 0 {
		w("%s%s: []", indent, key)
		return
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Address < list[j].Address })
	w("%s%s:", indent, key)
	for _, a := range list {
		w("%s  - address: %s", indent, quote(a.Address))
		if a.Reason != "" {
			w("%s    reason: %s", indent, quote(a.Reason))
		}
	}
}

// quote writes a YAML scalar: plain when that is unambiguous, else single-quoted.
func quote(s string) string {
	plain := s != "" && !strings.ContainsAny(s, "\"'#:[]{},&*!|>%@`\\ ") && !strings.HasPrefix(s, "-")
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
