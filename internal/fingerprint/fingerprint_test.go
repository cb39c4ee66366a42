package fingerprint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// repo lays out a small repository with one file of every kind synthesis
// reads, plus things it never reads.
func repo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":                                    "module example.com/infra\n\ngo 1.26\n",
		"go.sum":                                    "example.com/dep v1.0.0 h1:abc=\n",
		"cdktf.json":                                `{"language":"go","app":"go run ."}`,
		"main.go":                                   "package main\n",
		"main_test.go":                              "package main\n",
		"constructs/lambda/bundle.go":               "package lambda\n",
		"projects/demo/project.go":                  "package demo\n",
		"projects/demo/schedules.yaml":              "schedules: []\n",
		"lambdas/build-options.json":                `{"minify":true}`,
		"lambdas/lib/job.ts":                        "export const job = 1;\n",
		"lambdas/demo/task/package.json":            `{"name":"task"}`,
		"lambdas/demo/task/package-lock.json":       `{"lockfileVersion":3}`,
		"lambdas/demo/task/src/index.ts":            "export const handler = () => 1;\n",
		"lambdas/demo/task/dist/index.js":           "built locally\n",
		"lambdas/node_modules/.package-lock.json":   `{"packages":{}}`,
		"lambdas/node_modules/left-pad/index.js":    "module.exports = 1;\n",
		".tools/node22/bin/node":                    "binary\n",
		".git/HEAD":                                 "ref: refs/heads/main\n",
		"projects/demo/.terraform/providers/x.txt":  "terraform init output\n",
		"projects/testdata/golden/demo-dev.tf.json": "{}\n",
	}
	for path, content := range files {
		write(t, root, path, content)
	}
	return root
}

