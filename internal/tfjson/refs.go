package tfjson

import (
	"regexp"
	"sort"
)

// Ref is one reference inside a Terraform interpolation ("${...}"): the
// address it names and the attribute it reads.
type Ref struct {
	// Address is "<type>.<id>" or "data.<type>.<id>".
	Address string
	// Attr is the attribute read ("arn", "name"), "" for the whole object.
	Attr string
}

// Data reports whether the reference names a data source.
func (r Ref) Data() bool { return len(r.Address) > 5 && r.Address[:5] == "data." }

var (
	interpolation = regexp.MustCompile(`\$\{([^}]*)\}`)
	refAddress    = regexp.MustCompile(`\b((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.([a-z0-9_]+))?`)
	// simpleRef is an interpolation that is exactly one attribute read.
	simpleRef = regexp.MustCompile(`^\$\{((?:data\.)?[a-zA-Z0-9_]+\.[a-zA-Z0-9_-]+)\.([a-zA-Z0-9_]+)\}$`)
)

// RefsIn returns the references in one string, in order of appearance:
// every resource address inside every interpolation, including those in
// function calls ("${jsonencode(aws_x.y.arn)}").
func RefsIn(s string) []Ref {
	var out []Ref
	for _, m := range interpolation.FindAllStringSubmatch(s, -1) {
		for _, a := range refAddress.FindAllStringSubmatch(m[1], -1) {
			out = append(out, Ref{Address: a[1], Attr: a[2]})
		}
	}
	return out
}

// Refs returns every reference anywhere inside v (a block's fields, a
// nested block, a list), skipping cdktf's "//" metadata and depends_on.
func Refs(v any) []Ref {
	var out []Ref
	walkStrings(v, func(s string) { out = append(out, RefsIn(s)...) })
	return out
}

// Addresses returns the addresses referenced anywhere inside v, sorted and
// without duplicates.
func Addresses(v any) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range Refs(v) {
		if !seen[r.Address] {
			seen[r.Address] = true
			out = append(out, r.Address)
		}
	}
	sort.Strings(out)
	return out
}

// OnlyRef returns the reference when s is exactly one attribute read
// ("${aws_x.y.arn}") and nothing else.
func OnlyRef(s string) (Ref, bool) {
	m := simpleRef.FindStringSubmatch(s)
	if m == nil {
		return Ref{}, false
	}
	return Ref{Address: m[1], Attr: m[2]}, true
}

// ReplaceRefs replaces every interpolation of s that is exactly one
// attribute read ("${aws_x.y.arn}") with what replace returns for it;
// other text, and any interpolation replace declines (ok false), stay.
func ReplaceRefs(s string, replace func(Ref) (value string, ok bool)) string {
	return interpolation.ReplaceAllStringFunc(s, func(expr string) string {
		r, ok := OnlyRef(expr)
		if !ok {
			return expr
		}
		if v, ok := replace(r); ok {
			return v
		}
		return expr
	})
}

func walkStrings(v any, visit func(string)) {
	switch x := v.(type) {
	case string:
		visit(x)
	case map[string]any:
		for k, e := range x {
			if k != "//" && k != "depends_on" {
				walkStrings(e, visit)
			}
		}
	case []any:
		for _, e := range x {
			walkStrings(e, visit)
		}
	}
}
