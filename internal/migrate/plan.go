package migrate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// Terraform judges a mapping: the stack, synthesized with the mapping's
// moved, import and removed blocks, is planned against the old state
// (offline, without refreshing it: the stub holds none of its objects). The
// plan is what the first `make plan` after the switch would show, as far as
// the state is up to date: what moves, what is created, updated, replaced
// and destroyed.

// PlanCheck is Terraform's verdict on a mapping.
type PlanCheck struct {
	// Result is the run: the plan's changes and counts, and its problems
	// (errors, unexplained warnings, unexpected AWS calls).
	Result *tfcheck.Result
	// Unaccepted are replacements and destroys the mapping does not accept.
	Unaccepted []string
	// Accepted are replacements and destroys the mapping accepts, with the
	// reason it gives.
	Accepted []string
	// Updates are the in-place updates, each with what explains it.
	Updates []Update
	// LeftOut are old resources left out of the planned state because
	// their provider is not installed here (a real plan needs it to forget
	// them); the mapping forgets them.
	LeftOut []string
}

// Update is one in-place update and why the switch brings it.
type Update struct {
	Address, From string
	// Attributes are the changed top-level attributes, each with the reason
	// it changes ("" when none is known: read it).
	Attributes map[string]string
}

// Failed reports whether the plan does something the mapping does not accept.
func (c *PlanCheck) Failed() bool { return len(c.Unaccepted) > 0 || c.Result.Failed() }

// Unexplained lists the updated attributes no known reason explains, as
// "<address>: <attribute>".
func (c *PlanCheck) Unexplained() []string {
	var out []string
	for _, u := range c.Updates {
		for attr, why := range u.Attributes {
			if why == "" {
				out = append(out, u.Address+": "+attr)
			}
		}
	}
	sort.Strings(out)
	return out
}

// PlanMapping has Terraform plan stackDir (the stack synthesized with the
// mapping file Run wrote) against the old state at statePath.
func PlanMapping(ctx context.Context, tc *tfcheck.Toolchain, rep *Report, statePath, stackDir, scratch string) (*PlanCheck, error) {
	state, leftOut, params, err := planState(statePath)
	if err != nil {
		return nil, err
	}
	stateFile := filepath.Join(scratch, "old.tfstate")
	if err := os.WriteFile(stateFile, state, 0o644); err != nil {
		return nil, err
	}
	ws, err := tfcheck.NewWorkspace(tc, scratch)
	if err != nil {
		return nil, err
	}
	doc, err := tfjson.ReadStack(filepath.Dir(filepath.Dir(stackDir)), filepath.Base(stackDir))
	if err != nil {
		return nil, err
	}
	// The account as the old state saw it: its parameters hold the values
	// the HCL project read, so a function's environment changes only where
	// the design does.
	account := tfcheck.FreshAccount(core.Talkwise, doc)
	for name, value := range params {
		if _, read := account.Parameters[name]; read {
			account.Parameters[name] = value
		}
	}
	// The stack's configuration is validated by its own check (make
	// validate); this plan judges the mapping.
	res, err := ws.Run(ctx, tfcheck.Target{Name: rep.Stack, Dir: stackDir, State: stateFile, Account: &account, Details: true, SkipValidate: true})
	if err != nil {
		return nil, err
	}
	check := &PlanCheck{Result: res, LeftOut: leftOut}
	if res.Plan != nil {
		check.judge(rep, res.Plan)
	}
	return check, nil
}

// judge sorts the plan's replacements and destroys into those the mapping
// accepts and the others, and explains its updates.
func (c *PlanCheck) judge(rep *Report, p *tfcheck.Plan) {
	destroy, replace := reasons(rep.AcceptedDestroy), reasons(rep.AcceptedReplace)
	for _, ch := range p.Changes {
		switch ch.Action {
		case "delete":
			if why, ok := destroy[ch.Address]; ok {
				c.Accepted = append(c.Accepted, fmt.Sprintf("destroy %s (accepted: %s)", ch.Address, why))
			} else {
				c.Unaccepted = append(c.Unaccepted, fmt.Sprintf("destroy %s: nothing in the stack takes it over; pin a move, forget it, or accept it under accept.destroy with a reason", ch.Address))
			}
		case "replace":
			if why, ok := replace[ch.Address]; ok {
				c.Accepted = append(c.Accepted, fmt.Sprintf("replace %s (accepted: %s)", ch.Address, why))
			} else {
				c.Unaccepted = append(c.Unaccepted, fmt.Sprintf("replace %s%s: %s cannot change in place; keep the old value in the project's settings, or accept the replacement under accept.replace with a reason",
					ch.Address, from(ch), strings.Join(ch.ReplacePaths, ", ")))
			}
		case "update":
			u := Update{Address: ch.Address, From: ch.PreviousAddress, Attributes: map[string]string{}}
			typ := ch.Address[:strings.Index(ch.Address, ".")]
			for _, a := range ch.UpdatedAttributes {
				why, ok := updateReasons[typ+"."+a]
				if !ok {
					why = updateReasons["*."+a]
				}
				u.Attributes[a] = why
			}
			c.Updates = append(c.Updates, u)
		}
	}
}

