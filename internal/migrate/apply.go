package migrate

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Apply turns the mapping into `moved` and `import` blocks of stack: each
// move's target gets MoveFromId(from), each import's target ImportFrom(id).
// An entry naming a resource the stack no longer has is an error naming the
// file and entry, so a renamed construct cannot silently drop a move (and
// recreate the resource).
func Apply(stack cdktf.TerraformStack, m *Mapping) error {
	byAddress := Resources(stack)
	var errs []error
	missing := func(field, addr string) {
		errs = append(errs, m.errorAt(field, fmt.Sprintf("%s is not a resource of stack %s (renamed or removed since the mapping was written)", addr, m.Stack),
			"run `make migrate p=<project> e=<env> state=<file>` again, or correct the entry (`terraform state list` and cdk.tf.json list the addresses)"))
	}
	for i, mv := range m.Moves {
		r := byAddress[mv.To]
		switch {
		case r == nil:
			missing(fmt.Sprintf("moves[%d].to", i), mv.To)
		case mv.From != mv.To && byAddress[mv.From] != nil:
			// Terraform refuses to move from an address the configuration still declares.
			errs = append(errs, m.errorAt(fmt.Sprintf("moves[%d].from", i), fmt.Sprintf("%s is still a resource of stack %s, so it cannot be moved from", mv.From, m.Stack),
				"remove the entry, or move from the old address that `terraform state list` shows"))
		case mv.From != mv.To:
			r.MoveFromId(jsii.String(mv.From))
		}
	}
	for i, im := range m.Imports {
		if r := byAddress[im.To]; r == nil {
			missing(fmt.Sprintf("imports[%d].to", i), im.To)
		} else {
			r.ImportFrom(jsii.String(im.ID), nil)
		}
	}
	var removed []any
	seen := map[string]bool{}
	for i, f := range m.Forget {
		from := ResourceAddress(f.Address)
		if byAddress[from] != nil {
			errs = append(errs, m.errorAt(fmt.Sprintf("forget[%d].address", i), fmt.Sprintf("%s is still a resource of stack %s", from, m.Stack),
				"a forgotten resource must be gone from the configuration; remove the entry"))
			continue
		}
		if !seen[from] {
			seen[from] = true
			removed = append(removed, map[string]any{"from": from, "lifecycle": map[string]any{"destroy": false}})
		}
	}
	if len(removed) > 0 {
		// cdktf has no construct for removed blocks; the stack override
		// writes them at the top level, as Terraform's JSON syntax wants.
		// Removed blocks need Terraform 1.7, below every stack's minimum
		// (stack.MinTerraformVersion).
		stack.AddOverride(jsii.String("removed"), removed)
	}
	for i, a := range m.Accept.Create {
		if byAddress[a.Address] == nil {
			missing(fmt.Sprintf("accept.create[%d].address", i), a.Address)
		}
	}
	return core.Join(errs...)
}

// Resources maps the address (<type>.<logical id>) of every resource in
// stack to the resource.
func Resources(stack cdktf.TerraformStack) map[string]cdktf.TerraformResource {
	out := map[string]cdktf.TerraformResource{}
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if !*cdktf.TerraformResource_IsTerraformResource(c) {
			continue
		}
		r, ok := c.(cdktf.TerraformResource)
		if !ok {
			continue
		}
		out[*r.TerraformResourceType()+"."+*stack.GetLogicalId(r)] = r
	}
	return out
}
