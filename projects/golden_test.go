package projects_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/golden"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

const refresh = "if the change is intended, run `make golden` and commit projects/testdata/golden with it: " +
	"reviewers read the Terraform a pull request changes there"

// The synthesized Terraform of every stack is exactly the reviewed one in
// projects/testdata/golden, Lambda zips by hash.
func TestGoldenStacks(t *testing.T) {
	got, err := golden.Take(synthesized.Outdir(t))
	if err != nil {
		t.Fatal(err)
	}
	want, err := golden.Load(filepath.Join(synthtest.RepoRoot(t), golden.Dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Stacks) == 0 {
		t.Fatalf("no golden stacks in %s; run `make golden`", golden.Dir)
	}
	if diffs := golden.Diff(want, got); len(diffs) > 0 {
		t.Errorf("synthesis differs from %s:\n%s\n%s", golden.Dir, strings.Join(diffs, "\n"), refresh)
	}
}

// Every pinned resource address is still a resource of its stack, or the
// `from` of a moved block: otherwise the next apply destroys a live resource
// and creates its twin under the new address. And every resource is pinned.
func TestResourceAddressesStable(t *testing.T) {
	dir := filepath.Join(synthtest.RepoRoot(t), golden.Dir)
	pinned, err := golden.LoadAddresses(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := golden.Take(synthesized.Outdir(t))
	if err != nil {
		t.Fatal(err)
	}
	gone, err := golden.Unmoved(pinned, got)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range gone {
		t.Errorf("%s: no longer a resource of %s and no moved block covers it, so Terraform would destroy it; "+
			"keep its construct ID, or add a moved block (resource.MoveFromId); if the removal is intended, "+
			"run `make golden ACCEPT_REMOVED=1`", a.Address, a.Stack)
	}
	isPinned := map[golden.Address]bool{}
	for _, a := range pinned {
		isPinned[a] = true
	}
	addrs, err := got.Addresses()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if !isPinned[a] {
			t.Errorf("%s: a new resource, not pinned in %s; %s", a, filepath.Join(golden.Dir, golden.AddressesFile), refresh)
		}
	}
}