func from(ch tfcheck.Change) string {
	if ch.PreviousAddress == "" {
		return ""
	}
	return " (from " + ch.PreviousAddress + ")"
}

// updateReasons say why a switch from the HCL modules changes an
// attribute in place, by "<type>.<attribute>" ("*" for any type). Each is a
// deliberate difference of the CDKTF design (docs/migrating-from-hcl.md,
// "In-place updates"); an attribute not listed is printed for the user to
// read, and the fixture tests fail on it.
var updateReasons = map[string]string{
	"*.tags_all": "default tags: ManagedBy becomes cdktf (was terraform); tags name nothing and move nothing",
	"aws_iam_role.assume_role_policy": "service roles' trust gains the aws:SourceAccount condition " +
		"(confused-deputy protection); who may assume the role is otherwise unchanged",
	"aws_iam_role_policy.policy": "the role's inline policy becomes the stack's least-privilege statements, " +
		"one Sid per grant (docs/security.md); read the new actions and resources in the plan",
	"aws_ecr_repository.image_tag_mutability": "production's image tags become immutable (docs/security.md, AWS-0031): " +
		"the deploy pushes :<commit SHA>; dev stays mutable for :latest",
	"aws_appautoscaling_policy.target_tracking_scaling_policy_configuration": "the stack's scaling targets " +
		"(CPU 70 %, memory 80 %, cooldowns 300 s in and 60 s out) replace the HCL module's: read target_value in the plan",
	"aws_wafv2_web_acl.rule": "the web ACL's rules become the stack's set (3 AWS managed groups, the rate limit, " +
		"4 custom blocks; docs/security.md, WAF.10), written as one document: read the rule list in the plan",
	"aws_lambda_function.source_code_hash": "the function's code becomes the stack's bundle, built by esbuild at synth",
	"aws_lambda_function.last_modified":    "AWS sets it when the code is updated (source_code_hash)",
	"aws_lambda_function.filename": "the zip is the stack's synthesized asset (was the HCL module's dist/lambda.zip); " +
		"AWS keeps no file name, only the code (source_code_hash)",
	"aws_lambda_function.environment": "NODE_OPTIONS=--enable-source-maps is added so stack traces point at the TypeScript " +
		"(docs/design.md, Lambda); the other variables keep their values: read them in the plan",
	"aws_codedeploy_deployment_group.alarm_configuration": "deployments stop on the service's alarms " +
		"(5xx, unhealthy targets, p95 latency, CPU, memory; docs/ecs-decisions.md): read the alarm names in the plan",
	"aws_codedeploy_deployment_group.auto_rollback_configuration": "a deployment stopped by an alarm rolls back " +
		"(DEPLOYMENT_STOP_ON_ALARM joins DEPLOYMENT_FAILURE)",
	"aws_vpc_security_group_egress_rule.description": "the rule's description is the stack's wording " +
		"(EC2 refuses apostrophes in it; docs/security.md); a description changes nothing the rule allows",
}

// PrintPlan writes Terraform's verdict.
func PrintPlan(w io.Writer, c *PlanCheck) {
	res := c.Result
	fmt.Fprintf(w, "terraform plan against the old state (offline, not refreshed): ")
	if res.Plan == nil {
		fmt.Fprintln(w, "no plan")
	} else {
		n := res.Plan.Counts
		fmt.Fprintf(w, "%d moved, %d create, %d update, %d replace, %d destroy, %d forget\n", n.Move, n.Create, n.Update, n.Replace, n.Delete, n.Forget)
	}
	for _, l := range c.LeftOut {
		fmt.Fprintf(w, "  left out of the plan: %s\n", l)
	}
	for _, u := range c.Updates {
		fmt.Fprintf(w, "  ~ %s%s\n", u.Address, from(tfcheck.Change{PreviousAddress: u.From}))
		for _, a := range sortedAttributes(u.Attributes) {
			why := u.Attributes[a]
			if why == "" {
				why = "no known reason: read it in `terraform plan`"
			}
			fmt.Fprintf(w, "      %s: %s\n", a, why)
		}
	}
	for _, a := range c.Accepted {
		fmt.Fprintf(w, "  %s\n", a)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(w, "  problem: %s\n", p)
	}
	for _, u := range c.Unaccepted {
		fmt.Fprintf(w, "  NOT ACCEPTED: %s\n", u)
	}
}

