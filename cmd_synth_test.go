package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A process removes only the private TMPDIR it made: a child it runs (make
// bench runs the app) inherits the variable but not the folder.
func TestPrivateTempDirBelongsToItsProcess(t *testing.T) {
	t.Setenv(privateTmpEnv, fmt.Sprintf("%d:/tmp/talkwise-synth-x", os.Getpid()))
	if got := ownPrivateTempDir(); got != "/tmp/talkwise-synth-x" {
		t.Errorf("own folder: %q", got)
	}
	t.Setenv(privateTmpEnv, fmt.Sprintf("%d:/tmp/talkwise-synth-x", os.Getppid()))
	if got := ownPrivateTempDir(); got != "" {
		t.Errorf("the parent's folder taken as this process's: %q", got)
	}
	t.Setenv(privateTmpEnv, "/tmp/talkwise-synth-x")
	if got := ownPrivateTempDir(); got != "" {
		t.Errorf("a value without an owner: %q", got)
	}
}

// The re-executed command's private TMPDIR shares go-graphviz's cache of
// compiled WebAssembly with the TMPDIR it was started in, so a command does
// not compile Graphviz again on every run; removing the private folder
// leaves the shared cache.
func TestPrivateTempDirSharesTheGraphvizCache(t *testing.T) {
	shared, private := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", shared)
	shareGraphvizCache(private)
	link := filepath.Join(private, graphvizCacheDir)
	if err := os.WriteFile(filepath.Join(link, "compiled"), []byte("x"), 0o644); err != nil {
		t.Fatalf("writing through the private folder's cache: %v", err)
	}
	if err := os.RemoveAll(private); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(shared, graphvizCacheDir, "compiled")); err != nil {
		t.Errorf("the shared cache does not hold what the command wrote, or lost it with the private folder: %v", err)
	}
}
