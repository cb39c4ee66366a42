// Package synthtest synthesizes stacks in tests and lets a test ask for "the
// aws_lb_listener on port 443" and check its fields, with a readable diff
// when they differ. It never needs a terraform binary.
package synthtest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/policy"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// RepoRoot finds the repository root (the folder holding go.mod) above the
// test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// TestProject is the project name Synth uses.
const TestProject = "test"

// Synth builds one stack for project "test" in env with build, synthesizes it,
// runs the policy checks every real synth runs, and returns its JSON.
// Configuration errors and policy violations fail the test.
func Synth(t testing.TB, env core.Environment, build func(s *stack.Stack)) *Stack {
	t.Helper()
	return synthOne(t, env, build, true)
}

// SynthUnchecked is Synth without the policy checks, for tests of the checks
// themselves that build violating stacks on purpose.
func SynthUnchecked(t testing.TB, env core.Environment, build func(s *stack.Stack)) *Stack {
	t.Helper()
	return synthOne(t, env, build, false)
}

func synthOne(t testing.TB, env core.Environment, build func(s *stack.Stack), checked bool) *Stack {
	t.Helper()
	stacks, err := synthProjects(t, []stack.Project{{
		Name:         TestProject,
		Environments: []core.Environment{env},
		Prepare: func(s *stack.Stack) (func() error, error) {
			return func() error { build(s); return nil }, nil
		},
	}}, "", checked)
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	return stacks[TestProject+"-"+string(env)]
}

// SynthError builds like Synth but expects an error, returned for the test
// to check its message. A panic carrying a configuration error counts.
func SynthError(t testing.TB, env core.Environment, build func(s *stack.Stack)) error {
	t.Helper()
	_, err := SynthProjects(t, []stack.Project{{
		Name:         TestProject,
		Environments: []core.Environment{env},
		Prepare: func(s *stack.Stack) (func() error, error) {
			return func() error { build(s); return nil }, nil
		},
	}}, "")
	if err == nil {
		t.Fatal("synth succeeded; want an error")
	}
	return err
}

// SynthProjects synthesizes projects as the app does (root defaults to the
// repository root), policy checks included, and returns every stack by name.
func SynthProjects(t testing.TB, projects []stack.Project, root string) (map[string]*Stack, error) {
	t.Helper()
	return synthProjects(t, projects, root, true)
}

// SynthProjectsUnchecked is SynthProjects without the policy checks.
func SynthProjectsUnchecked(t testing.TB, projects []stack.Project, root string) (map[string]*Stack, error) {
	t.Helper()
	return synthProjects(t, projects, root, false)
}

func synthProjects(t testing.TB, projects []stack.Project, root string, checked bool) (map[string]*Stack, error) {
	t.Helper()
	return synthInto(t, projects, root, t.TempDir(), checked)
}

// jsii serializes synthesis among tests that run in parallel: every
// construct call goes to one jsii kernel process, and a synth is a long
// conversation with it that should not interleave with another's.
var jsii sync.Mutex

// LockJSII waits for the jsii kernel and returns the function that frees
// it; a parallel test holds it around any synthesis it does itself.
func LockJSII() (unlock func()) {
	jsii.Lock()
	return jsii.Unlock
}

func synthInto(t testing.TB, projects []stack.Project, root, outdir string, checked bool) (map[string]*Stack, error) {
	t.Helper()
	if root == "" {
		root = RepoRoot(t)
	}
	defer LockJSII()()
	app := synth.NewApp(outdir)
	names, err := synth.Build(app, projects, synth.Options{Root: root, Outdir: outdir, BuildDir: t.TempDir()})
	if err != nil {
		return nil, err
	}
	app.Synth()
	if checked {
		if err := policy.CheckDir(outdir, names); err != nil {
			return nil, err
		}
	}
	out := map[string]*Stack{}
	for _, name := range names {
		out[name] = Read(t, outdir, name)
	}
	return out, nil
}

// Read parses a synthesized stack from outdir.
func Read(t testing.TB, outdir, name string) *Stack {
	t.Helper()
	doc, err := tfjson.ReadStack(outdir, name)
	if err != nil {
		t.Fatal(err)
	}
	return &Stack{Name: name, Doc: doc, Dir: filepath.Join(outdir, "stacks", name)}
}

// Stack is a synthesized stack's Terraform JSON.
type Stack struct {
	Name string
	Doc  map[string]any
	// Dir is the stack's output folder (cdk.tf.json and assets).
	Dir string
}

// Resource is one resource (or data source) block.
type Resource struct {
	Type    string
	ID      string // logical ID
	Address string // <type>.<id>, what ${...} references use
	Fields  map[string]any
}

func blocks(doc map[string]any, kind, typ string) []Resource {
	var out []Resource
	for _, b := range tfjson.Doc(doc).Blocks(kind, typ) {
		out = append(out, Resource{Type: b.Type, ID: b.ID, Address: b.Address(), Fields: b.Fields})
	}
	return out
}

// Resources returns every resource of a type, ordered by logical ID.
func (s *Stack) Resources(typ string) []Resource { return blocks(s.Doc, "resource", typ) }

// DataSources returns every data source of a type.
func (s *Stack) DataSources(typ string) []Resource { return blocks(s.Doc, "data", typ) }

// ResourceTypes lists the resource types present.
func (s *Stack) ResourceTypes() []string { return tfjson.Doc(s.Doc).Types("resource") }

// Predicate selects resources.
type Predicate func(Resource) bool

