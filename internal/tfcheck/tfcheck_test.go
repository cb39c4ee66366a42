package tfcheck_test

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
)

// toolchain finds terraform and the provider mirror, or skips the test
// saying, on a line of its own, what is missing and how to provide it.
func toolchain(t *testing.T) *tfcheck.Toolchain {
	t.Helper()
	tc, err := tfcheck.FindToolchain()
	if tfcheck.IsMissing(err) {
		t.Skipf("\nTERRAFORM CHECK NOT RUN: %v\n", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

func TestMissingTerraformOrProviderSaysHowToProvideIt(t *testing.T) {
	t.Run("no terraform", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := tfcheck.FindToolchain()
		if !tfcheck.IsMissing(err) || !strings.Contains(err.Error(), "terraform is not on PATH") || !strings.Contains(err.Error(), "install Terraform") {
			t.Errorf("error %v, want a MissingError saying how to install terraform", err)
		}
	})
	t.Run("empty TF_PLUGIN_DIR", func(t *testing.T) {
		toolchain(t) // terraform must be on PATH to get as far as the mirror
		dir := t.TempDir()
		t.Setenv(tfcheck.PluginDirEnv, dir)
		_, err := tfcheck.FindToolchain()
		if !tfcheck.IsMissing(err) || !strings.Contains(err.Error(), "TF_PLUGIN_DIR="+dir+" holds no registry.terraform.io/hashicorp/aws") {
			t.Errorf("error %v, want a MissingError naming TF_PLUGIN_DIR and the layout it needs", err)
		}
	})
}