func write(t *testing.T, root, path, content string) {
	t.Helper()
	p := filepath.Join(root, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// synth does what `go run . synth` does with the fingerprint: fingerprint
// the inputs first, write the stacks to a staging folder, seal it, swap it in.
func synth(t *testing.T, root, outdir string, args ...string) {
	t.Helper()
	f, err := Inputs(root, outdir, args)
	if err != nil {
		t.Fatal(err)
	}
	staging := outdir + ".staging-test"
	write(t, staging, "manifest.json", `{"stacks":{}}`)
	write(t, staging, "stacks/demo-dev/cdk.tf.json", `{"resource":{}}`)
	if err := f.Seal(staging); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(outdir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(staging, outdir); err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, root, outdir string, args ...string) string {
	t.Helper()
	reason, err := Check(root, outdir, args)
	if err != nil {
		t.Fatal(err)
	}
	return reason
}

func TestCheckAfterSynthIsUpToDate(t *testing.T) {
	root := repo(t)
	out := filepath.Join(root, "cdktf.out")
	synth(t, root, out)
	if r := check(t, root, out); r != "" {
		t.Fatalf("nothing changed, but Check says %q", r)
	}
}

// Every kind of input the issue names: a change to any of them must re-synthesize.
func TestCheckNamesTheChangedInput(t *testing.T) {
	cases := []struct {
		name, path, want string
	}{
		{"Go source", "constructs/lambda/bundle.go", "constructs/lambda/bundle.go changed"},
		{"go.mod", "go.mod", "go.mod changed"},
		{"go.sum", "go.sum", "go.sum changed"},
		{"schedules YAML", "projects/demo/schedules.yaml", "projects/demo/schedules.yaml changed"},
		{"cdktf.json", "cdktf.json", "cdktf.json changed"},
		{"handler source", "lambdas/demo/task/src/index.ts", "lambdas/demo/task/src/index.ts changed"},
		{"shared handler code", "lambdas/lib/job.ts", "lambdas/lib/job.ts changed"},
		{"build options", "lambdas/build-options.json", "lambdas/build-options.json changed"},
		{"package.json", "lambdas/demo/task/package.json", "lambdas/demo/task/package.json changed"},
		{"lockfile", "lambdas/demo/task/package-lock.json", "lambdas/demo/task/package-lock.json changed"},
		{"installed dependencies", "lambdas/node_modules/.package-lock.json", "lambdas/node_modules/.package-lock.json changed"},
		{"new Go file", "projects/demo/extra.go", "projects/demo/extra.go was added"},
		{"new project folder", "projects/other/schedules.yaml", "projects/other/schedules.yaml was added"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := repo(t)
			out := filepath.Join(root, "cdktf.out")
			synth(t, root, out)
			write(t, root, c.path, "edited\n")
			if r := check(t, root, out); r != c.want {
				t.Errorf("after editing %s Check says %q, want %q", c.path, r, c.want)
			}
		})
	}
}

func TestCheckNoticesARemovedInput(t *testing.T) {
	root := repo(t)
	out := filepath.Join(root, "cdktf.out")
	synth(t, root, out)
	if err := os.Remove(filepath.Join(root, "projects/demo/schedules.yaml")); err != nil {
		t.Fatal(err)
	}
	if r, want := check(t, root, out), "projects/demo/schedules.yaml was removed"; r != want {
		t.Errorf("Check says %q, want %q", r, want)
	}
}

// Files synthesis never reads may change freely; the skip must not depend on them.
func TestCheckIgnoresWhatSynthesisNeverReads(t *testing.T) {
	for _, path := range []string{
		"main_test.go",                              // never compiled into the app
		"lambdas/demo/task/dist/index.js",           // local esbuild output
		".tools/node22/bin/node",                    // tools
		".git/HEAD",                                 // version control
		"projects/demo/.terraform/providers/x.txt",  // terraform's working files
		".cdktf.out.staging-123/manifest.json",      // a staging folder of a running synth
		"cdktf.out.old/manifest.json",               // the previous output during a swap
		"projects/testdata/golden/demo-dev.tf.json", // test data, which the go tool never builds either
	} {
		t.Run(path, func(t *testing.T) {
			root := repo(t)
			out := filepath.Join(root, "cdktf.out")
			synth(t, root, out)
			write(t, root, path, "edited\n")
			if r := check(t, root, out); r != "" {
				t.Errorf("after editing %s Check says %q, want up to date", path, r)
			}
		})
	}
}

// The fingerprint is of contents: touching a file without changing it is no change.
func TestCheckComparesContentsNotTimes(t *testing.T) {
	root := repo(t)
	out := filepath.Join(root, "cdktf.out")
	synth(t, root, out)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(root, "main.go"), later, later); err != nil {
		t.Fatal(err)
	}
	if r := check(t, root, out); r != "" {
		t.Errorf("a touched but unchanged file made Check say %q", r)
	}
	// The reverse: same size, same time, different bytes.
	info, _ := os.Stat(filepath.Join(root, "main.go"))
	write(t, root, "main.go", "package mian\n")
	if err := os.Chtimes(filepath.Join(root, "main.go"), info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if r, want := check(t, root, out), "main.go changed"; r != want {
		t.Errorf("Check says %q, want %q", r, want)
	}
}

func TestCheckRejectsAMissingOrModifiedOutput(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, out string)
		want   string
	}{
		{"output removed", func(t *testing.T, out string) { os.RemoveAll(out) }, " does not exist"},
		{"fingerprint removed", func(t *testing.T, out string) { os.Remove(filepath.Join(out, FileName)) }, " has no .inputs.sha256"},
		{"stack edited by hand", func(t *testing.T, out string) {
			write(t, out, "stacks/demo-dev/cdk.tf.json", `{"resource":{"x":{}}}`)
		}, " was modified since it was synthesized"},
		{"stack removed", func(t *testing.T, out string) { os.RemoveAll(filepath.Join(out, "stacks/demo-dev")) }, " was modified since it was synthesized"},
		{"file added", func(t *testing.T, out string) { write(t, out, "stacks/stray.json", "{}") }, " was modified since it was synthesized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := repo(t)
			out := filepath.Join(root, "cdktf.out")
			synth(t, root, out)
			c.change(t, out)
			if r := check(t, root, out); !strings.HasPrefix(r, out+c.want) {
				t.Errorf("Check says %q, want %q...", r, out+c.want)
			}
		})
	}
}