// Where selects resources whose field at path equals value.
func Where(path string, value any) Predicate {
	want := normalize(value)
	return func(r Resource) bool { return cmp.Equal(r.Get(path), want) }
}

// Find returns the resources of typ matching every predicate.
func (s *Stack) Find(typ string, preds ...Predicate) []Resource {
	var out []Resource
	for _, r := range s.Resources(typ) {
		ok := true
		for _, p := range preds {
			if !p(r) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// One returns the single resource of typ matching preds, failing the test
// when there are none or several.
func (s *Stack) One(t testing.TB, typ string, preds ...Predicate) Resource {
	t.Helper()
	found := s.Find(typ, preds...)
	if len(found) != 1 {
		var ids []string
		for _, r := range s.Resources(typ) {
			ids = append(ids, r.ID)
		}
		t.Fatalf("%s: want exactly one %s matching, found %d (all of that type: %v)", s.Name, typ, len(found), ids)
	}
	return found[0]
}

// Output returns the value of a Terraform output, or nil.
func (s *Stack) Output(name string) any {
	outs, _ := s.Doc["output"].(map[string]any)
	o, _ := outs[name].(map[string]any)
	return o["value"]
}

// Get returns the value at a dotted path ("target.retry_policy.maximum_retry_attempts";
// list elements by index, "ingress.0.from_port"), or nil.
func (r Resource) Get(path string) any {
	var cur any = r.Fields
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[part]
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// String returns the string at path, or "".
func (r Resource) String(path string) string {
	s, _ := r.Get(path).(string)
	return s
}

// Ref is the Terraform reference to an attribute of r: "${type.id.attr}".
func (r Resource) Ref(attr string) string { return "${" + r.Address + "." + attr + "}" }

// Expect checks that each path in want has that value, reporting every
// difference with a diff (-want +got).
func (r Resource) Expect(t testing.TB, want map[string]any) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if diff := cmp.Diff(normalize(want[k]), r.Get(k)); diff != "" {
			t.Errorf("%s %s: field %q (-want +got):\n%s", r.Type, r.ID, k, diff)
		}
	}
}

// JSON parses a field holding a JSON document (an IAM policy, a container
// definition) into Go values.
func (r Resource) JSON(t testing.TB, path string) any {
	t.Helper()
	s := r.String(path)
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s %s: field %q is not JSON: %v\n%s", r.Type, r.ID, path, err, s)
	}
	return v
}

// normalize makes Go values compare equal to their decoded JSON form
// (ints become float64, structs become maps).
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

// ExpectValue compares a decoded JSON value (e.g. from Resource.JSON) with
// want, reporting a diff (-want +got) labelled with what.
func ExpectValue(t testing.TB, what string, got, want any) {
	t.Helper()
	if diff := cmp.Diff(normalize(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

// Shared synthesizes a set of projects once per test binary (jsii start-up
// and a full synth are the expensive part) and gives every test the same
// stacks. Declare one as a package variable, and call Cleanup from TestMain.
type Shared struct {
	// Projects returns the projects to synthesize, e.g. projects.All.
	Projects func() []stack.Project
	once     sync.Once
	outdir   string
	stacks   map[string]*Stack
	err      error
}

// Stacks returns every stack by name, synthesizing on first use; a synth
// error fails each test that asks.
func (s *Shared) Stacks(t testing.TB) map[string]*Stack {
	t.Helper()
	s.once.Do(func() {
		// Not t.TempDir: the output outlives the test that synthesized it.
		if s.outdir, s.err = os.MkdirTemp("", "talkwise-shared-synth-"); s.err == nil {
			s.stacks, s.err = synthInto(t, s.Projects(), "", s.outdir, true)
		}
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.stacks
}

// Outdir is the folder the stacks were synthesized into (its stacks/<name>/
// hold cdk.tf.json and the Lambda zips), synthesizing on first use.
func (s *Shared) Outdir(t testing.TB) string {
	t.Helper()
	s.Stacks(t)
	return s.outdir
}

// Cleanup removes the synthesized output.
func (s *Shared) Cleanup() {
	if s.outdir != "" {
		os.RemoveAll(s.outdir)
	}
}

// CopyFile copies one file, creating the folder it goes in.
func CopyFile(t testing.TB, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// CopyTree copies the folders dirs (relative to src) into dst, leaving out
// node_modules and dist, which synthesis never reads.
func CopyTree(t testing.TB, src, dst string, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(src, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "node_modules" || d.Name() == "dist" {
					return filepath.SkipDir
				}
				return nil
			}
			rel, _ := filepath.Rel(src, p)
			CopyFile(t, p, filepath.Join(dst, rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// CopyInputs copies what synthesis reads from the repository (projects/,
// lambdas/) into a new temporary root, for tests that edit inputs.
func CopyInputs(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	CopyTree(t, RepoRoot(t), dst, "projects", "lambdas")
	return dst
}

// Golden returns every stack of projects/testdata/golden by name: the
// reviewed Terraform that projects' TestGoldenStacks keeps byte-identical to
// a fresh synth. Tests of the tools that read synthesized stacks (cost,
// graph) read these instead of synthesizing, so their test binaries never
// pay the jsii start-up.
func Golden(t testing.TB) map[string]*Stack {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), "projects", "testdata", "golden")
	files, err := filepath.Glob(filepath.Join(dir, "*.tf.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden stacks in %s (%v): run `make golden`", dir, err)
	}
	out := map[string]*Stack{}
	for _, f := range files {
		doc, err := tfjson.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".tf.json")
		out[name] = &Stack{Name: name, Doc: doc}
	}
	return out
}
