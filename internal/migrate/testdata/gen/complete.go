package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// A fixture must be what Terraform writes: every attribute of the
// provider's schema, with the values the provider plans for what the HCL
// configuration left unset (defaults such as a subnet's ipv6_native = false
// or a service's scheduling_strategy = "REPLICA"). Hand-written values alone
// miss those, and a missing attribute that forces replacement plans a
// replacement the real account would never see.
//
// So each fixture is completed by the provider itself: its resources are
// written as a Terraform configuration (the arguments the HCL modules set),
// planned offline against internal/awsstub, and the planned values are
// taken as the state, with the values only AWS knows after apply (IDs,
// ARNs, timestamps) taken from the hand-written fixture.

// schema is the part of `terraform providers schema -json` a fixture needs.
type schema struct {
	Resources   map[string]typeSchema `json:"resource_schemas"`
	DataSources map[string]typeSchema `json:"data_source_schemas"`
}

type typeSchema struct {
	Version int   `json:"version"`
	Block   block `json:"block"`
}

type block struct {
	Attributes map[string]attribute `json:"attributes"`
	BlockTypes map[string]struct {
		NestingMode string `json:"nesting_mode"`
		Block       block  `json:"block"`
	} `json:"block_types"`
	Deprecated bool `json:"deprecated"`
}

type attribute struct {
	Optional, Required, Computed, Deprecated bool
	// Type is the attribute's type as Terraform writes it:
	// "string", ["list", ["object", {"a": "string"}]], ...
	Type any
}

func (a attribute) settable() bool { return (a.Optional || a.Required) && !a.Deprecated }

