package scaffold

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// ServiceFile is one file of an ECS project's service repository.
type ServiceFile struct {
	// Path is relative to the service folder (Options.ServiceDir).
	Path    string
	Content []byte
	Mode    fs.FileMode
}

// ServiceFiles renders the files `make new pattern=ecs` writes for the
// service repository (Dockerfile, workflows, release script, README) of
// the ECS project opts.Name, without writing anything. Root, Name,
// ServiceRepo and ServiceDir are read; Pattern is ECS.
func ServiceFiles(opts Options) ([]ServiceFile, error) {
	opts.Pattern = ECS
	module, err := readModule(opts.Root)
	if err != nil {
		return nil, err
	}
	opts.applyDefaults()
	if err := core.ValidateProjectName(opts.Name); err != nil {
		return nil, err
	}
	if !repoPattern.MatchString(opts.ServiceRepo) {
		return nil, core.Errorf("repo", "give the service's GitHub repository as owner/name", "%q is not a GitHub repository", opts.ServiceRepo)
	}
	files, err := render(opts, module)
	if err != nil {
		return nil, err
	}
	var out []ServiceFile
	for _, f := range files {
		if rel, ok := strings.CutPrefix(f.path, opts.ServiceDir+"/"); ok {
			out = append(out, ServiceFile{Path: rel, Content: f.content, Mode: f.mode})
		}
	}
	return out, nil
}

// WriteService writes the service files of the existing ECS project
// opts.Name into opts.ServiceDir, replacing the ones there (they are
// generated: change the templates, then write them again), and returns the
// paths it changed, relative to Root. A project not in opts.Taken (the
// registered projects) is refused.
func WriteService(opts Options) ([]string, error) {
	registered := false
	for _, t := range opts.Taken {
		registered = registered || t == opts.Name
	}
	if !registered {
		return nil, core.Errorf("name", "give a registered ECS project (make new creates one with its service files)", "project %q does not exist", opts.Name)
	}
	project, err := os.ReadFile(filepath.Join(opts.Root, "projects", opts.Name, "project.go"))
	if err != nil || !bytes.Contains(project, []byte("ecsservice.Project(")) {
		return nil, core.Errorf("name", "service files are for ECS service projects", "projects/%s/project.go is not an ECS service project", opts.Name)
	}
	files, err := ServiceFiles(opts)
	if err != nil {
		return nil, err
	}
	opts.applyDefaults()
	var changed []string
	for _, f := range files {
		rel := path.Join(opts.ServiceDir, f.Path)
		target := filepath.Join(opts.Root, filepath.FromSlash(rel))
		if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, f.Content) {
			if err := os.Chmod(target, f.Mode); err != nil {
				return changed, err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return changed, err
		}
		if err := os.WriteFile(target, f.Content, f.Mode); err != nil {
			return changed, fmt.Errorf("writing %s: %w", rel, err)
		}
		if err := os.Chmod(target, f.Mode); err != nil {
			return changed, err
		}
		changed = append(changed, rel)
	}
	return changed, nil
}
