package scaffold

import (
	"go/format"
	"strings"
	"testing"
)

const module = "example.com/infra"

const registry = `// Package projects lists every project this repository deploys.
package projects

import (
	"example.com/infra/constructs/stack"

	alpha "example.com/infra/projects/alpha"
	projectx "example.com/infra/projects/project-x"
)

// All returns the projects in synthesis order.
func All() []stack.Project {
	return []stack.Project{
		alpha.Project,
		// project-x is the template.
		projectx.Project,
	}
}
`

func TestRegisterAddsImportAndEntry(t *testing.T) {
	out, err := Register([]byte(registry), module, "my-new-project")
	if err != nil {
		t.Fatal(err)
	}
	want := `import (
	"example.com/infra/constructs/stack"

	alpha "example.com/infra/projects/alpha"
	mynewproject "example.com/infra/projects/my-new-project"
	projectx "example.com/infra/projects/project-x"
)

// All returns the projects in synthesis order.
func All() []stack.Project {
	return []stack.Project{
		alpha.Project,
		// project-x is the template.
		projectx.Project,
		mynewproject.Project,
	}
}
`
	if !strings.HasSuffix(string(out), want) {
		t.Errorf("got\n%s\nwant it to end with\n%s", out, want)
	}
	formatted, err := format.Source(out)
	if err != nil || string(formatted) != string(out) {
		t.Errorf("output is not gofmt-clean (err %v)", err)
	}
	// A second project lands after the first one.
	again, err := Register(out, module, "zeta")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(again), "mynewproject.Project,\n\t\tzeta.Project,\n\t}") {
		t.Errorf("second registration:\n%s", again)
	}
}

func TestRegisterOneLineAndEmptyLists(t *testing.T) {
	oneLine := strings.Replace(registry, "[]stack.Project{\n\t\talpha.Project,\n\t\t// project-x is the template.\n\t\tprojectx.Project,\n\t}",
		"[]stack.Project{alpha.Project, projectx.Project}", 1)
	out, err := Register([]byte(oneLine), module, "beta")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "[]stack.Project{alpha.Project, projectx.Project, beta.Project}") {
		t.Errorf("one-line list:\n%s", out)
	}
	empty := strings.Replace(oneLine, "{alpha.Project, projectx.Project}", "{}", 1)
	out, err = Register([]byte(empty), module, "beta")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "[]stack.Project{\n\t\tbeta.Project,\n\t}") {
		t.Errorf("empty list:\n%s", out)
	}
}

func TestRegisterRefuses(t *testing.T) {
	tests := []struct {
		name, src, project, want string
	}{
		{"already registered", registry, "alpha", `project "alpha" already exists (registered in projects/projects.go)`},
		{"same package after removing hyphens", registry, "project-x", "already exists"},
		{"package clash", registry, "projectx", `"projectx" becomes the Go package "projectx", which projects/projects.go already imports (example.com/infra/projects/project-x)`},
		{"clash with an imported construct package", registry, "stack", `which projects/projects.go already imports (example.com/infra/constructs/stack)`},
		{"syntax error", "package projects\nfunc {", "beta", "projects/projects.go: does not parse"},
		{"no All", strings.Replace(registry, "func All()", "func Every()", 1), "beta", "has no `func All` returning a []stack.Project literal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Register([]byte(tt.src), module, tt.project)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
