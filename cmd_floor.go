package main

import (
	"fmt"
	"io"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// The floor is what any Go CDKTF app with the AWS provider pays per process:
// start the jsii kernel, load the provider assembly, synthesize one empty
// stack. `bench` compares every synth figure with it. Like synth, it exits
// without waiting for the jsii runtime to shut down.
func init() {
	register("floor", command{
		usage: "OUTDIR  synthesize one empty stack with only the AWS provider (the benchmark's floor)",
		run: func(args []string, stdout, stderr io.Writer) error {
			if len(args) != 1 {
				return fmt.Errorf("usage: floor OUTDIR")
			}
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(args[0]), StackTraces: jsii.Bool(false)})
			s := cdktf.NewTerraformStack(app, jsii.String("floor"))
			provider.NewAwsProvider(s, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("us-east-2")})
			app.Synth()
			return nil
		},
	})
}
