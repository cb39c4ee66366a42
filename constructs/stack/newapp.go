package stack

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// MinTerraformVersion is what the synthesized JSON needs: import and moved
// blocks arrived in Terraform 1.5.
const MinTerraformVersion = ">= 1.5.0"

// NewApp is the cdktf App every synthesis uses.
//
// cdktf's own validations are skipped: for import and moved blocks they run
// `terraform version` at synth time, which would make synthesis need a
// terraform binary (and fail without one). The version requirement is
// written into each stack as required_version instead, so terraform checks
// it where it runs; constructs/policy runs our own checks on the output.
func NewApp(outdir string) cdktf.App {
	return cdktf.NewApp(&cdktf.AppConfig{
		Outdir: jsii.String(outdir),
		// Stack traces in metadata would embed this machine's paths.
		StackTraces:    jsii.Bool(false),
		SkipValidation: jsii.Bool(true),
	})
}

// requireTerraform pins the Terraform version the stack's JSON needs.
func requireTerraform(s cdktf.TerraformStack) {
	s.AddOverride(jsii.String("terraform.required_version"), jsii.String(MinTerraformVersion))
}