func sortedAttributes(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mirroredProvider is the only provider installed here.
const mirroredProvider = `provider["registry.terraform.io/hashicorp/aws"]`

// planState is the old state as a version-4 state file Terraform can plan
// from: `terraform show -json` output is converted, and resources of
// providers other than hashicorp/aws are left out (listed in the second
// result). Those are the HCL Lambda module's build trigger (hashicorp/null)
// and zip (hashicorp/archive): they hold nothing in AWS, the mapping
// forgets them with removed blocks, and planning them would need their
// providers, which only a machine with network can install. Data sources
// are left out too: a plan reads them afresh. The third result holds the
// values of the SSM parameters the old state read, by name.
func planState(path string) ([]byte, []string, map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	if doc["format_version"] != nil {
		if doc, err = showToState(doc); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	resources, _ := doc["resources"].([]any)
	var kept []any
	var leftOut []string
	params := map[string]string{}
	for _, r := range resources {
		m, _ := r.(map[string]any)
		if m["mode"] == "data" && m["type"] == "aws_ssm_parameter" {
			instances, _ := m["instances"].([]any)
			for _, in := range instances {
				attrs, _ := in.(map[string]any)["attributes"].(map[string]any)
				if name, value := str0(attrs["name"]), str0(attrs["value"]); name != "" && str0(attrs["type"]) == "String" {
					params[name] = value
				}
			}
		}
		if m["mode"] != "managed" {
			continue
		}
		if m["provider"] != mirroredProvider {
			addr := fmt.Sprintf("%s.%s", m["type"], m["name"])
			if mod, _ := m["module"].(string); mod != "" {
				addr = mod + "." + addr
			}
			leftOut = append(leftOut, fmt.Sprintf("%s (%s is not installed here)", addr, m["provider"]))
			continue
		}
		kept = append(kept, m)
	}
	doc["resources"] = kept
	out, err := json.MarshalIndent(doc, "", "  ")
	return out, leftOut, params, err
}

// showToState converts `terraform show -json` of a state (or a plan's
// prior_state) to a version-4 state file, grouping instances by resource.
func showToState(doc map[string]any) (map[string]any, error) {
	if prior, ok := doc["prior_state"].(map[string]any); ok {
		doc = prior
	}
	values, _ := doc["values"].(map[string]any)
	root, _ := values["root_module"].(map[string]any)
	type key struct{ module, mode, typ, name, provider string }
	var order []key
	instances := map[key][]any{}
	var walk func(mod map[string]any, address string) error
	walk = func(mod map[string]any, address string) error {
		rs, _ := mod["resources"].([]any)
		for _, r := range rs {
			m, _ := r.(map[string]any)
			k := key{address, str0(m["mode"]), str0(m["type"]), str0(m["name"]), `provider["` + str0(m["provider_name"]) + `"]`}
			if k.typ == "" || k.name == "" {
				return fmt.Errorf("a resource of module %q has no type or name", address)
			}
			inst := map[string]any{"schema_version": m["schema_version"], "attributes": m["values"], "sensitive_attributes": []any{}}
			if idx, ok := m["index"]; ok {
				inst["index_key"] = idx
			}
			if _, seen := instances[k]; !seen {
				order = append(order, k)
			}
			instances[k] = append(instances[k], inst)
		}
		children, _ := mod["child_modules"].([]any)
		for _, c := range children {
			cm, _ := c.(map[string]any)
			if err := walk(cm, str0(cm["address"])); err != nil {
				return err
			}
		}
		return nil
	}
	if root != nil {
		if err := walk(root, ""); err != nil {
			return nil, err
		}
	}
	var resources []any
	for _, k := range order {
		r := map[string]any{"mode": k.mode, "type": k.typ, "name": k.name, "provider": k.provider, "instances": instances[k]}
		if k.module != "" {
			r["module"] = k.module
		}
		resources = append(resources, r)
	}
	tfVersion := str0(doc["terraform_version"])
	if tfVersion == "" {
		tfVersion = "1.11.4"
	}
	return map[string]any{
		"version": 4, "terraform_version": tfVersion, "serial": 1,
		// A fixed lineage: the converted state lives only in the scratch copy.
		"lineage": "00000000-0000-4000-8000-000000000000", "outputs": map[string]any{}, "resources": resources,
	}, nil
}

func str0(v any) string {
	s, _ := v.(string)
	return s
}
