package bench

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/fractallabsdev/talkwise-infra/constructs/lambda"
	"github.com/fractallabsdev/talkwise-infra/internal/scaffold"
)

// copyRepo copies the repository's sources (not .git, .tools, output or
// node_modules) so the scale case and the no-op run change nothing here.
func copyRepo(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			switch {
			case rel == ".git" || rel == ".tools" || d.Name() == "node_modules" || d.Name() == ".terraform",
				strings.HasPrefix(rel, "cdktf.out") || strings.HasPrefix(rel, ".cdktf.out"):
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, info.Mode().Perm())
	})
}

// generateProjects adds n scheduled-Lambda projects with the scaffolder that
// `make new` uses, so they are what a real new project looks like.
func generateProjects(root string, n int) error {
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("bench%02d", i)
		if _, err := scaffold.New(scaffold.Options{Root: root, Name: name, Pattern: scaffold.Lambda}); err != nil {
			return fmt.Errorf("generating %s: %w", name, err)
		}
	}
	return nil
}

type zipSize struct {
	dir  string
	size int64
}

// benchBundling bundles and zips every handler (lambda.Build), all of them
// once per repetition, each time into a fresh folder so nothing is cached.
func benchBundling(root, tmp string, reps int) (*figure, []zipSize, error) {
	entries, err := filepath.Glob(filepath.Join(root, "lambdas", "*", "*", "src", "index.ts"))
	if err != nil {
		return nil, nil, err
	}
	var dirs []string
	for _, e := range entries {
		rel, _ := filepath.Rel(root, filepath.Dir(filepath.Dir(e)))
		dirs = append(dirs, filepath.ToSlash(rel))
	}
	if len(dirs) == 0 {
		return nil, nil, errors.New("bench: no handlers under lambdas/*/*/src/index.ts")
	}
	f := &figure{name: fmt.Sprintf("bundle + zip all %d Lambdas", len(dirs))}
	var zips []zipSize
	for i := 0; i < reps; i++ {
		buildDir := filepath.Join(tmp, fmt.Sprintf("bundles-%d", i))
		start := time.Now()
		var sizes []zipSize
		for _, d := range dirs {
			b, err := lambda.Build(root, d, buildDir)
			if err != nil {
				return nil, nil, err
			}
			sizes = append(sizes, zipSize{dir: d, size: b.Size})
		}
		f.add(benchRun{wall: time.Since(start)})
		zips = sizes
	}
	return f, zips, nil
}

// benchNoop times `make synth` when nothing changed since the last one, in
// a copy of the repository synthesized once beforehand with the prebuilt app.
func benchNoop(root, tmp, app string, reps int) (*figure, error) {
	dir := filepath.Join(tmp, "noop")
	if err := copyRepo(root, dir); err != nil {
		return nil, err
	}
	// NODE=node: never install Node into the copy; a no-op does not start it.
	synth := "SYNTH=" + app + " synth"
	if _, err := timed(dir, nil, "make", "-s", "synth", "NODE=node", synth); err != nil {
		return nil, fmt.Errorf("priming the no-op case: %w", err)
	}
	f := &figure{name: "no-op make synth"}
	for i := 0; i < reps; i++ {
		cmd := exec.Command("make", "-s", "synth", "NODE=node", synth)
		cmd.Dir = dir
		start := time.Now()
		out, err := cmd.CombinedOutput()
		wall := time.Since(start)
		if err != nil {
			return nil, fmt.Errorf("no-op make synth: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "up to date") {
			return nil, fmt.Errorf("no-op make synth synthesized although nothing changed:\n%s", out)
		}
		f.add(benchRun{wall: wall})
	}
	return f, nil
}
