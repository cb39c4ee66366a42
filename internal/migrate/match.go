package migrate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// Move is one old resource matched to its new counterpart.
type Move struct {
	From string // old address
	To   string // new address
	// On says why they are the same object, for the reviewer.
	On string
}

// Ambiguity is a resource with more than one possible counterpart. The
// matcher never picks one; the user pins the right one in the mapping file.
type Ambiguity struct {
	// Address is the resource whose counterpart is unclear.
	Address string
	// Candidates are the resources on the other side it could be.
	Candidates []string
	// On is what they all share.
	On string
}

// Unmatched is a resource with no counterpart.
type Unmatched struct {
	Address string
	Type    string
	Reason  string
}

// Result is the outcome of matching an old state to a new stack.
type Result struct {
	Moves []Move
	// Unchanged are resources whose address is the same in both.
	Unchanged []string
	// Ambiguous: new resources with several candidate old ones, then old
	// resources claimed by several new ones.
	Ambiguous []Ambiguity
	// UnmatchedOld would be destroyed; UnmatchedNew would be created.
	UnmatchedOld []Unmatched
	UnmatchedNew []Unmatched
}

// Match pairs old resources with new ones: first the pins (moves the user
// wrote or kept in the mapping file), then by identity attributes of the
// same type, resolving references of new resources through pairs already
// made (a subnet's vpc_id is known once its VPC is matched), then through
// references of matched resources (a matched NAT gateway's allocation_id
// names its Elastic IP). A pair is made only when each side has exactly one
// candidate; anything else is reported.
func Match(old []OldResource, new []NewResource, pins []Move) (*Result, error) {
	m := &matcher{
		oldByAddr: map[string]*OldResource{}, newByAddr: map[string]*NewResource{},
		toOld: map[string]string{}, toNew: map[string]string{}, on: map[string]string{},
	}
	// Sorted, so reports and pairings never depend on input order.
	old = append([]OldResource(nil), old...)
	new = append([]NewResource(nil), new...)
	sort.Slice(old, func(i, j int) bool { return old[i].Address < old[j].Address })
	sort.Slice(new, func(i, j int) bool { return new[i].Address < new[j].Address })
	for i := range old {
		m.oldByAddr[old[i].Address] = &old[i]
		m.olds = append(m.olds, &old[i])
	}
	for i := range new {
		m.newByAddr[new[i].Address] = &new[i]
		m.news = append(m.news, &new[i])
	}
	res := &Result{}
	for _, p := range pins {
		o, n := m.oldByAddr[p.From], m.newByAddr[p.To]
		switch {
		case o == nil:
			return nil, fmt.Errorf("move %s -> %s: %s is not in the old state", p.From, p.To, p.From)
		case n == nil:
			return nil, fmt.Errorf("move %s -> %s: %s is not a resource of the new stack", p.From, p.To, p.To)
		case o.Type != n.Type:
			return nil, fmt.Errorf("move %s -> %s: types differ (%s, %s); Terraform moves state only between resources of one type", p.From, p.To, o.Type, n.Type)
		case m.toNew[p.From] != "":
			return nil, fmt.Errorf("move %s -> %s: %s is moved twice", p.From, p.To, p.From)
		case m.toOld[p.To] != "":
			return nil, fmt.Errorf("move %s -> %s: %s is the target of two moves", p.From, p.To, p.To)
		}
		on := p.On
		if on == "" {
			on = "pinned in the mapping file"
		}
		m.pair(n, o, on)
	}
	// Resources whose address did not change need no move.
	for _, n := range m.news {
		if o := m.oldByAddr[n.Address]; o != nil && o.Type == n.Type && !m.matched(n, o) {
			m.pair(n, o, "same address")
		}
	}
	for m.round(false) || m.round(true) {
	}
	m.report(res)
	return res, nil
}

type matcher struct {
	olds      []*OldResource
	news      []*NewResource
	oldByAddr map[string]*OldResource
	newByAddr map[string]*NewResource
	toOld     map[string]string // new address -> old address
	toNew     map[string]string // old address -> new address
	on        map[string]string // new address -> reason
	relaxed   bool
}

func (m *matcher) matched(n *NewResource, o *OldResource) bool {
	return m.toOld[n.Address] != "" || m.toNew[o.Address] != ""
}

func (m *matcher) pair(n *NewResource, o *OldResource, on string) {
	m.toOld[n.Address] = o.Address
	m.toNew[o.Address] = n.Address
	m.on[n.Address] = on
}

