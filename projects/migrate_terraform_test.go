package projects_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/migrate"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// toolchain finds terraform and the provider mirror, or skips the test
// saying, on a line of its own, what is missing and how to provide it.
func toolchain(t *testing.T) *tfcheck.Toolchain {
	t.Helper()
	tc, err := tfcheck.FindToolchain()
	if tfcheck.IsMissing(err) {
		t.Skipf("\nTERRAFORM PLAN NOT RUN: %v\n", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// A state built from Terraform's own plan of a Lambda stack, every
// resource at the address the HCL modules gave it, is what an HCL
// deployment of the same design holds. Migrating it must move every
// resource and change nothing: Terraform's plan of the stack with the
// mapping destroys, replaces and updates nothing, and creates only the
// role the HCL project never had.
func TestLambdaStateFromItsOwnPlanMigratesWithoutDestroyOrReplace(t *testing.T) {
	t.Parallel() // mostly Terraform's time: see TestMain
	tc := toolchain(t)
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	stacks, err := synthtest.SynthProjects(t, []stack.Project{p}, root)
	if err != nil {
		t.Fatal(err)
	}
	fresh := stacks[n.StackName()]

	// Terraform plans the stack in a fresh account; that plan, at the HCL
	// addresses, is the old state.
	scratch := t.TempDir()
	ws, err := tfcheck.NewWorkspace(tc, scratch)
	if err != nil {
		t.Fatal(err)
	}
	planJSON := filepath.Join(scratch, "fresh.tfplan.json")
	res, err := ws.Run(context.Background(), tfcheck.Target{Name: "fresh", Dir: fresh.Dir, PlanJSON: planJSON, SkipValidate: true})
	if err != nil || res.Failed() {
		t.Fatalf("fresh plan: %v %v", err, res.Problems)
	}
	schemaRaw, err := tfcheck.ProviderSchema(context.Background(), tc, filepath.Join(scratch, "schema"))
	if err != nil {
		t.Fatal(err)
	}
	hclAddress := map[string]string{} // new address -> HCL address
	byPath := map[string]string{}
	for _, r := range resourcesOf(fresh.Doc) {
		byPath[strings.TrimPrefix(r.Path(), n.StackName()+"/")] = r.Address()
	}
	// The schedule is planned in the stack's own group here, as the stack
	// creates it, so it moves like everything else.
	for _, moves := range []map[string]string{rukSchedulerMoves(), rukSchedulerRegrouped} {
		for old, path := range moves {
			hclAddress[byPath[path]] = old
		}
	}
	state := stateFromPlan(t, planJSON, schemaRaw, tfjson.Doc(fresh.Doc), hclAddress)
	statePath := filepath.Join(t.TempDir(), "ruk-scheduler-dev.tfstate")
	if err := os.WriteFile(statePath, state, 0o644); err != nil {
		t.Fatal(err)
	}

	// make migrate: match, accept the two new resources, match again.
	run := func() *migrate.Report {
		rep, err := migrate.Run(migrate.Options{Root: root, Names: n, StatePath: statePath, Synthesize: synthesizer(t, root, p, n)})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := run()
	if len(rep.OpenCreate) != len(rukSchedulerCreates) || len(rep.OpenDestroy) != 0 || len(rep.Result.Ambiguous) != 0 {
		var sb strings.Builder
		migrate.PrintReport(&sb, rep)
		t.Fatalf("want only what is new in the design open (%v), report:\n%s", rukSchedulerCreates, sb.String())
	}
	var accept strings.Builder
	for _, u := range rep.OpenCreate {
		fmt.Fprintf(&accept, "    - address: '%s'\n      reason: new in the CDKTF design\n", u.Address)
	}
	file := filepath.Join(root, rep.File)
	text, _ := os.ReadFile(file)
	if err := os.WriteFile(file, []byte(addAccepted(string(text), "create", accept.String())), 0o644); err != nil {
		t.Fatal(err)
	}
	if rep = run(); rep.Outstanding() != 0 {
		t.Fatalf("%d still open after accepting what is new in the design", rep.Outstanding())
	}

	// Terraform judges the mapping.
	withMapping, err := synthtest.SynthProjects(t, []stack.Project{p}, root)
	if err != nil {
		t.Fatal(err)
	}
	check, err := migrate.PlanMapping(context.Background(), tc, rep, statePath, withMapping[n.StackName()].Dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	migrate.PrintPlan(&out, check)
	t.Logf("%s", out.String())
	if check.Failed() || check.Result.Plan == nil {
		t.Fatalf("Terraform's plan fails the mapping:\n%s", out.String())
	}
	c := check.Result.Plan.Counts
	if c.Delete != 0 || c.Replace != 0 || c.Update != 0 || c.Move != len(hclAddress) || c.Create != len(rukSchedulerCreates) {
		t.Errorf("plan %s; want every one of the %d resources moved, nothing destroyed, replaced or updated, and the %d new ones created",
			c, len(hclAddress), len(rukSchedulerCreates))
	}
}

func resourcesOf(doc map[string]any) []tfjson.Block {
	d := tfjson.Doc(doc)
	var out []tfjson.Block
	for _, typ := range d.Types("resource") {
		out = append(out, d.Resources(typ)...)
	}
	return out
}

// stateFromPlan writes the state an apply of a fresh plan leaves: each
// resource's planned values, where the plan does not know a value (what
// AWS assigns) an ARN or ID of the right shape, and every attribute that
// refers to another resource resolved through the configuration to the
// value given that resource. Resources are placed at hclAddress; those
// without one (new in the design) are left out.
func stateFromPlan(t *testing.T, planJSON string, schemaRaw []byte, doc tfjson.Doc, hclAddress map[string]string) []byte {
	t.Helper()
	raw, err := os.ReadFile(planJSON)
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		ResourceChanges []struct {
			Address, Type, Name, Mode string
			Change                    struct {
				After        map[string]any `json:"after"`
				AfterUnknown map[string]any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
		PriorState struct {
			Values struct {
				RootModule struct {
					Resources []struct {
						Address string         `json:"address"`
						Values  map[string]any `json:"values"`
					} `json:"resources"`
				} `json:"root_module"`
			} `json:"values"`
		} `json:"prior_state"`
	}
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	var schema struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]struct {
				Version int `json:"version"`
				Block   struct {
					Attributes map[string]struct {
						Type any `json:"type"`
					} `json:"attributes"`
					BlockTypes map[string]struct {
						NestingMode string `json:"nesting_mode"`
					} `json:"block_types"`
				} `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(schemaRaw, &schema); err != nil {
		t.Fatal(err)
	}
	versions := schema.ProviderSchemas["registry.terraform.io/hashicorp/aws"].ResourceSchemas

	values := map[string]map[string]any{}
	for _, r := range plan.PriorState.Values.RootModule.Resources {
		values[r.Address] = r.Values // data sources, read at plan time
	}
	type pending struct {
		addr, attr string
		unknown    any
	}
	var todo []pending
	config := map[string]map[string]any{}
	for _, rc := range plan.ResourceChanges {
		if rc.Mode != "managed" {
			continue
		}
		for _, b := range doc.Resources(rc.Type) {
			if b.Address() == rc.Address {
				config[rc.Address] = b.Fields
			}
		}
		v := map[string]any{}
		for k, x := range rc.Change.After {
			v[k] = x
		}
		for k, u := range rc.Change.AfterUnknown {
			if _, configured := config[rc.Address][k]; configured {
				todo = append(todo, pending{rc.Address, k, u})
			} else if u == true {
				v[k] = assigned(rc.Type, rc.Name, k, v)
				if v[k] == nil {
					// Something AWS reports (a unique ID, a date, the
					// policies it lists): a value of its type, never null,
					// which the provider would plan to compute again.
					if a, ok := versions[rc.Type].Block.Attributes[k]; ok {
						v[k] = valueOf(a.Type)
					} else if bt, ok := versions[rc.Type].Block.BlockTypes[k]; ok && bt.NestingMode != "single" {
						v[k] = []any{}
					}
				}
			}
		}
		values[rc.Address] = v
	}
	// Resolve references until nothing more resolves (a chain of
	// references resolves one link per round).
	for progress := true; progress; {
		progress = false
		var left []pending
		for _, p := range todo {
			if v, ok := resolve(config[p.addr][p.attr], values[p.addr][p.attr], p.unknown, values); ok {
				values[p.addr][p.attr] = v
				progress = true
			} else {
				left = append(left, p)
			}
		}
		todo = left
	}
	for _, p := range todo {
		t.Errorf("%s.%s: its configuration %v does not resolve", p.addr, p.attr, config[p.addr][p.attr])
	}

	type key struct{ module, typ, name string }
	var order []key
	instances := map[key][]any{}
	for _, rc := range plan.ResourceChanges {
		old, ok := hclAddress[rc.Address]
		if rc.Mode != "managed" || !ok {
			continue
		}
		module, typ, name, index := splitAddress(t, old)
		k := key{module, typ, name}
		if _, seen := instances[k]; !seen {
			order = append(order, k)
		}
		inst := map[string]any{"schema_version": versions[typ].Version, "attributes": values[rc.Address], "sensitive_attributes": []any{}}
		if index != nil {
			inst["index_key"] = index
		}
		instances[k] = append(instances[k], inst)
	}
	var resources []any
	for _, k := range order {
		r := map[string]any{"mode": "managed", "type": k.typ, "name": k.name,
			"provider": `provider["registry.terraform.io/hashicorp/aws"]`, "instances": instances[k]}
		if k.module != "" {
			r["module"] = k.module
		}
		resources = append(resources, r)
	}
	out, err := json.MarshalIndent(map[string]any{"version": 4, "terraform_version": "1.11.4", "serial": 3,
		"lineage": "3f1e8a52-9b0c-4d6e-8f7a-1b2c3d4e5f60", "outputs": map[string]any{}, "resources": resources}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// assigned is a value AWS assigns on create, of the shape AWS gives it.
func assigned(typ, name, attr string, known map[string]any) any {
	service := strings.Split(typ, "_")[1]
	region := "us-east-2"
	if service == "iam" {
		region = ""
	}
	switch {
	case attr == "arn" || strings.HasSuffix(attr, "_arn"):
		return "arn:aws:" + service + ":" + region + ":427479925030:" + strings.TrimPrefix(typ, "aws_") + "/" + name
	case attr == "id":
		for _, k := range []string{"name", "function_name"} {
			if s, ok := known[k].(string); ok {
				return s
			}
		}
		return name
	}
	return nil
}

// resolve computes a value the plan left unknown from its configuration:
// references to resources whose values are known are replaced by them.
func resolve(config, after, unknown any, values map[string]map[string]any) (any, bool) {
	if unknown == true {
		return resolveConfig(config, values)
	}
	switch u := unknown.(type) {
	case []any:
		list, _ := after.([]any)
		cl := tfjson.List(config)
		out := make([]any, len(list))
		for i := range list {
			var ui, ci any
			if i < len(u) {
				ui = u[i]
			}
			if i < len(cl) {
				ci = cl[i]
			}
			v, ok := resolve(ci, list[i], ui, values)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return out, true
	case map[string]any:
		m, _ := after.(map[string]any)
		cm, _ := config.(map[string]any)
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for k, uk := range u {
			v, ok := resolve(cm[k], m[k], uk, values)
			if !ok {
				return nil, false
			}
			out[k] = v
		}
		return out, true
	}
	return after, true
}

func resolveConfig(config any, values map[string]map[string]any) (any, bool) {
	switch c := config.(type) {
	case string:
		s := tfjson.ReplaceRefs(c, func(r tfjson.Ref) (string, bool) {
			v, ok := values[r.Address][r.Attr].(string)
			return v, ok
		})
		return s, !strings.Contains(s, "${")
	case map[string]any:
		out := map[string]any{}
		for k, v := range c {
			r, ok := resolveConfig(v, values)
			if !ok {
				return nil, false
			}
			out[k] = r
		}
		return out, true
	case []any:
		out := make([]any, len(c))
		for i, v := range c {
			r, ok := resolveConfig(v, values)
			if !ok {
				return nil, false
			}
			out[i] = r
		}
		return out, true
	}
	return config, true
}

var addressRe = regexp.MustCompile(`^(?:(.*)\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+|"[^"]*")\])?$`)

// splitAddress splits an instance address into its module, type, name and
// instance key (nil, a number or a string).
func splitAddress(t *testing.T, addr string) (module, typ, name string, index any) {
	t.Helper()
	m := addressRe.FindStringSubmatch(addr)
	if m == nil {
		t.Fatalf("cannot split address %s", addr)
	}
	switch key := m[4]; {
	case key == "":
	case strings.HasPrefix(key, `"`):
		index = strings.Trim(key, `"`)
	default:
		var n int
		fmt.Sscan(key, &n)
		index = n
	}
	return m[1], m[2], m[3], index
}

// valueOf is a value AWS could report for an attribute of type typ.
func valueOf(typ any) any {
	switch typ {
	case "string":
		return "reported-by-aws"
	case "number":
		return 1
	case "bool":
		return false
	}
	if t, ok := typ.([]any); ok && len(t) == 2 && t[0] == "map" {
		return map[string]any{}
	}
	return []any{}
}