// terraform init in a stack folder is expected; synthesis carries it over.
func TestCheckAcceptsTerraformInitInTheOutput(t *testing.T) {
	root := repo(t)
	out := filepath.Join(root, "cdktf.out")
	synth(t, root, out)
	write(t, out, "stacks/demo-dev/.terraform/terraform.tfstate", "{}")
	write(t, out, "stacks/demo-dev/.terraform.lock.hcl", "# lock\n")
	if r := check(t, root, out); r != "" {
		t.Errorf("after terraform init Check says %q, want up to date", r)
	}
}

// A synthesis of some stacks is not a synthesis of all of them.
func TestCheckComparesTheCommand(t *testing.T) {
	root := repo(t)
	out := filepath.Join(root, "cdktf.out")
	synth(t, root, out, "demo-dev")
	if r := check(t, root, out); !strings.Contains(r, "the last synthesis was") {
		t.Errorf("after `synth demo-dev`, a full synth is up to date? Check says %q", r)
	}
	if r := check(t, root, out, "demo-dev"); r != "" {
		t.Errorf("the same command again: Check says %q, want up to date", r)
	}
}

// The output may live outside the repository (CDKTF_OUTDIR).
func TestCheckWithOutdirOutsideTheRoot(t *testing.T) {
	root := repo(t)
	out := filepath.Join(t.TempDir(), "out")
	synth(t, root, out)
	if r := check(t, root, out); r != "" {
		t.Fatalf("Check says %q, want up to date", r)
	}
	write(t, root, "projects/demo/schedules.yaml", "schedules: [x]\n")
	if r := check(t, root, out); r != "projects/demo/schedules.yaml changed" {
		t.Errorf("Check says %q", r)
	}
}

// What cannot be fingerprinted is never trusted.
func TestCheckNeverTrustsUnverifiableInputs(t *testing.T) {
	t.Run("symlinked folder", func(t *testing.T) {
		root := repo(t)
		shared := t.TempDir()
		write(t, shared, "util.ts", "export const x = 1;\n")
		if err := os.Symlink(shared, filepath.Join(root, "lambdas/shared")); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(root, "cdktf.out")
		synth(t, root, out)
		if r := check(t, root, out); !strings.Contains(r, "lambdas/shared is a symlinked folder") {
			t.Errorf("Check says %q, want it to refuse the symlinked folder", r)
		}
	})
	t.Run("local module replacement", func(t *testing.T) {
		root := repo(t)
		write(t, root, "go.mod", "module example.com/infra\n\ngo 1.26\n\nreplace example.com/dep => ../dep\n")
		out := filepath.Join(root, "cdktf.out")
		synth(t, root, out)
		if r := check(t, root, out); !strings.Contains(r, "replaces a module with the folder ../dep") {
			t.Errorf("Check says %q, want it to refuse the local replacement", r)
		}
	})
}

// The stored fingerprint reads back as written, and its input lines are
// sha256sum's format, so `sha256sum -c` can check them by hand.
func TestFingerprintRoundTrip(t *testing.T) {
	root := repo(t)
	out := filepath.Join(root, "cdktf.out")
	synth(t, root, out, "demo-dev")
	f, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Inputs(root, out, []string{"demo-dev"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Command != want.Command || len(f.Files) != len(want.Files) || diff(f.Files, want.Files) != "" {
		t.Errorf("read back %+v, want %+v", f, want)
	}
	if f.Output == "" {
		t.Error("no output hash stored")
	}
	raw, _ := os.ReadFile(filepath.Join(out, FileName))
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		sum, path, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 || path == "" {
			t.Errorf("line %q is not sha256sum's format", line)
		}
	}
}
