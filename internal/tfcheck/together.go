package tfcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// validation is `terraform validate`'s verdict on one stack.
type validation struct {
	valid bool
	diags []Diagnostic
	// problem, when set, is why the verdict could not be had.
	problem string
}

// validatesTogether reports whether a stack can be validated as a child
// module of a shared root: import and removed blocks are allowed only in
// a root module, and a variable would have to be given by the module call,
// so a stack with any of them is validated on its own.
func validatesTogether(doc map[string]any) bool {
	for _, rootOnly := range []string{"import", "removed", "variable"} {
		if _, ok := doc[rootOnly]; ok {
			return false
		}
	}
	return true
}

// pendingValidation is a verdict a shared validate run will give.
type pendingValidation struct {
	done    <-chan struct{}
	verdict *validation // set before done is closed
}

func (p *pendingValidation) wait() *validation {
	<-p.done
	return p.verdict
}

// startTogether starts, for each provider constraint, one validate run of
// every stack in names that validatesTogether, and returns those stacks'
// pending verdicts; the others are left out (validated on their own).
func (w *Workspace) startTogether(ctx context.Context, outdir string, names []string) (map[string]*pendingValidation, error) {
	groups := map[string][]string{}
	var order []string
	for _, n := range names {
		doc, err := tfjson.ReadFile(filepath.Join(outdir, "stacks", n, "cdk.tf.json"))
		if err != nil {
			return nil, err
		}
		if !validatesTogether(doc) {
			continue
		}
		c := constraintsOf(doc)
		if _, ok := groups[c]; !ok {
			order = append(order, c)
		}
		groups[c] = append(groups[c], n)
	}
	pending := map[string]*pendingValidation{}
	for _, c := range order {
		members := groups[c]
		if len(members) < 2 {
			continue // one stack gains nothing from a shared run
		}
		done := make(chan struct{})
		group := make([]*pendingValidation, len(members))
		for i, n := range members {
			group[i] = &pendingValidation{done: done}
			pending[n] = group[i]
		}
		go func() {
			defer close(done)
			got := w.validateTogether(ctx, members, outdir, c)
			for i, n := range members {
				group[i].verdict = got[n]
			}
		}()
	}
	return pending, nil
}

// harnessWarning is the one warning validating stacks as child modules
// adds: a child module's backend block has no effect. It says nothing about
// the stack (each stack is its own root where it is deployed).
const harnessWarning = "Backend configuration ignored"

// validateTogether runs one `terraform validate` over the stacks in names
// (all with the provider constraint constraints), each the child module
// "module.<name>" of a root that holds nothing else, and returns each
// stack's verdict. Terraform validates a module the same way wherever it
// sits ("it's sometimes convenient to temporarily call a root module as a
// child module for testing purposes", its own warning says), and one run
// loads the provider's schema once instead of once per stack: a provider
// start costs seconds of CPU here.
func (w *Workspace) validateTogether(ctx context.Context, names []string, outdir, constraints string) map[string]*validation {
	out := map[string]*validation{}
	fail := func(format string, args ...any) map[string]*validation {
		msg := fmt.Sprintf(format, args...)
		for _, n := range names {
			out[n] = &validation{problem: msg}
		}
		return out
	}
	// A stack's copy is named after it; this folder's name is no stack's.
	dir, err := os.MkdirTemp(w.dir, ".validate-together-")
	if err != nil {
		return fail("validate: %v", err)
	}
	modules := map[string]any{}
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(dir, n), 0o755); err != nil {
			return fail("validate: %v", err)
		}
		if err := copyFile(filepath.Join(outdir, "stacks", n, "cdk.tf.json"), filepath.Join(dir, n, "cdk.tf.json")); err != nil {
			return fail("validate: %v", err)
		}
		modules[n] = map[string]any{"source": "./" + n}
	}
	root := map[string]any{
		"//":        "Written by internal/tfcheck: every stack as a child module, validated in one terraform run.",
		"terraform": map[string]any{"required_providers": map[string]any{"aws": map[string]any{"source": providerSource, "version": constraints}}},
		"module":    modules,
	}
	raw, err := json.MarshalIndent(root, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "main.tf.json"), raw, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), []byte(w.tc.lockFile(constraints)), 0o644)
	}
	if err != nil {
		return fail("validate: %v", err)
	}
	// Validation makes no AWS call: the endpoint is a closed loopback port.
	tf := &terraform{bin: w.tc.Terraform, dir: dir, env: w.env("http://127.0.0.1:9")}
	if o, err := tf.run(ctx, "init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return fail("validate: %v: %s", err, truncate(strings.TrimSpace(string(o.stdout)+string(o.stderr)), 600))
	}
	o, err := tf.run(ctx, "validate", "-json", "-no-color")
	return judgeTogether(names, o, err)
}

// judgeTogether splits a shared validate run's diagnostics among the
// stacks they are about.
func judgeTogether(names []string, o output, runErr error) map[string]*validation {
	out := map[string]*validation{}
	_, diags, err := validateDiagnostics(o.stdout)
	if err != nil {
		for _, n := range names {
			out[n] = &validation{problem: fmt.Sprintf("validate: %v (stderr: %s)", err, truncate(string(o.stderr), 400))}
		}
		return out
	}
	for _, n := range names {
		out[n] = &validation{valid: true}
	}
	for _, d := range diags {
		n := stackOf(d, names)
		if n == "" {
			// Nothing says whose it is: every stack hears of it.
			for _, v := range out {
				v.diags = append(v.diags, d)
				v.valid = v.valid && d.Severity != "error"
			}
			continue
		}
		if d.Severity == "warning" && d.Summary == harnessWarning {
			continue
		}
		if d.Range != nil {
			// Point into the stack's own folder, as its own validate would.
			r := *d.Range
			r.Filename = strings.TrimPrefix(filepath.ToSlash(r.Filename), n+"/")
			d.Range = &r
		}
		out[n].diags = append(out[n].diags, d)
		if d.Severity == "error" {
			out[n].valid = false
		}
	}
	blamed := false
	for _, v := range out {
		blamed = blamed || !v.valid
	}
	if runErr != nil && !blamed {
		// Terraform failed yet blamed no stack: none can be called valid.
		for _, v := range out {
			v.problem = fmt.Sprintf("validate: %v: %s", runErr, truncate(string(o.stderr), 400))
		}
	}
	return out
}

// stackOf names the stack a diagnostic is about: by the file it points at
// ("<stack>/cdk.tf.json"), else by its module address ("module.<stack>.").
func stackOf(d Diagnostic, names []string) string {
	for _, n := range names {
		if d.Range != nil && strings.HasPrefix(filepath.ToSlash(d.Range.Filename), n+"/") {
			return n
		}
		if strings.HasPrefix(d.Address, "module."+n+".") {
			return n
		}
	}
	return ""
}

// apply records the verdict on the stack's result as its own validate
// would have.
func (v *validation) apply(w *Workspace, res *Result) {
	if v.problem != "" {
		res.problem("%s", v.problem)
		return
	}
	w.sort(res, "validate", v.diags)
	res.Valid = v.valid
	if !v.valid {
		res.problem("validate: the configuration is not valid")
	}
}
