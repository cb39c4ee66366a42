package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

// writeHandler lays out a handler folder under a temporary root that shares
// the repository's build options.
func writeHandler(t *testing.T, source string) (root, dir string) {
	t.Helper()
	root = t.TempDir()
	opts, err := os.ReadFile(filepath.Join(synthtest.RepoRoot(t), BuildOptionsFile))
	if err != nil {
		t.Fatal(err)
	}
	dir = "lambdas/demo/fn"
	files := map[string]string{
		BuildOptionsFile:                  string(opts),
		dir + "/package.json":             `{"name":"fn","private":true}`,
		dir + "/tsconfig.json":            `{}`,
		dir + "/esbuild.config.js":        `// local build`,
		dir + "/src/index.ts":             source,
		dir + "/src/helper.ts":            "export const greet = (n: string): string => `hello ${n}`;\n",
		dir + "/src/ignored-by-bundle.md": "not code",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, dir
}

const goodHandler = `import { greet } from "./helper";
import { SSMClient } from "@aws-sdk/client-ssm";
export const handler = async (): Promise<string> => { void SSMClient; return greet("world"); };
`

func TestBuildBundlesMinifiedCommonJSWithSourceMap(t *testing.T) {
	root, dir := writeHandler(t, goodHandler)
	b, err := Build(root, dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(b.Files, ",") != "index.js,index.js.map" {
		t.Fatalf("zip entries = %v; want index.js and its map", b.Files)
	}
	raw, err := os.ReadFile(b.ZipPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if b.SourceCodeHash != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("SourceCodeHash is not base64(sha256(zip)), which Terraform's filebase64sha256 computes")
	}
	files := unzip(t, raw)
	js := files["index.js"]
	if !strings.Contains(js, `require("@aws-sdk/client-ssm")`) {
		t.Errorf("@aws-sdk/* must stay external (provided by the nodejs22.x runtime):\n%s", js)
	}
	if !strings.Contains(js, "hello") || strings.Contains(js, "import {") {
		t.Errorf("helper not bundled into CommonJS:\n%s", js)
	}
	if strings.Count(strings.TrimSpace(js), "\n") > 3 {
		t.Errorf("output is not minified:\n%s", js)
	}
	if !strings.HasSuffix(strings.TrimSpace(js), "//# sourceMappingURL=index.js.map") {
		t.Errorf("index.js does not link its source map")
	}
	m := files["index.js.map"]
	if !strings.Contains(m, `"../src/index.ts"`) || strings.Contains(m, root) {
		t.Errorf("source map must name sources relative to the handler, never this machine's paths:\n%.300s", m)
	}
}

func TestBuildIsByteIdenticalAcrossRunsAndFolders(t *testing.T) {
	rootA, dir := writeHandler(t, goodHandler)
	rootB, _ := writeHandler(t, goodHandler)
	a, err := build(rootA, dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(rootB, dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if a.SourceCodeHash != b.SourceCodeHash {
		t.Errorf("same sources in two folders gave different zips: %s vs %s", a.SourceCodeHash, b.SourceCodeHash)
	}
}

func TestBuildReportsCompileErrorsWithFileAndLine(t *testing.T) {
	root, dir := writeHandler(t, "export const handler = async () => {\n  return (1 +;\n};\n")
	_, err := Build(root, dir, t.TempDir())
	if err == nil {
		t.Fatal("want a compile error")
	}
	msg := err.Error()
	for _, want := range []string{"lambdas/demo/fn/src/index.ts:2:", "fix the TypeScript"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
}

func TestBuildReportsMissingFolderAndFiles(t *testing.T) {
	root, dir := writeHandler(t, goodHandler)
	_, err := Build(root, "lambdas/demo/nope", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "lambdas/demo/nope: handler folder does not exist") {
		t.Errorf("missing folder: err = %v", err)
	}
	if err := os.Remove(filepath.Join(root, dir, "tsconfig.json")); err != nil {
		t.Fatal(err)
	}
	_, err = build(root, dir, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "lambdas/demo/fn/tsconfig.json: missing") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestBuildOptionsRejectsUnknownKeys(t *testing.T) {
	root, dir := writeHandler(t, goodHandler)
	if err := os.WriteFile(filepath.Join(root, BuildOptionsFile), []byte(`{"entryPoints":["src/index.ts"],"splitting":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := build(root, dir, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), BuildOptionsFile) || !strings.Contains(err.Error(), "splitting") {
		t.Errorf("err = %v", err)
	}
}

func unzip(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		out[f.Name] = buf.String()
	}
	return out
}
