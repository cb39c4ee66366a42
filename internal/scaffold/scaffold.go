// Package scaffold creates a new project in one command (`make new`): its
// folder under projects/, its handler under lambdas/ (Lambda pattern) or the
// files its service repository needs (ECS pattern), and its entry in
// projects/projects.go, so its dev and production stacks synthesize at once.
//
// It validates everything before writing anything, and removes what it wrote
// if a write fails, so a refused or failed run leaves the repository as it was.
package scaffold

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/infraci"
	"github.com/fractallabsdev/talkwise-infra/internal/release"
)

//go:embed all:templates
var templates embed.FS

// Options say what to create and where.
type Options struct {
	// Root is the repository root (the folder holding go.mod). Required.
	Root string
	// Name is the project name, e.g. "my-project". Required.
	Name string
	// Pattern is Lambda or ECS. Required.
	Pattern Pattern
	// Task is the Lambda task's short name, its folder lambdas/<Name>/<Task>/.
	// Defaults to "<Name>-task". Ignored for ECS.
	Task string
	// ServiceRepo is the GitHub repository ("owner/name") that deploys the
	// ECS service image. Defaults to "<this repository's owner>/<Name>"
	// (owner from infraci.DefaultRepository).
	// Ignored for Lambda.
	ServiceRepo string
	// ServiceDir is where the files for the service repository (Dockerfile,
	// deploy workflow) are written, relative to Root. Defaults to
	// "projects/<Name>/service". Ignored for Lambda.
	ServiceDir string
	// Taken lists project names already in use beyond those the registry
	// file and the folders show (e.g. projects registered elsewhere).
	Taken []string
}

// Result is what New created.
type Result struct {
	// Files are the created paths relative to Root, sorted; the registry file
	// (modified, not created) is listed last.
	Files []string
	// NextSteps is the text to print for the user.
	NextSteps string
}

var placeholder = regexp.MustCompile(`__[A-Z]+__`)

func (o *Options) applyDefaults() {
	if o.Task == "" {
		o.Task = o.Name + "-task"
	}
	if o.ServiceRepo == "" {
		o.ServiceRepo = repoOwner(infraci.DefaultRepository) + "/" + o.Name
	}
	if o.ServiceDir == "" {
		o.ServiceDir = path.Join("projects", o.Name, "service")
	}
	o.ServiceDir = filepath.ToSlash(filepath.Clean(o.ServiceDir))
}

// repoOwner is the owner in "owner/name".
func repoOwner(repo string) string {
	owner, _, _ := strings.Cut(repo, "/")
	return owner
}

var repoPattern = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)

// validate checks the options and that nothing the project needs exists yet.
func (o *Options) validate() error {
	if o.Root == "" {
		return errors.New("scaffold: Options.Root is required")
	}
	if o.Name == "" {
		return core.Errorf("name", "give one, e.g. make new name=my-project pattern=lambda", "no project name given")
	}
	if _, err := ParsePattern(string(o.Pattern)); err != nil {
		return err
	}
	if err := ValidateNames(o.Pattern, o.Name, o.Task); err != nil {
		return err
	}
	var errs []error
	for _, t := range o.Taken {
		if t == o.Name {
			errs = append(errs, core.Errorf("name", "choose another name", "project %q already exists", o.Name))
		}
	}
	if o.Pattern == ECS {
		if !repoPattern.MatchString(o.ServiceRepo) {
			errs = append(errs, core.Errorf("repo", "give the service's GitHub repository as owner/name",
				"%q is not a GitHub repository", o.ServiceRepo))
		}
		if path.IsAbs(o.ServiceDir) || o.ServiceDir == ".." || strings.HasPrefix(o.ServiceDir, "../") {
			errs = append(errs, core.Errorf("out", "give a folder inside the repository, e.g. projects/"+o.Name+"/service",
				"%q is outside the repository", o.ServiceDir))
		}
	}
	return core.Join(errs...)
}

// file is one file to write.
type file struct {
	path    string // relative to Root, slash-separated
	content []byte
	mode    fs.FileMode
}

