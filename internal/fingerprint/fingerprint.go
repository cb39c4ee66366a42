// Package fingerprint tells whether cdktf.out still matches the files it was
// synthesized from. Every synthesis pays the jsii start-up (seconds); when no
// input changed, `make synth` asks this package and skips it.
//
// The fingerprint is a content hash of every input, never mtimes alone, plus
// a hash of the output itself, stored inside the output as .inputs.sha256 in
// sha256sum format. It is written into the staging folder before the atomic
// swap, so output and fingerprint always belong together: a failed synthesis
// leaves the previous pair untouched, and since its inputs differ from the
// current files the next `make synth` runs again.
package fingerprint

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FileName is the fingerprint's name inside the output folder.
const FileName = ".inputs.sha256"

// Fingerprint is what one synthesis depended on.
type Fingerprint struct {
	// Command identifies the synthesis by its arguments (a subset of stacks
	// gives a different output) and EnvInputs. Not by the Go version: it does
	// not change the output, and the checker, built once, would never match
	// the synth of a newer toolchain again.
	Command string
	// Files maps each input's slash-separated path under the root to the
	// hex sha256 of its contents.
	Files map[string]string
	// Output is the hash of the output tree (see OutputHash); empty until
	// the output is written.
	Output string
	// Unverifiable names inputs whose contents cannot be fingerprinted
	// (symlinked folders, local module replacements outside the root). Any
	// entry means the output is never considered up to date.
	Unverifiable []string
}

// EnvInputs are environment variables that change what synthesis writes;
// their values are part of Command. TALKWISE_PLATFORM_BOOTSTRAP is
// platform.BootstrapEnv (local state for the platform stack, `make ...
// bootstrap=1`), named here to keep this package free of jsii imports.
var EnvInputs = []string{"TALKWISE_PLATFORM_BOOTSTRAP"}

// Command describes a synthesis by its arguments and the EnvInputs that are set.
func Command(args []string) string {
	cmd := "synth " + strings.Join(args, " ")
	for _, name := range EnvInputs {
		if v := os.Getenv(name); v != "" {
			cmd += " " + name + "=" + v
		}
	}
	return strings.TrimSpace(cmd)
}

// Inputs fingerprints every file under root that synthesis may read: all of
// it, except what it never reads. Excluding too little only costs an extra
// synthesis; excluding too much would serve stale output, so the list is short:
//   - version control, the tools folder and the output folders (with their
//     staging and .old siblings);
//   - *_test.go and testdata folders, which are never compiled into the app
//     (the golden stacks live in projects/testdata);
//   - node_modules, standing in for it the .package-lock.json npm writes on
//     every install, so a changed dependency still changes the fingerprint;
//   - dist/ under lambdas/ (local esbuild output; synthesis bundles from src)
//     and .terraform folders.
func Inputs(root, outdir string, args []string) (*Fingerprint, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(outdir)
	if err != nil {
		return nil, err
	}
	f := &Fingerprint{Command: Command(args), Files: map[string]string{}}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(mustRel(root, path))
		if d.IsDir() {
			if path != root && skipDir(rel, d.Name(), path, out) {
				if d.Name() == "node_modules" {
					return hashIfExists(f, root, filepath.Join(path, ".package-lock.json"))
				}
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if info, err := os.Stat(path); err == nil && info.IsDir() {
				f.Unverifiable = append(f.Unverifiable, rel+" is a symlinked folder")
				return nil
			}
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil // sockets, pipes: nothing synthesis reads
		}
		return hashFile(f, rel, path)
	})
	if err != nil {
		return nil, err
	}
	f.Unverifiable = append(f.Unverifiable, localReplacements(root)...)
	return f, nil
}

func skipDir(rel, name, path, out string) bool {
	switch {
	case name == ".git" || name == ".tools" || name == "node_modules" || name == ".terraform" || name == "testdata":
		return true
	case name == "dist" && strings.HasPrefix(rel, "lambdas/"):
		return true
	case path == out || path == out+".old":
		return true
	case filepath.Dir(path) == filepath.Dir(out) && strings.HasPrefix(name, "."+filepath.Base(out)+".staging-"):
		return true
	}
	return false
}

func mustRel(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return rel
}

func hashIfExists(f *Fingerprint, root, path string) error {
	if _, err := os.Stat(path); err != nil {
		return filepath.SkipDir
	}
	if err := hashFile(f, filepath.ToSlash(mustRel(root, path)), path); err != nil {
		return err
	}
	return filepath.SkipDir
}

func hashFile(f *Fingerprint, rel, path string) error {
	sum, err := sumFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// A dangling symlink or a file removed mid-walk: record it so a
			// later appearance changes the fingerprint.
			f.Files[rel] = "missing"
			return nil
		}
		return err
	}
	f.Files[rel] = sum
	return nil
}