// lookup resolves an attribute of a new resource through its match, or,
// for a resource with no old counterpart yet, through its own literal
// value: a schedule's group_name that names the stack's new schedule group
// is that group's configured name whether or not the group existed before.
func (m *matcher) lookup(addr, attr string) (string, status) {
	if oldAddr := m.toOld[addr]; oldAddr != "" {
		v, present := m.oldByAddr[oldAddr].Values[attr]
		if !present || v == nil {
			return "", unknown
		}
		return canonical(v), known
	}
	if n := m.newByAddr[addr]; n != nil {
		if v, ok := n.Fields[attr].(string); ok && v != "" && !strings.Contains(v, "${") {
			return v, known
		}
		if !m.relaxed {
			return "", pending
		}
	}
	return "", unknown
}

// candidates finds the old resources a new one may be, by the first
// identity key that is known and leaves at least one candidate. blocked is
// set when, outside relaxed mode, the key waits on an unmatched reference.
func (m *matcher) candidates(n *NewResource) (on string, cands []*OldResource, blocked bool) {
	for _, key := range identityKeys[n.Type] {
		vals := make([]string, len(key))
		usable := true
		for i, attr := range key {
			v, st := newValue(*n, attr, m.lookup)
			if st == pending {
				return "", nil, true
			}
			if st != known {
				usable = false
				break
			}
			vals[i] = v
		}
		if !usable {
			continue
		}
		for _, o := range m.olds {
			if o.Type != n.Type || m.toNew[o.Address] != "" {
				continue
			}
			same := true
			for i, attr := range key {
				if oldValue(*o, attr) != vals[i] {
					same = false
					break
				}
			}
			if same {
				cands = append(cands, o)
			}
		}
		if len(cands) > 0 {
			return describeKey(key, vals), cands, false
		}
	}
	return "", nil, false
}

func describeKey(key, vals []string) string {
	parts := make([]string, len(key))
	for i := range key {
		parts[i] = fmt.Sprintf("%s = %q", key[i], vals[i])
	}
	return strings.Join(parts, ", ")
}

// round makes every pair it can prove and reports whether it made any.
func (m *matcher) round(relaxed bool) bool {
	m.relaxed = relaxed
	defer func() { m.relaxed = false }()
	type claim struct {
		on    string
		cands []*OldResource
	}
	claims := map[string]claim{}
	claimedBy := map[string][]string{} // old address -> new addresses claiming it
	for _, n := range m.news {
		if m.toOld[n.Address] != "" {
			continue
		}
		on, cands, blocked := m.candidates(n)
		if blocked || len(cands) == 0 {
			continue
		}
		claims[n.Address] = claim{on, cands}
		for _, o := range cands {
			claimedBy[o.Address] = append(claimedBy[o.Address], n.Address)
		}
	}
	progress := false
	for _, n := range m.news {
		c, ok := claims[n.Address]
		if !ok || len(c.cands) != 1 || len(claimedBy[c.cands[0].Address]) != 1 {
			continue
		}
		m.pair(n, c.cands[0], c.on)
		progress = true
	}
	return m.infer() || progress
}

// infer follows references out of matched pairs: when new resource N is
// old resource O and N.attr is "${T.X.a}", then T.X is the old resource of
// type T whose a equals O.attr. Pairs are made only when exactly one old
// resource fits.
func (m *matcher) infer() bool {
	progress := false
	for _, n := range m.news {
		oldAddr := m.toOld[n.Address]
		if oldAddr == "" {
			continue
		}
		o := m.oldByAddr[oldAddr]
		for _, ref := range pureRefs(followedFields(n), o.Values, "") {
			target := m.newByAddr[ref.address]
			if target == nil || m.toOld[target.Address] != "" || ref.oldValue == "" {
				continue
			}
			var fits []*OldResource
			for _, c := range m.olds {
				if c.Type == target.Type && m.toNew[c.Address] == "" && oldValue(*c, ref.attr) == ref.oldValue {
					fits = append(fits, c)
				}
			}
			if len(fits) == 1 {
				m.pair(target, fits[0], fmt.Sprintf("%s = %q, referenced as %s by %s", ref.attr, ref.oldValue, ref.field, o.Address))
				progress = true
			}
		}
	}
	return progress
}