// New validates opts, then creates the project. On any error nothing is left
// behind: the message says what to change.
func New(opts Options) (*Result, error) {
	module, err := readModule(opts.Root)
	if err != nil {
		return nil, err
	}
	opts.applyDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	files, err := render(opts, module)
	if err != nil {
		return nil, err
	}
	// One clear reason is enough: the registry first, then the folders, and
	// only for a new project each file (the service folder may exist).
	registryPath := filepath.Join(opts.Root, RegistryFile)
	registry, err := os.ReadFile(registryPath)
	if err != nil {
		return nil, &core.ConfigError{File: RegistryFile, Problem: err.Error(), Fix: "run from the repository root"}
	}
	registered, err := Register(registry, module, opts.Name)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, dir := range []string{path.Join("projects", opts.Name), path.Join("lambdas", opts.Name)} {
		if _, err := os.Lstat(filepath.Join(opts.Root, dir)); err == nil {
			errs = append(errs, core.Errorf("name", "choose another name, or remove "+dir+" if it is left over",
				"%s already exists", dir))
		}
	}
	if len(errs) == 0 {
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(opts.Root, f.path)); err == nil {
				errs = append(errs, core.Errorf("out", "choose another folder or remove the file", "%s already exists", f.path))
			}
		}
	}
	if err := core.Join(errs...); err != nil {
		return nil, err
	}
	if err := write(opts.Root, files, registryPath, registered); err != nil {
		return nil, err
	}
	res := &Result{NextSteps: nextSteps(opts)}
	for _, f := range files {
		res.Files = append(res.Files, f.path)
	}
	sort.Strings(res.Files)
	res.Files = append(res.Files, RegistryFile)
	return res, nil
}

// readModule reads the module path from Root/go.mod.
func readModule(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("scaffold: %v: run from the repository root", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(m), `"`), nil
		}
	}
	return "", fmt.Errorf("scaffold: go.mod has no module line")
}

// render expands the pattern's templates in memory. A template's path under
// templates/<pattern>/ is its output path, with placeholders substituted and
// the .tmpl suffix (which keeps Go from compiling template .go files) removed.
func render(opts Options, module string) ([]file, error) {
	r := strings.NewReplacer(
		"__PROJECT__", opts.Name,
		"__PACKAGE__", PackageName(opts.Name),
		"__TASK__", opts.Task,
		"__MODULE__", module,
		"__REPO__", opts.ServiceRepo,
		"__ACCOUNT__", core.Talkwise.AccountID,
		"__REGION__", core.Talkwise.Region,
		"__SERVICE__", opts.ServiceDir,
	)
	base := "templates/" + string(opts.Pattern)
	var files []file
	err := fs.WalkDir(templates, base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := templates.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, base+"/"), ".tmpl")
		// The service repository's files go to the chosen folder.
		if after, ok := strings.CutPrefix(rel, "service/"); ok {
			rel = path.Join("__SERVICE__", after)
		}
		out := file{path: r.Replace(rel), content: []byte(r.Replace(string(raw))), mode: 0o644}
		if left := placeholder.Find(out.content); left != nil {
			return fmt.Errorf("scaffold: template %s has an unknown placeholder %s", p, left)
		}
		files = append(files, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if opts.Pattern == ECS {
		// The release script is not a template: one file, which `make
		// release` runs here and the service's workflow runs there.
		files = append(files, file{path: path.Join(opts.ServiceDir, ReleaseScript), content: release.Script, mode: 0o755})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	return files, nil
}

// ReleaseScript is where the service's files hold internal/release/release.sh.
const ReleaseScript = "scripts/release.sh"

// writeFile is os.WriteFile with O_EXCL, so a file that appeared since the
// checks is never overwritten. Tests replace it to simulate a failing disk.
var writeFile = func(name string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// write creates files and then replaces the registry. If anything fails it
// removes every file and folder it created and restores the registry.
func write(root string, files []file, registryPath string, newRegistry []byte) (err error) {
	var created []string // files and folders, in creation order
	defer func() {
		if err == nil {
			return
		}
		for i := len(created) - 1; i >= 0; i-- {
			_ = os.Remove(created[i])
		}
		err = fmt.Errorf("%w (nothing was left behind: the files written so far were removed)", err)
	}()
	for _, f := range files {
		target := filepath.Join(root, filepath.FromSlash(f.path))
		dirs, err := mkdirs(filepath.Dir(target))
		created = append(created, dirs...)
		if err != nil {
			return err
		}
		if err := writeFile(target, f.content, f.mode); err != nil {
			_ = os.Remove(target) // a partly written file
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
		created = append(created, target)
	}
	return replaceFile(registryPath, newRegistry)
}

// mkdirs creates dir and its missing parents, returning those it created.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return created, err
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// replaceFile swaps in content through a temporary file and a rename, so the
// registry is never half written: until the rename, the old file is intact.
func replaceFile(target string, content []byte) error {
	tmp := target + ".new"
	if err := writeFile(tmp, content, 0o644); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", RegistryFile, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("replacing %s: %w", RegistryFile, err)
	}
	return nil
}
