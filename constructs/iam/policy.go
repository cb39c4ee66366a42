// Package iam builds least-privilege IAM roles: policy documents as typed Go
// values, roles that collect the statements granted to them, and the
// principals the platform's services assume roles as.
package iam

import (
	"bytes"
	"encoding/json"
	"sort"
)

// Statement is one IAM policy statement. Resources are exact ARNs (or ARN
// patterns scoped to this project); see policy checks for where "*" is allowed.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Actions   []string                  `json:"Action"`
	Resources []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Allow is an Allow statement for actions on resources.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Actions: actions, Resources: resources}
}

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// NewPolicyDocument returns a 2012-10-17 document holding statements.
func NewPolicyDocument(statements ...Statement) PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: statements}
}

// JSON renders the document deterministically (struct field order, sorted
// map keys, no HTML escaping so "${...}" references and "<" stay readable).
func (d PolicyDocument) JSON() string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		panic(err) // only plain strings, slices and maps: cannot fail
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}

// ordered returns statements sorted by Sid with exact duplicates dropped, so
// grants made in any order, or twice, give the same document.
func ordered(statements []Statement) []Statement {
	out := make([]Statement, 0, len(statements))
	seen := map[string]bool{}
	for _, s := range statements {
		key := NewPolicyDocument(s).JSON()
		if !seen[key] {
			seen[key] = true
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sid < out[j].Sid })
	return out
}
