package projects_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/ecsservice"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// Real Terraform judges exactly what the golden test compares: every
// stack of the shared synth is initialized from the local provider mirror,
// validated, and planned offline against a fresh account (`make validate`
// runs the same check on cdktf.out). No error, no unexplained warning, no
// unexpected AWS call; nothing destroyed or replaced; and every resource of
// the stack is either created or adopted by one of its import blocks.
// Production with a domain is planned too: ACM, its DNS validation, the
// alias record and the HTTPS listener pass Terraform as the rest do.
func TestTerraformValidatesAndPlansEveryStack(t *testing.T) {
	t.Parallel() // mostly Terraform's time: see TestMain
	tc, err := tfcheck.FindToolchain()
	if tfcheck.IsMissing(err) {
		t.Skipf("\nTERRAFORM CHECK NOT RUN: %v\n", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Every registered stack, and agent-factory production with a domain
	// (the copy of agent-factory the README's HTTPS section describes:
	// certificate, its DNS validation, the alias, HTTPS on 443 and the
	// redirect on 80), checked together.
	docs := map[string]map[string]any{}
	for name, st := range all(t) {
		docs[name] = st.Doc
	}
	withDomain, err := synthtest.SynthProjects(t, []stack.Project{ecsservice.Project("agent-factory", withDomain())}, "")
	if err != nil {
		t.Fatal(err)
	}
	const domainStack = "agent-factory-production-with-domain"
	docs[domainStack] = withDomain["agent-factory-production"].Doc
	outdir := t.TempDir()
	for name := range docs {
		src := synthesized.Outdir(t)
		if name == domainStack {
			src = filepath.Dir(filepath.Dir(withDomain["agent-factory-production"].Dir))
		}
		from := filepath.Join("stacks", name)
		if name == domainStack {
			from = filepath.Join("stacks", "agent-factory-production")
		}
		copyTree(t, filepath.Join(src, from), filepath.Join(outdir, "stacks", name), ".terraform")
	}
	start := time.Now()
	results, err := tfcheck.Check(context.Background(), tc, tfcheck.Options{Outdir: outdir, Scratch: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	tfcheck.Report(&report, results, time.Since(start), 2)
	t.Logf("terraform %s, hashicorp/aws %s from %s:\n%s", tc.Terraform, tc.ProviderVersion, tc.Mirror, report.String())

	if len(results) != len(docs) {
		t.Errorf("Terraform checked %d stacks, want %d", len(results), len(docs))
	}
	for _, r := range results {
		for _, p := range r.Problems {
			t.Errorf("%s: %s", r.Stack, p)
		}
		if !r.Valid || r.Plan == nil {
			t.Errorf("%s: valid %v, planned %v", r.Stack, r.Valid, r.Plan != nil)
			continue
		}
		if got, want := planned(r.Plan), resources(docs[r.Stack]); got != want {
			t.Errorf("%s: the plan creates or imports %s;\nthe stack declares %s", r.Stack, got, want)
		}
	}
}

// planned lists what a first plan does to each resource type: created, or
// imported (and updated in place to match the configuration).
func planned(p *tfcheck.Plan) string {
	count := map[string]int{}
	for _, ch := range p.Changes {
		typ := ch.Address[:strings.Index(ch.Address, ".")]
		switch {
		case ch.Action == "create":
			count[typ]++
		case ch.Importing && (ch.Action == "update" || ch.Action == "no-op"):
			count[typ+" (imported)"]++
		default:
			count[typ+" ("+ch.Action+")"]++
		}
	}
	return summary(count)
}

// resources lists the resource types a stack declares, marking those its
// import blocks adopt.
func resources(doc map[string]any) string {
	imported := map[string]bool{}
	list, _ := doc["import"].([]any)
	for _, b := range list {
		m, _ := b.(map[string]any)
		to, _ := m["to"].(string)
		imported[to] = true
	}
	count := map[string]int{}
	d := tfjson.Doc(doc)
	for _, typ := range d.Types("resource") {
		for _, b := range d.Resources(typ) {
			if imported[b.Address()] {
				count[typ+" (imported)"]++
			} else {
				count[typ]++
			}
		}
	}
	return summary(count)
}

func summary(count map[string]int) string {
	var parts []string
	for k, n := range count {
		parts = append(parts, fmt.Sprintf("%s x%d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
