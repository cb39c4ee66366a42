// Command gen writes the state fixtures of package migrate in both formats
// Terraform produces: `terraform show -json` (<name>.show.json) and
// `terraform state pull` (<name>.tfstate). Each fixture is the state an HCL
// deployment of the spec's modules would hold for the same design as the
// synthesized stack: same names, CIDRs and settings, completed by the AWS
// provider itself (complete.go) so that it holds every attribute of the
// provider's schema, as Terraform 1.11 with hashicorp/aws 5.100.0 writes it.
// It needs terraform and the provider mirror (internal/tfcheck finds them).
// Run from the package folder: go run ./testdata/gen
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
)

// res is one resource instance of a fixture.
type res struct {
	module string // e.g. module.lambda["x"]; "" at the root
	mode   string // managed or data
	typ    string
	name   string
	index  any // nil, int (count) or string (for_each)
	values map[string]any
	// schemaVersion is the provider schema's version of the type.
	schemaVersion int
}

func (r res) address() string {
	a := r.typ + "." + r.name
	if r.mode == "data" {
		a = "data." + a
	}
	if r.module != "" {
		a = r.module + "." + a
	}
	return a + indexSuffix(r.index)
}

func indexSuffix(i any) string {
	switch k := i.(type) {
	case nil:
		return ""
	case int:
		return "[" + strconv.Itoa(k) + "]"
	default:
		return "[" + strconv.Quote(k.(string)) + "]"
	}
}

const provider = "registry.terraform.io/hashicorp/aws"

// terraformVersion is the Terraform that writes the fixtures' states.
const terraformVersion = "1.11.4"

// providerOf is the provider that owns a resource type: the HCL Lambda
// module also used hashicorp/null (a build trigger) and hashicorp/archive
// (the zip).
func providerOf(typ string) string {
	switch typ {
	case "null_resource":
		return "registry.terraform.io/hashicorp/null"
	case "archive_file":
		return "registry.terraform.io/hashicorp/archive"
	}
	return provider
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	tc, err := tfcheck.FindToolchain()
	if err != nil {
		return err
	}
	scratch, err := os.MkdirTemp("", "talkwise-fixtures-")
	if err != nil {
		return err
	}
	// GEN_KEEP=1 keeps the completion configurations and plans to read.
	if os.Getenv("GEN_KEEP") == "" {
		defer os.RemoveAll(scratch)
	} else {
		fmt.Println("keeping", scratch)
	}
	s, err := loadSchema(ctx, tc, scratch)
	if err != nil {
		return err
	}
	fixtures := []struct {
		project, env string
		resources    []res
	}{
		{"ruk-scheduler", "dev", rukSchedulerDev()},
		{"agent-factory", "dev", agentFactory("dev")},
		{"agent-factory", "production", agentFactory("production")},
	}
	for _, f := range fixtures {
		rs, err := complete(ctx, tc, s, scratch, f.project, f.env, f.resources)
		if err != nil {
			return err
		}
		name := f.project + "-" + f.env
		write(name+".show.json", showJSON(rs))
		write(name+".tfstate", statePull(rs))
	}
	return nil
}

func write(name string, doc any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", name), buf.Bytes(), 0o644); err != nil {
		panic(err)
	}
	fmt.Println("wrote testdata/" + name)
}

// showJSON nests resources into child_modules as `terraform show -json` does.
func showJSON(rs []res) any {
	type module struct {
		address   string
		resources []any
		children  map[string]*module
	}
	root := &module{children: map[string]*module{}}
	for _, r := range rs {
		m := root
		for _, call := range moduleCalls(r.module) {
			child := m.children[call]
			if child == nil {
				child = &module{address: call, children: map[string]*module{}}
				m.children[call] = child
			}
			m = child
		}
		entry := map[string]any{
			"address": r.address(), "mode": r.mode, "type": r.typ, "name": r.name,
			"provider_name": providerOf(r.typ), "schema_version": r.schemaVersion, "values": r.values, "sensitive_values": map[string]any{},
		}
		if r.index != nil {
			entry["index"] = r.index
		}
		m.resources = append(m.resources, entry)
	}
	var render func(m *module) map[string]any
	render = func(m *module) map[string]any {
		out := map[string]any{}
		if m.address != "" {
			out["address"] = m.address
		}
		if len(m.resources) > 0 {
			out["resources"] = m.resources
		}
		var kids []any
		for _, k := range sortedKeys(m.children) {
			kids = append(kids, render(m.children[k]))
		}
		if len(kids) > 0 {
			out["child_modules"] = kids
		}
		return out
	}
	return map[string]any{
		"format_version":    "1.0",
		"terraform_version": terraformVersion,
		"values":            map[string]any{"root_module": render(root)},
	}
}

// moduleCalls splits module.a["x"].module.b into its cumulative addresses.
func moduleCalls(module string) []string {
	if module == "" {
		return nil
	}
	var out []string
	parts := strings.Split(module, ".module.")
	for i := range parts {
		out = append(out, strings.Join(parts[:i+1], ".module."))
	}
	return out
}

// statePull groups instances by resource as a version 4 state file does.
func statePull(rs []res) any {
	type key struct{ module, mode, typ, name string }
	var order []key
	byKey := map[key][]res{}
	for _, r := range rs {
		k := key{r.module, r.mode, r.typ, r.name}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], r)
	}
	var resources []any
	for _, k := range order {
		var instances []any
		for _, r := range byKey[k] {
			inst := map[string]any{"schema_version": r.schemaVersion, "attributes": r.values, "sensitive_attributes": []any{}}
			if r.index != nil {
				inst["index_key"] = r.index
			}
			instances = append(instances, inst)
		}
		entry := map[string]any{
			"mode": k.mode, "type": k.typ, "name": k.name,
			"provider": `provider["` + providerOf(k.typ) + `"]`, "instances": instances,
		}
		if k.module != "" {
			entry["module"] = k.module
		}
		resources = append(resources, entry)
	}
	return map[string]any{
		"version": 4, "terraform_version": terraformVersion, "serial": 57,
		"lineage": "6f1c2e0a-3b7d-4c59-9a1e-2d8f4b6c7e90", "outputs": map[string]any{},
		"resources": resources, "check_results": nil,
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// tags are what the HCL modules set, with the provider's default tags merged
// into tags_all.
func tags(project, env string, own map[string]any) (map[string]any, map[string]any) {
	all := map[string]any{"Project": project, "Environment": env, "ManagedBy": "terraform"}
	for k, v := range own {
		all[k] = v
	}
	if own == nil {
		own = map[string]any{}
	}
	return own, all
}

func withTags(v map[string]any, project, env string, own map[string]any) map[string]any {
	v["tags"], v["tags_all"] = tags(project, env, own)
	return v
}
