package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
)

// Without terraform the command fails, saying what is missing and how to
// provide it; it never reports stacks as checked.
func TestValidateCommandWithoutTerraformSaysHowToGetIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stdout, stderr bytes.Buffer
	code := run([]string{"validate"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "terraform is not on PATH; install Terraform 1.10 or newer") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and how to install terraform", code, stderr.String())
	}
	if strings.Contains(stdout.String(), "stacks,") {
		t.Errorf("reported a result without terraform:\n%s", stdout.String())
	}
}

// A stack that is not synthesized is named, with how to get it.
func TestValidateCommandRejectsAnUnknownStack(t *testing.T) {
	if _, err := tfcheck.FindToolchain(); tfcheck.IsMissing(err) {
		t.Skipf("\nTERRAFORM CHECK NOT RUN: %v\n", err)
	}
	t.Setenv("CDKTF_OUTDIR", t.TempDir())
	var stdout, stderr bytes.Buffer
	code := run([]string{"validate", "nope-dev"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "stack nope-dev is not synthesized in") || !strings.Contains(stderr.String(), "make synth") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
	}
}
