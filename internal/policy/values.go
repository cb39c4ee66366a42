package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// checkSecretValues looks at every string the stack sets, in every resource,
// data source, output and provider (JSON inside strings included: a
// schedule's input, container definitions, policies), for a value in a
// recognised credential format (core.FindCredential), whatever the name it
// is set under. A false positive is let through by that name in the
// project's NotSecrets.
func checkSecretValues(s *Stack) []Violation {
	var out []Violation
	report := func(b block, path, name, kind, redacted string) {
		if s.NotSecrets.Allows(name) {
			return
		}
		out = append(out, s.violation(b, RuleSecretValue,
			fmt.Sprintf("keep the secret in an SSM SecureString parameter or a Secrets Manager secret and pass its name; if it is not a secret, add NotSecrets: {%q: \"<why>\"} to the project's settings", name),
			"%s holds what looks like %s (%s)", path, kind, redacted))
	}
	for _, kind := range []string{"resource", "data"} {
		for _, typ := range tfjson.Doc(s.Doc).Types(kind) {
			for _, b := range tfjson.Doc(s.Doc).Blocks(kind, typ) {
				walkStrings(b.Fields, "", "", func(path, name, v string) {
					if kind, redacted, found := core.FindCredential(v); found {
						report(b, path, name, kind, redacted)
					}
				})
			}
		}
	}
	// Outputs and providers (default tags) are not blocks with addresses.
	for _, top := range []string{"output", "provider"} {
		section, _ := s.Doc[top].(map[string]any)
		for _, key := range core.SortedKeys(section) {
			walkStrings(section[key], top+"."+key, key, func(path, name, v string) {
				if kind, redacted, found := core.FindCredential(v); found {
					report(tfjson.Block{Type: top, ID: key}, path, name, kind, redacted)
				}
			})
		}
	}
	return out
}

// skippedFields hold values no person wrote (content hashes), where a
// credential-shaped run of characters would be chance.
var skippedFields = map[string]bool{"source_code_hash": true, "//": true}

// walkStrings calls fn for every string in v with its path and the name it
// is set under: the innermost key, or the "name"/"key" of a {name, value}
// pair (container environment, tag blocks). A string holding a JSON object
// or list is walked as JSON.
func walkStrings(v any, path, name string, fn func(path, name, value string)) {
	switch t := v.(type) {
	case map[string]any:
		pairName := tfjson.Str(t, "name")
		if pairName == "" {
			pairName = tfjson.Str(t, "key")
		}
		for _, k := range core.SortedKeys(t) {
			if skippedFields[k] {
				continue
			}
			n := k
			if k == "value" && pairName != "" {
				n = pairName
			}
			walkStrings(t[k], join(path, k), n, fn)
		}
	case []any:
		for i, e := range t {
			walkStrings(e, fmt.Sprintf("%s[%d]", path, i), name, fn)
		}
	case string:
		if isReference(t) {
			return
		}
		if trimmed := strings.TrimSpace(t); strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
			var inner any
			if json.Unmarshal([]byte(trimmed), &inner) == nil {
				walkStrings(inner, path, name, fn)
				return
			}
		}
		fn(path, name, t)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
