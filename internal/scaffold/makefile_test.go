package scaffold

import (
	"os"
	"path/filepath"
	"testing"
)

// Every project folder's Makefile is the one the scaffold writes, so a fix
// to one (refusing a conflicting p=) reaches all, and new projects get it.
func TestProjectMakefilesMatchTheTemplates(t *testing.T) {
	var want []byte
	for _, pattern := range []Pattern{"lambda", "ecs"} {
		raw, err := templates.ReadFile("templates/" + string(pattern) + "/projects/__PROJECT__/Makefile.tmpl")
		if err != nil {
			t.Fatal(err)
		}
		if want != nil && string(raw) != string(want) {
			t.Errorf("the %s template's Makefile differs from the lambda one", pattern)
		}
		want = raw
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "projects", "*", "project.go"))
	if len(files) == 0 {
		t.Fatal("no projects found")
	}
	for _, f := range files {
		mk := filepath.Join(filepath.Dir(f), "Makefile")
		got, err := os.ReadFile(mk)
		if err != nil {
			t.Errorf("%s: %v (every project folder forwards make to the root)", mk, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from internal/scaffold/templates/*/projects/__PROJECT__/Makefile.tmpl", mk)
		}
	}
}
