package fingerprint

import (
	"path/filepath"
	"testing"
)

// `terraform apply` on a local-backend stack (the platform stack while it
// bootstraps) writes its state beside cdk.tf.json; that is not a change to
// the synthesized output.
func TestCheckAcceptsLocalStateInTheOutput(t *testing.T) {
	root := repo(t)
	out := filepath.Join(root, "cdktf.out")
	synth(t, root, out)
	write(t, out, "stacks/demo-dev/terraform.tfstate", `{"version":4}`)
	write(t, out, "stacks/demo-dev/terraform.tfstate.backup", `{"version":4}`)
	if r := check(t, root, out); r != "" {
		t.Errorf("after a local-state apply Check says %q, want up to date", r)
	}
	write(t, out, "stacks/demo-dev/cdk.tf.json", `{"resource":{"x":{}}}`)
	if r := check(t, root, out); r == "" {
		t.Error("an edited cdk.tf.json must still make the output stale")
	}
}
