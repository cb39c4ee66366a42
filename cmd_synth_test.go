package main

import (
	"fmt"
	"os"
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
