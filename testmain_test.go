package main

import (
	"os"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/synth"
)

// TestMain starts the jsii kernel (a node child process that keeps the
// working directory it started in) from the package folder. Tests below
// chdir into temporary copies that are deleted afterwards; a kernel started
// inside one would be left in a deleted directory, where it cannot spawn the
// helpers cdktf uses to copy assets.
func TestMain(m *testing.M) {
	synth.NewApp(os.TempDir())
	os.Exit(m.Run())
}
