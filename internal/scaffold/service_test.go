package scaffold

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	agentfactory "github.com/fractallabsdev/talkwise-infra/projects/agent-factory"
)

// repoLink is how the service README names its repository.
var repoLink = regexp.MustCompile(`\[([A-Za-z0-9-]+/[A-Za-z0-9._-]+)\]\(https://github\.com/`)

// Every committed service folder (projects/<p>/service) is exactly what the
// templates render for its project, so the files a service repository
// copies cannot drift from the release script and workflows tested here;
// `make service p=<p>` rewrites one after a template changes.
func TestCommittedServiceFilesAreRendered(t *testing.T) {
	root := synthtest.RepoRoot(t)
	dirs, _ := filepath.Glob(filepath.Join(root, "projects", "*", "service"))
	found := map[string]bool{}
	for _, dir := range dirs {
		name := filepath.Base(filepath.Dir(dir))
		found[name] = true
		readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
		m := repoLink.FindSubmatch(readme)
		if err != nil || m == nil {
			t.Errorf("projects/%s/service/README.md names no repository (%v)", name, err)
			continue
		}
		want, err := ServiceFiles(Options{Root: root, Name: name, ServiceRepo: string(m[1])})
		if err != nil {
			t.Fatal(err)
		}
		wantPaths := map[string]bool{}
		for _, f := range want {
			wantPaths[f.Path] = true
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			got, err := os.ReadFile(p)
			if err != nil || !bytes.Equal(got, f.Content) {
				t.Errorf("projects/%s/service/%s differs from its template (%v); run make service p=%s", name, f.Path, err, name)
				continue
			}
			if fi, _ := os.Stat(p); fi.Mode().Perm() != f.Mode.Perm() {
				t.Errorf("projects/%s/service/%s has mode %v, want %v", name, f.Path, fi.Mode().Perm(), f.Mode.Perm())
			}
		}
		var extra []string
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				if !wantPaths[filepath.ToSlash(rel)] {
					extra = append(extra, rel)
				}
			}
			return nil
		})
		sort.Strings(extra)
		if len(extra) > 0 {
			t.Errorf("projects/%s/service has files no template renders: %v", name, extra)
		}
	}
	// agent-factory's service files deploy from the repository its deploy
	// role trusts.
	if !found["agent-factory"] {
		t.Fatal("projects/agent-factory/service is missing: make service p=agent-factory")
	}
	readme, _ := os.ReadFile(filepath.Join(root, "projects", "agent-factory", "service", "README.md"))
	if m := repoLink.FindSubmatch(readme); m == nil || string(m[1]) != agentfactory.Settings.GitHubRepository {
		t.Errorf("agent-factory's service files name %q, its deploy role trusts %s", m, agentfactory.Settings.GitHubRepository)
	}
}

// WriteService refuses what is not a registered ECS project, and writes
// nothing when the files are up to date.
func TestWriteService(t *testing.T) {
	root := fakeRepo(t)
	if _, err := WriteService(Options{Root: root, Name: "ghost", Taken: []string{"alpha"}}); err == nil || !strings.Contains(err.Error(), `project "ghost" does not exist`) {
		t.Errorf("unregistered: %v", err)
	}
	if _, err := WriteService(Options{Root: root, Name: "alpha", Taken: []string{"alpha"}}); err == nil || !strings.Contains(err.Error(), "is not an ECS service project") {
		t.Errorf("not ECS: %v", err)
	}
	if err := os.WriteFile(filepath.Join(root, "projects/alpha/project.go"), []byte("package alpha\nvar P = ecsservice.Project(\"alpha\", x)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := WriteService(Options{Root: root, Name: "alpha", Taken: []string{"alpha"}})
	if err != nil || len(changed) != 6 {
		t.Fatalf("first write: %v %v", changed, err)
	}
	if changed, err := WriteService(Options{Root: root, Name: "alpha", Taken: []string{"alpha"}}); err != nil || len(changed) != 0 {
		t.Errorf("second write changed %v (%v)", changed, err)
	}
}