func sumFile(path string) (string, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// localReplacements lists go.mod replace directives that point at a folder:
// code there is compiled into the app but lies outside the fingerprint.
func localReplacements(root string) []string {
	raw, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		_, target, ok := strings.Cut(line, "=>")
		target = strings.TrimSpace(target)
		if ok && (strings.HasPrefix(target, ".") || strings.HasPrefix(target, "/")) {
			out = append(out, "go.mod replaces a module with the folder "+strings.Fields(target)[0])
		}
	}
	return out
}

// localState are the files a local-backend stack's terraform writes beside
// its cdk.tf.json (the platform stack while bootstrapping); synthesis
// carries them over like .terraform and never produces them.
var localState = map[string]bool{"terraform.tfstate": true, "terraform.tfstate.backup": true}

// OutputHash hashes the output tree: every file's path and contents, except
// the fingerprint itself, the files `terraform init` adds (.terraform,
// .terraform.lock.hcl) and a local backend's state (localState), which
// synthesis carries over and does not produce.
func OutputHash(outdir string) (string, error) {
	var lines []string
	err := filepath.WalkDir(outdir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(mustRel(outdir, path))
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == FileName || d.Name() == ".terraform.lock.hcl" || localState[d.Name()] {
			return nil
		}
		sum, err := sumFile(path)
		if err != nil {
			return err
		}
		lines = append(lines, sum+"  "+rel+"\n")
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		io.WriteString(h, l)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Seal hashes the finished output in dir (the staging folder, before the
// swap) and writes the fingerprint into it.
func (f *Fingerprint) Seal(dir string) error {
	sum, err := OutputHash(dir)
	if err != nil {
		return err
	}
	f.Output = sum
	return os.WriteFile(filepath.Join(dir, FileName), f.encode(), 0o644)
}

// encode writes sha256sum's format (`sha256sum -c` checks the input lines),
// with the command and output hash as comments.
func (f *Fingerprint) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# written by `go run . synth`; `make synth` skips synthesis while all of this still holds\n")
	fmt.Fprintf(&b, "# command: %s\n", f.Command)
	fmt.Fprintf(&b, "# output: %s\n", f.Output)
	for _, u := range f.Unverifiable {
		fmt.Fprintf(&b, "# unverifiable: %s\n", u)
	}
	paths := make([]string, 0, len(f.Files))
	for p := range f.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "%s  %s\n", f.Files[p], p)
	}
	return b.Bytes()
}

// Read loads the fingerprint stored in outdir.
func Read(outdir string) (*Fingerprint, error) {
	raw, err := os.ReadFile(filepath.Join(outdir, FileName))
	if err != nil {
		return nil, err
	}
	f := &Fingerprint{Files: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# command: "); ok {
			f.Command = v
		} else if v, ok := strings.CutPrefix(line, "# output: "); ok {
			f.Output = v
		} else if v, ok := strings.CutPrefix(line, "# unverifiable: "); ok {
			f.Unverifiable = append(f.Unverifiable, v)
		} else if strings.HasPrefix(line, "#") {
			continue
		} else if sum, path, ok := strings.Cut(line, "  "); ok {
			f.Files[path] = sum
		} else {
			return nil, fmt.Errorf("%s: malformed line %q", FileName, line)
		}
	}
	return f, sc.Err()
}

// Check compares outdir with the current inputs under root for a synthesis
// with args. It returns "" when the output is up to date, else why not.
func Check(root, outdir string, args []string) (reason string, err error) {
	stored, err := Read(outdir)
	if errors.Is(err, fs.ErrNotExist) {
		if _, statErr := os.Stat(outdir); statErr != nil {
			return outdir + " does not exist", nil
		}
		return outdir + " has no " + FileName + " (written by another tool or an older synth)", nil
	}
	if err != nil {
		return "", err
	}
	current, err := Inputs(root, outdir, args)
	if err != nil {
		return "", err
	}
	if len(current.Unverifiable) > 0 {
		return current.Unverifiable[0] + ", so changes to it cannot be detected", nil
	}
	if stored.Command != current.Command {
		return fmt.Sprintf("the last synthesis was %q, this one is %q", stored.Command, current.Command), nil
	}
	if d := diff(stored.Files, current.Files); d != "" {
		return d, nil
	}
	out, err := OutputHash(outdir)
	if err != nil {
		return "", err
	}
	if out != stored.Output {
		return outdir + " was modified since it was synthesized", nil
	}
	return "", nil
}

// diff names the first changed, added or removed input, in path order.
func diff(old, cur map[string]string) string {
	paths := make([]string, 0, len(old)+len(cur))
	for p := range old {
		paths = append(paths, p)
	}
	for p := range cur {
		if _, ok := old[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		o, inOld := old[p]
		c, inCur := cur[p]
		switch {
		case !inCur:
			return p + " was removed"
		case !inOld:
			return p + " was added"
		case o != c:
			return p + " changed"
		}
	}
	return ""
}
