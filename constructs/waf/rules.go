package waf

// The v19 provider bindings have no typed rule statements (TOOLCHAIN.md):
// statements are written as data with Terraform's snake_case block names,
// which pass through to the JSON unchanged. These helpers keep them short.

type m = map[string]any

// byteMatch matches search in a part of the request after one transformation.
func byteMatch(part m, constraint, search, transformation string) m {
	return m{"byte_match_statement": m{
		"field_to_match":        part,
		"positional_constraint": constraint,
		"search_string":         search,
		"text_transformation":   []m{{"priority": 0, "type": transformation}},
	}}
}

// uriPath and queryString select what a byte match inspects.
func uriPath() m     { return m{"uri_path": m{}} }
func queryString() m { return m{"query_string": m{}} }

func or(statements ...m) m { return m{"or_statement": m{"statement": statements}} }

func managedGroup(name string) m {
	return m{"managed_rule_group_statement": m{"name": name, "vendor_name": "AWS"}}
}

func rateLimit(limit int) m {
	// WAF counts over a 5-minute window by default, the spec's window.
	return m{"rate_based_statement": m{"limit": limit, "aggregate_key_type": "IP"}}
}