// followedFields are the fields whose live value must equal the
// configuration. Fields under lifecycle.ignore_changes are left out: their
// live value may legitimately differ (CodeDeploy points a service and a
// listener at the green target group), so they prove nothing.
func followedFields(n *NewResource) map[string]any {
	lc, _ := n.Fields["lifecycle"].(map[string]any)
	ignored := map[string]bool{}
	switch v := lc["ignore_changes"].(type) {
	case string:
		if v == "all" {
			return nil
		}
	case []any:
		for _, f := range v {
			if s, ok := f.(string); ok {
				ignored[s] = true
			}
		}
	}
	out := make(map[string]any, len(n.Fields))
	for k, v := range n.Fields {
		if !ignored[k] && k != "lifecycle" {
			out[k] = v
		}
	}
	return out
}

type refUse struct {
	field    string // where the reference sits in the new resource
	address  string // the referenced new resource
	attr     string
	oldValue string // the old resource's value at field
}

// pureRefs lists the fields of a new resource that are exactly one
// reference, with the value the old resource has at the same place. Nested
// blocks are followed only where both sides hold a single element, so list
// order never pairs the wrong values.
func pureRefs(fields map[string]any, old map[string]any, prefix string) []refUse {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []refUse
	for _, k := range keys {
		ov := single(old[k])
		switch v := single(fields[k]).(type) {
		case string:
			ref, ok := tfjson.OnlyRef(v)
			if !ok || ref.Data() {
				continue
			}
			if s, ok := ov.(string); ok {
				out = append(out, refUse{field: prefix + k, address: ref.Address, attr: ref.Attr, oldValue: s})
			}
		case map[string]any:
			if om, ok := ov.(map[string]any); ok {
				out = append(out, pureRefs(v, om, prefix+k+".")...)
			}
		}
	}
	return out
}

func single(v any) any {
	if l, ok := v.([]any); ok && len(l) == 1 {
		return l[0]
	}
	return v
}

// report sorts what is left into ambiguities and unmatched resources.
func (m *matcher) report(res *Result) {
	m.relaxed = true
	for _, n := range m.news {
		oldAddr := m.toOld[n.Address]
		switch {
		case oldAddr == n.Address:
			res.Unchanged = append(res.Unchanged, n.Address)
		case oldAddr != "":
			res.Moves = append(res.Moves, Move{From: oldAddr, To: n.Address, On: m.on[n.Address]})
		}
	}
	sort.Slice(res.Moves, func(i, j int) bool { return res.Moves[i].From < res.Moves[j].From })

	inAmbiguity := map[string]bool{}
	claimedBy := map[string][]string{}
	claimOn := map[string]string{}
	for _, n := range m.news {
		if m.toOld[n.Address] != "" {
			continue
		}
		on, cands, _ := m.candidates(n)
		switch {
		case len(cands) > 1:
			a := Ambiguity{Address: n.Address, On: on}
			for _, c := range cands {
				a.Candidates = append(a.Candidates, c.Address)
				inAmbiguity[c.Address] = true
			}
			inAmbiguity[n.Address] = true
			res.Ambiguous = append(res.Ambiguous, a)
		case len(cands) == 1:
			claimedBy[cands[0].Address] = append(claimedBy[cands[0].Address], n.Address)
			claimOn[cands[0].Address] = on
		}
	}
	for _, o := range m.olds {
		if news := claimedBy[o.Address]; len(news) > 1 {
			res.Ambiguous = append(res.Ambiguous, Ambiguity{Address: o.Address, Candidates: news, On: claimOn[o.Address]})
			inAmbiguity[o.Address] = true
			for _, n := range news {
				inAmbiguity[n] = true
			}
		}
	}
	for _, n := range m.news {
		if m.toOld[n.Address] != "" || inAmbiguity[n.Address] {
			continue
		}
		reason := "no resource of this type in the old state has the same identity"
		if !HasIdentity(n.Type) {
			reason = "no identity rule for " + n.Type + "; pin it by hand if it exists in the old state"
		}
		res.UnmatchedNew = append(res.UnmatchedNew, Unmatched{Address: n.Address, Type: n.Type, Reason: reason})
	}
	for _, o := range m.olds {
		if m.toNew[o.Address] != "" || inAmbiguity[o.Address] {
			continue
		}
		reason := "no resource of the new stack has the same identity"
		if why, ok := stateOnlyTypes[o.Type]; ok {
			reason = why
		} else if !HasIdentity(o.Type) {
			reason = "no identity rule for " + o.Type + "; pin it by hand if the new stack has it"
		}
		res.UnmatchedOld = append(res.UnmatchedOld, Unmatched{Address: o.Address, Type: o.Type, Reason: reason})
	}
}
