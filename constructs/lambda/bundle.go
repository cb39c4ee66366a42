package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// BuildOptionsFile is the one source of truth for how handlers are built:
// this package reads it for synthesis, and every function's esbuild.config.js
// reads it for local builds, so the two cannot drift.
const BuildOptionsFile = "lambdas/build-options.json"

// RequiredFiles are what every function folder holds (the spec's layout).
var RequiredFiles = []string{"package.json", "tsconfig.json", "esbuild.config.js", "src/index.ts"}

// buildOptions mirrors the subset of esbuild's JavaScript options we use.
type buildOptions struct {
	EntryPoints   []string `json:"entryPoints"`
	Outfile       string   `json:"outfile"`
	Bundle        bool     `json:"bundle"`
	Platform      string   `json:"platform"`
	Target        string   `json:"target"`
	Format        string   `json:"format"`
	Minify        bool     `json:"minify"`
	Sourcemap     bool     `json:"sourcemap"`
	LegalComments string   `json:"legalComments"`
	External      []string `json:"external"`
}

// LoadBuildOptions reads lambdas/build-options.json under root.
func LoadBuildOptions(root string) (api.BuildOptions, error) {
	path := filepath.Join(root, BuildOptionsFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return api.BuildOptions{}, &core.ConfigError{File: BuildOptionsFile, Problem: err.Error(), Fix: "restore the shared esbuild options file"}
	}
	var o buildOptions
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return api.BuildOptions{}, &core.ConfigError{File: BuildOptionsFile, Problem: err.Error(),
			Fix: "use only entryPoints, outfile, bundle, platform, target, format, minify, sourcemap, legalComments, external"}
	}
	return o.toAPI()
}

func (o buildOptions) toAPI() (api.BuildOptions, error) {
	bad := func(field, fix string) (api.BuildOptions, error) {
		return api.BuildOptions{}, &core.ConfigError{File: BuildOptionsFile, Field: field, Problem: "unsupported value", Fix: fix}
	}
	if len(o.EntryPoints) != 1 {
		return bad("entryPoints", "give exactly one entry point, e.g. [\"src/index.ts\"]")
	}
	if o.Platform != "node" {
		return bad("platform", `use "node"`)
	}
	version, ok := strings.CutPrefix(o.Target, "node")
	if !ok || version == "" {
		return bad("target", `use a Node.js target such as "node22"`)
	}
	var format api.Format
	switch o.Format {
	case "cjs":
		format = api.FormatCommonJS
	case "esm":
		format = api.FormatESModule
	default:
		return bad("format", `use "cjs" or "esm"`)
	}
	legal := api.LegalCommentsNone
	if o.LegalComments != "" && o.LegalComments != "none" {
		return bad("legalComments", `use "none"; licences of bundled code belong in the repository, not the zip`)
	}
	sourcemap := api.SourceMapNone
	if o.Sourcemap {
		sourcemap = api.SourceMapLinked
	}
	return api.BuildOptions{
		EntryPoints:       o.EntryPoints,
		Outfile:           o.Outfile,
		Bundle:            o.Bundle,
		Platform:          api.PlatformNode,
		Engines:           []api.Engine{{Name: api.EngineNode, Version: version}},
		Format:            format,
		MinifyWhitespace:  o.Minify,
		MinifyIdentifiers: o.Minify,
		MinifySyntax:      o.Minify,
		Sourcemap:         sourcemap,
		LegalComments:     legal,
		External:          o.External,
		LogLevel:          api.LogLevelSilent,
		Write:             false,
	}, nil
}

// Bundle is a built, zipped handler ready to deploy.
type Bundle struct {
	// ZipPath is where the zip was written.
	ZipPath string
	// SourceCodeHash is base64(sha256(zip)), Terraform's filebase64sha256.
	SourceCodeHash string
	// Size is the zip's size in bytes.
	Size int64
	// Files are the zip's entry names in order.
	Files []string
}

var (
	bundleMu    sync.Mutex
	bundleCache = map[[2]string]*Bundle{}
)

// Build bundles the handler in sourceDir (relative to root) with esbuild and
// zips it deterministically into buildDir. A folder is built once per
// buildDir, however many environments deploy it.
func Build(root, sourceDir, buildDir string) (*Bundle, error) {
	key := [2]string{filepath.Join(root, sourceDir), buildDir}
	bundleMu.Lock()
	defer bundleMu.Unlock()
	if b, ok := bundleCache[key]; ok {
		return b, nil
	}
	b, err := build(root, sourceDir, buildDir)
	if err != nil {
		return nil, err
	}
	bundleCache[key] = b
	return b, nil
}

func build(root, sourceDir, buildDir string) (*Bundle, error) {
	dir := filepath.Join(root, sourceDir)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, &core.ConfigError{File: filepath.ToSlash(sourceDir), Problem: "handler folder does not exist",
			Fix: fmt.Sprintf("create it with %s (copy lambdas/project-x/project-x-task), or fix the function name", strings.Join(RequiredFiles, ", "))}
	}
	for _, f := range RequiredFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return nil, &core.ConfigError{File: filepath.ToSlash(filepath.Join(sourceDir, f)), Problem: "missing",
				Fix: "every handler folder needs " + strings.Join(RequiredFiles, ", ")}
		}
	}
	opts, err := LoadBuildOptions(root)
	if err != nil {
		return nil, err
	}
	opts.AbsWorkingDir = dir
	result := api.Build(opts)
	if len(result.Errors) > 0 {
		return nil, compileError(sourceDir, result.Errors)
	}
	files := map[string][]byte{}
	for _, f := range result.OutputFiles {
		files[filepath.Base(f.Path)] = f.Contents
	}
	zipBytes, names, err := Zip(files)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(buildDir, 0o755); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(zipBytes)
	// Name the zip after its folder so the asset path in the output says
	// which handler it is.
	name := strings.ReplaceAll(filepath.ToSlash(sourceDir), "/", "_") + ".zip"
	zipPath := filepath.Join(buildDir, name)
	if err := os.WriteFile(zipPath, zipBytes, 0o644); err != nil {
		return nil, err
	}
	return &Bundle{
		ZipPath:        zipPath,
		SourceCodeHash: base64.StdEncoding.EncodeToString(sum[:]),
		Size:           int64(len(zipBytes)),
		Files:          names,
	}, nil
}

func compileError(sourceDir string, msgs []api.Message) error {
	var errs []error
	for _, m := range msgs {
		ce := &core.ConfigError{File: filepath.ToSlash(sourceDir), Problem: m.Text,
			Fix: "fix the TypeScript so it compiles (run `node esbuild.config.js` in the folder to check)"}
		if m.Location != nil {
			ce.File = filepath.ToSlash(filepath.Join(sourceDir, m.Location.File))
			ce.Line = m.Location.Line
			ce.Problem = fmt.Sprintf("%s (column %d: %q)", m.Text, m.Location.Column+1, strings.TrimSpace(m.Location.LineText))
		}
		errs = append(errs, ce)
	}
	return core.Join(errs...)
}
