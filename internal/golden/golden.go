// Package golden keeps the synthesized Terraform of every stack in the
// repository (projects/testdata/golden), so that a pull request that changes
// infrastructure shows the Terraform it changes, and pins every resource
// address, so that a construct-ID change that would make Terraform destroy
// and recreate a live resource fails unless a moved block covers it.
//
// The golden files are written by `make golden` (go run . golden), never by
// hand. Lambda zips are kept by hash: assets.sha256 lists each asset's
// sha256, which is also what the stack's source_code_hash encodes.
package golden

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// Dir is where the golden stacks live, relative to the repository root.
const Dir = "projects/testdata/golden"

// File names inside Dir besides the "<stack>.tf.json" files.
const (
	AssetsFile    = "assets.sha256"
	AddressesFile = "addresses.txt"
	stackSuffix   = ".tf.json"
)

// Snapshot is what one synthesis produced, in golden form.
type Snapshot struct {
	// Stacks maps a stack name to its cdk.tf.json, byte for byte.
	Stacks map[string][]byte
	// Assets maps "<stack>/<path under the stack folder>" to the hex sha256
	// of the file (the Lambda zips).
	Assets map[string]string
}

// Take reads the synthesized stacks under outdir (cdktf.out).
func Take(outdir string) (*Snapshot, error) {
	s := &Snapshot{Stacks: map[string][]byte{}, Assets: map[string]string{}}
	entries, err := os.ReadDir(filepath.Join(outdir, "stacks"))
	if err != nil {
		return nil, fmt.Errorf("no synthesized stacks in %s (%v): run `make synth`", outdir, err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(outdir, "stacks", e.Name())
		raw, err := os.ReadFile(filepath.Join(dir, "cdk.tf.json"))
		if err != nil {
			return nil, err
		}
		s.Stacks[e.Name()] = raw
		assets := filepath.Join(dir, "assets")
		err = filepath.WalkDir(assets, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			content, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			sum := sha256.Sum256(content)
			s.Assets[e.Name()+"/"+filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	return s, nil
}

// Load reads the golden snapshot in dir.
func Load(dir string) (*Snapshot, error) {
	s := &Snapshot{Stacks: map[string][]byte{}, Assets: map[string]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*"+stackSuffix))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s.Stacks[strings.TrimSuffix(filepath.Base(f), stackSuffix)] = raw
	}
	lines, err := readLines(filepath.Join(dir, AssetsFile))
	if err != nil {
		return nil, err
	}
	for _, line := range lines {
		sum, path, ok := strings.Cut(line, "  ")
		if !ok {
			return nil, fmt.Errorf("%s: %q is not a sha256sum line", filepath.Join(dir, AssetsFile), line)
		}
		s.Assets[path] = sum
	}
	return s, nil
}

// Write replaces the golden snapshot in dir with s: every stack file, the
// asset hashes, and stale stack files removed.
func (s *Snapshot) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*"+stackSuffix))
	for _, f := range old {
		if _, keep := s.Stacks[strings.TrimSuffix(filepath.Base(f), stackSuffix)]; !keep {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for name, raw := range s.Stacks {
		if err := os.WriteFile(filepath.Join(dir, name+stackSuffix), raw, 0o644); err != nil {
			return err
		}
	}
	var b strings.Builder
	for _, path := range sortedKeys(s.Assets) {
		fmt.Fprintf(&b, "%s  %s\n", s.Assets[path], path)
	}
	return os.WriteFile(filepath.Join(dir, AssetsFile), []byte(b.String()), 0o644)
}

// Diff lists how got differs from want: stacks added or removed, stacks
// whose JSON differs (with the first differing lines), and asset hashes.
// Empty means identical.
func Diff(want, got *Snapshot) []string {
	var out []string
	for _, name := range sortedKeys(union(want.Stacks, got.Stacks)) {
		w, inWant := want.Stacks[name]
		g, inGot := got.Stacks[name]
		switch {
		case !inWant:
			out = append(out, fmt.Sprintf("%s: new stack, not in the golden files", name))
		case !inGot:
			out = append(out, fmt.Sprintf("%s: in the golden files but no longer synthesized", name))
		case !bytes.Equal(w, g):
			out = append(out, fmt.Sprintf("%s%s differs:\n%s", name, stackSuffix, lineDiff(string(w), string(g), 6)))
		}
	}
	for _, path := range sortedKeys(union(want.Assets, got.Assets)) {
		if w, g := want.Assets[path], got.Assets[path]; w != g {
			out = append(out, fmt.Sprintf("asset %s: sha256 %s in the golden files, %s synthesized", path, orNone(w), orNone(g)))
		}
	}
	return out
}

// lineDiff shows up to max lines around the first difference, "-" for the
// golden file and "+" for the synthesized one.
func lineDiff(want, got string, max int) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  first difference at line %d\n", i+1)
	for j := i; j < i+max && j < len(w); j++ {
		fmt.Fprintf(&b, "  - %s\n", w[j])
	}
	for j := i; j < i+max && j < len(g); j++ {
		fmt.Fprintf(&b, "  + %s\n", g[j])
	}
	return strings.TrimRight(b.String(), "\n")
}

// Address is one resource of one stack, as Terraform addresses it in the
// stack's state.
type Address struct {
	Stack, Address string
}

func (a Address) String() string { return a.Stack + " " + a.Address }

// Addresses lists every resource address of every stack in s (data sources
// hold no state and are left out), sorted.
func (s *Snapshot) Addresses() ([]Address, error) {
	var out []Address
	for _, name := range sortedKeys(s.Stacks) {
		doc, err := tfjson.Parse("stack "+name, s.Stacks[name])
		if err != nil {
			return nil, err
		}
		for _, typ := range doc.Types("resource") {
			for _, b := range doc.Resources(typ) {
				out = append(out, Address{Stack: name, Address: b.Address()})
			}
		}
	}
	return out, nil
}

// Unmoved returns the pinned addresses that s would destroy: no longer a
// resource of their stack, and not the `from` of one of its moved blocks.
func Unmoved(pinned []Address, s *Snapshot) ([]Address, error) {
	present := map[Address]bool{}
	all, err := s.Addresses()
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		present[a] = true
	}
	for name, raw := range s.Stacks {
		doc, err := tfjson.Parse("stack "+name, raw)
		if err != nil {
			return nil, err
		}
		for _, m := range doc.Moves() {
			present[Address{Stack: name, Address: m.From}] = true
		}
	}
	var out []Address
	for _, a := range pinned {
		if !present[a] {
			out = append(out, a)
		}
	}
	return out, nil
}

// LoadAddresses reads the pinned addresses in dir.
func LoadAddresses(dir string) ([]Address, error) {
	lines, err := readLines(filepath.Join(dir, AddressesFile))
	if err != nil {
		return nil, err
	}
	var out []Address
	for _, line := range lines {
		stack, addr, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("%s: %q is not \"<stack> <address>\"", filepath.Join(dir, AddressesFile), line)
		}
		out = append(out, Address{Stack: stack, Address: addr})
	}
	return out, nil
}

// WriteAddresses writes the pinned addresses into dir, sorted and unique.
func WriteAddresses(dir string, addrs []Address) error {
	seen := map[Address]bool{}
	var lines []string
	for _, a := range addrs {
		if !seen[a] {
			seen[a] = true
			lines = append(lines, a.String())
		}
	}
	sort.Strings(lines)
	header := "# Every resource address of every stack (go run . golden keeps this file).\n" +
		"# A resource that disappears from a stack without a moved block would be destroyed;\n" +
		"# `make golden` refuses to drop a line unless told the removal is intended.\n"
	return os.WriteFile(filepath.Join(dir, AddressesFile), []byte(header+strings.Join(lines, "\n")+"\n"), 0o644)
}

// readLines returns the non-empty, non-comment lines of a file; a missing
// file has none.
func readLines(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func union[V any](a, b map[string]V) map[string]V {
	out := map[string]V{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