// loadSchema asks Terraform for the provider's schema.
func loadSchema(ctx context.Context, tc *tfcheck.Toolchain, scratch string) (*schema, error) {
	raw, err := tfcheck.ProviderSchema(ctx, tc, scratch)
	if err != nil {
		return nil, err
	}
	var doc struct {
		ProviderSchemas map[string]schema `json:"provider_schemas"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	s, ok := doc.ProviderSchemas[provider]
	if !ok {
		return nil, fmt.Errorf("no schema for %s", provider)
	}
	return &s, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// configName is a resource's name in the completion configuration.
func configName(r res) string { return unsafeName.ReplaceAllString(r.address(), "_") }

// complete fills every managed aws resource of rs from the provider's plan
// of the same arguments, and every other schema attribute with null.
func complete(ctx context.Context, tc *tfcheck.Toolchain, s *schema, scratch, project, env string, rs []res) ([]res, error) {
	config := map[string]any{}
	for _, r := range rs {
		if r.mode != "managed" || providerOf(r.typ) != provider {
			continue
		}
		ts, ok := s.Resources[r.typ]
		if !ok {
			return nil, fmt.Errorf("%s: type %s is not in the provider's schema", r.address(), r.typ)
		}
		values := map[string]any{}
		for k, v := range r.values {
			if !configuredElsewhere[r.typ+"."+k] {
				values[k] = v
			}
		}
		args, err := arguments(values, ts.Block, r.address())
		if err != nil {
			return nil, err
		}
		byName, _ := config[r.typ].(map[string]any)
		if byName == nil {
			byName = map[string]any{}
			config[r.typ] = byName
		}
		byName[configName(r)] = args
	}
	name := "complete-" + project + "-" + env
	dir := filepath.Join(scratch, "config", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	doc := map[string]any{
		"terraform": map[string]any{
			"required_providers": map[string]any{"aws": map[string]any{"source": "hashicorp/aws", "version": ">= 5.99.1, < 6.0.0"}},
			"backend":            map[string]any{"s3": map[string]any{"bucket": "unused", "key": "unused", "region": region}},
		},
		// The HCL projects' provider: their default tags.
		"provider": map[string]any{"aws": map[string]any{"region": region, "default_tags": map[string]any{"tags": map[string]any{
			"Project": project, "Environment": env, "ManagedBy": "terraform"}}}},
		"resource": config,
	}
	raw, _ := json.MarshalIndent(doc, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), raw, 0o644); err != nil {
		return nil, err
	}
	ws, err := tfcheck.NewWorkspace(tc, scratch)
	if err != nil {
		return nil, err
	}
	planJSON := filepath.Join(scratch, name+".tfplan.json")
	result, err := ws.Run(ctx, tfcheck.Target{Name: name, Dir: dir, PlanJSON: planJSON})
	if err != nil {
		return nil, err
	}
	if result.Plan == nil {
		return nil, fmt.Errorf("planning %s's resources failed: %v", name, result.Problems)
	}
	planned, err := readPlanned(planJSON)
	if err != nil {
		return nil, err
	}
	out := make([]res, len(rs))
	for i, r := range rs {
		out[i] = r
		var b block
		switch {
		case providerOf(r.typ) != provider:
			continue // null, archive: filled by hand, their providers are not here
		case r.mode == "data":
			b = s.DataSources[r.typ].Block
			out[i].values = merge(b, nil, nil, r.values, false)
		default:
			b = s.Resources[r.typ].Block
			p, ok := planned[r.typ+"."+configName(r)]
			if !ok {
				return nil, fmt.Errorf("%s: not in the plan", r.address())
			}
			out[i].values = merge(b, p.after, p.unknown, r.values, sdkV2(b))
		}
		out[i].schemaVersion = s.versionOf(r)
	}
	return out, nil
}

func (s *schema) versionOf(r res) int {
	if r.mode == "data" {
		return s.DataSources[r.typ].Version
	}
	return s.Resources[r.typ].Version
}

// configuredElsewhere are attributes AWS reports on a resource that the
// HCL modules configured through another resource: setting them too would
// make two resources manage the same thing.
var configuredElsewhere = map[string]bool{
	"aws_route_table.route": true, // each route is an aws_route
}

// arguments are the values a configuration would set: settable, not
// deprecated, and not empty (the hand-written fixtures write an unset
// string as "" and an unset block as []).
func arguments(values map[string]any, b block, where string) (map[string]any, error) {
	out := map[string]any{}
	keys := sortedKeys(values)
	for _, k := range keys {
		v := values[k]

		if a, ok := b.Attributes[k]; ok {
			// The SDK's id and the provider's tags_all show as optional in
			// the schema but are set by the provider, never by a
			// configuration (tags_all is the default tags merged in).
			if a.settable() && !empty(v) && k != "id" && k != "tags_all" {
				out[k] = v
			}
			continue
		}
		bt, ok := b.BlockTypes[k]
		if !ok {
			return nil, fmt.Errorf("%s: %s is not an attribute of the provider's schema", where, k)
		}
		if bt.Block.Deprecated {
			continue
		}
		var objs []any
		for _, o := range tfjson.List(v) {
			m, _ := o.(map[string]any)
			args, err := arguments(m, bt.Block, where+"."+k)
			if err != nil {
				return nil, err
			}
			objs = append(objs, args)
		}
		switch {
		case len(objs) == 0:
		case bt.NestingMode == "single" || bt.NestingMode == "group":
			out[k] = objs[0]
		default:
			out[k] = objs
		}
	}
	return out, nil
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case int:
		return x == 0
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

type plannedValues struct {
	after, unknown map[string]any
}

func readPlanned(path string) (map[string]plannedValues, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				After        map[string]any `json:"after"`
				AfterUnknown map[string]any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	out := map[string]plannedValues{}
	for _, rc := range doc.ResourceChanges {
		out[rc.Address] = plannedValues{rc.Change.After, rc.Change.AfterUnknown}
	}
	return out, nil
}

// merge is the state of one object: each attribute as planned where the
// plan knows it (the configuration's value or the provider's default), else
// as the fixture says AWS returned it, else null; each nested block merged
// the same way, element by element.
//
// Resources written with the provider's older SDK (sdkV2) have no null:
// an unset string is stored as "", a number as 0, a bool as false, and the
// provider plans them so against a prior state; the merge writes them so.
func merge(b block, after, unknown, fixture map[string]any, sdk bool) map[string]any {
	out := map[string]any{}
	for name, a := range b.Attributes {
		planned, known := after[name]
		switch {
		case (unknown[name] == true || !known) && fixture[name] == nil && sdk:
			// Reported by AWS, and not written in the fixture: the SDK
			// stores the type's zero value, never null (a null would be
			// planned as "known after apply").
			out[name] = zero(a.Type)
		case (unknown[name] == true || !known) && fixture[name] == nil:
			out[name] = nil
		case unknown[name] == true || !known:
			out[name] = fill(a.Type, fixture[name])
		case planned == nil && sdk:
			out[name] = zero(a.Type)
		default:
			out[name] = planned
		}
	}
	for name, bt := range b.BlockTypes {
		var objs []any
		if unknown[name] == true || after == nil || after[name] == nil {
			objs = tfjson.List(fixture[name])
			var filled []any
			for _, o := range objs {
				m, _ := o.(map[string]any)
				filled = append(filled, merge(bt.Block, nil, nil, m, sdk))
			}
			objs = filled
		} else {
			fixtures := tfjson.List(fixture[name])
			unknowns, _ := unknown[name].([]any)
			for i, a := range tfjson.List(after[name]) {
				am, _ := a.(map[string]any)
				var um, fm map[string]any
				if i < len(unknowns) {
					um, _ = unknowns[i].(map[string]any)
				} else if u, ok := unknown[name].(map[string]any); ok {
					um = u
				}
				if i < len(fixtures) {
					fm, _ = fixtures[i].(map[string]any)
				}
				objs = append(objs, merge(bt.Block, am, um, fm, sdk))
			}
		}
		switch {
		case bt.NestingMode == "single" || bt.NestingMode == "group":
			if len(objs) > 0 {
				out[name] = objs[0]
			} else {
				out[name] = nil
			}
		case objs == nil:
			out[name] = []any{}
		default:
			out[name] = objs
		}
	}
	return out
}

// fill completes a value the fixture wrote by hand to its type: every
// attribute of an object present, with the zero value the provider's SDK
// writes where the fixture says nothing ("" for a string, as AWS's route
// table routes read back).
func fill(typ, v any) any {
	t, ok := typ.([]any)
	if !ok || len(t) != 2 {
		if v == nil {
			return zero(typ)
		}
		return v
	}
	switch t[0] {
	case "list", "set":
		list, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = fill(t[1], e)
		}
		return out
	case "object":
		attrs, _ := t[1].(map[string]any)
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, at := range attrs {
			out[k] = fill(at, m[k])
		}
		return out
	}
	return v
}

// sdkV2 tells a resource type written with terraform-plugin-sdk/v2 from one
// written with the plugin framework: the SDK's implicit id attribute is
// optional and computed, the framework's ids are computed only.
func sdkV2(b block) bool { return b.Attributes["id"].Optional }

// zero is the SDK's zero value of a type: "", 0, false, an empty list,
// set or map; null for an object.
func zero(typ any) any {
	switch typ {
	case "string":
		return ""
	case "number":
		return 0
	case "bool":
		return false
	}
	if t, ok := typ.([]any); ok && len(t) == 2 {
		switch t[0] {
		case "list", "set":
			return []any{}
		case "map":
			return map[string]any{}
		}
	}
	return nil
}
