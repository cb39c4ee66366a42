// Package lambdas_test runs every handler's node tests: each src/*.test.ts is
// bundled with the same esbuild the app uses and run with `node --test`.
package lambdas_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evanw/esbuild/pkg/api"
)

// onlyEnv names one project whose handlers alone are tested (the scaffold
// test sets it to the project it generated: the repository's own handlers
// are this package's tests already).
const onlyEnv = "LAMBDAS_ONLY_PROJECT"

// handlerGlob is the pattern under lambdas/ of the files tests cover:
// every project's, or only $LAMBDAS_ONLY_PROJECT's.
func handlerGlob(rest string) string {
	if p := os.Getenv(onlyEnv); p != "" {
		return filepath.Join(p, "*", rest)
	}
	return filepath.Join("*", "*", rest)
}

// minHandlers is how many handlers the tests must find: the repository has
// three, a generated project one.
func minHandlers() int {
	if os.Getenv(onlyEnv) != "" {
		return 1
	}
	return 3
}

func TestHandlers(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the handler tests (make test installs Node 22 when the system one is older)")
	}
	tests, err := filepath.Glob(handlerGlob("src/*.test.ts"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) < minHandlers() {
		t.Fatalf("found %d handler test files; every handler must have src/index.test.ts", len(tests))
	}
	handlers, _ := filepath.Glob(handlerGlob("src/index.ts"))
	for _, h := range handlers {
		if _, err := os.Stat(strings.TrimSuffix(h, ".ts") + ".test.ts"); err != nil {
			t.Errorf("%s has no test beside it", h)
		}
	}
	out := t.TempDir()
	var bundles []string
	for _, test := range tests {
		name := strings.ReplaceAll(strings.TrimSuffix(test, ".ts"), string(filepath.Separator), "_") + ".js"
		res := api.Build(api.BuildOptions{
			EntryPoints: []string{test},
			Outfile:     filepath.Join(out, name),
			Bundle:      true,
			Platform:    api.PlatformNode,
			Engines:     []api.Engine{{Name: api.EngineNode, Version: "20"}},
			Format:      api.FormatCommonJS,
			Sourcemap:   api.SourceMapInline,
			External:    []string{"@aws-sdk/*"},
			Write:       true,
			LogLevel:    api.LogLevelSilent,
		})
		for _, m := range res.Errors {
			loc := ""
			if m.Location != nil {
				loc = fmt.Sprintf("%s:%d: ", m.Location.File, m.Location.Line)
			}
			t.Errorf("%s: %s%s", test, loc, m.Text)
		}
		bundles = append(bundles, filepath.Join(out, name))
	}
	if t.Failed() {
		return
	}
	cmd := exec.Command(node, append([]string{"--enable-source-maps", "--test", "--test-reporter=spec"}, bundles...)...)
	output, err := cmd.CombinedOutput()
	t.Logf("node --test:\n%s", output)
	if err != nil {
		t.Fatalf("handler tests failed: %v", err)
	}
	if !strings.Contains(string(output), "fail 0") {
		t.Fatalf("node --test did not report 'fail 0'")
	}
}

// esbuild strips types without checking them; tsc checks every handler (and
// its tests and lambdas/lib) against Node 22's and the AWS SDK's types.
func TestHandlersTypeCheck(t *testing.T) {
	tsc := filepath.Join("node_modules", "typescript", "bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		t.Fatal("TypeScript is not installed in lambdas/node_modules: run `make test` (it runs `npm ci --prefix lambdas`)")
	}
	configs, _ := filepath.Glob(handlerGlob("tsconfig.json"))
	if len(configs) < minHandlers() {
		t.Fatalf("found %d handler tsconfig.json files", len(configs))
	}
	for _, cfg := range configs {
		out, err := exec.Command("node", tsc, "--noEmit", "-p", cfg).CombinedOutput()
		if err != nil {
			t.Errorf("%s does not type-check:\n%s", filepath.Dir(cfg), out)
		}
	}
}
