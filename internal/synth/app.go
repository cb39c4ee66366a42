package synth

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

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
