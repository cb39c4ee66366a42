package tfcheck_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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

// writeStack lays out a synthesized stack: the provider and backend as
// constructs/stack writes them, plus body's blocks.
func writeStack(t *testing.T, outdir, name string, body map[string]any) {
	t.Helper()
	doc := map[string]any{
		"terraform": map[string]any{
			"required_providers": map[string]any{"aws": map[string]any{"source": "aws", "version": ">= 5.99.1, < 6.0.0"}},
			"backend":            map[string]any{"s3": map[string]any{"bucket": "b", "key": name + "/terraform.tfstate", "region": "us-east-2", "use_lockfile": true}},
		},
		"provider": map[string]any{"aws": []any{map[string]any{"region": "us-east-2", "allowed_account_ids": []any{"427479925030"}}}},
	}
	for k, v := range body {
		doc[k] = v
	}
	raw, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(outdir, "stacks", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Each way a stack can go wrong for Terraform fails the check with a
// message that says what and where; a clean stack passes with the counts
// Terraform planned.
func TestCheckFailsWhatTerraformRefuses(t *testing.T) {
	tc := toolchain(t)
	outdir := t.TempDir()
	// Reads a VPC: a data source the stub was never taught (EC2).
	writeStack(t, outdir, "reads-ec2", map[string]any{
		"data":   map[string]any{"aws_vpc": map[string]any{"default": map[string]any{"default": true}}},
		"output": map[string]any{"vpc": map[string]any{"value": "${data.aws_vpc.default.id}"}},
	})
	// A deprecated argument: Terraform warns, and nobody explained it.
	writeStack(t, outdir, "deprecated", map[string]any{
		"resource": map[string]any{"aws_iam_role": map[string]any{"r": map[string]any{
			"name":                "deprecated-role",
			"assume_role_policy":  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			"managed_policy_arns": []any{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		}}},
	})
	// Adopts the account's lock table but with another key: DynamoDB
	// cannot change a table's key, so Terraform replaces it.
	writeStack(t, outdir, "replaces", map[string]any{
		"resource": map[string]any{"aws_dynamodb_table": map[string]any{"t": map[string]any{
			"name": "infra-platform-tfstate-lock", "billing_mode": "PAY_PER_REQUEST", "hash_key": "Key",
			"attribute": []any{map[string]any{"name": "Key", "type": "S"}},
		}}},
		"import": []any{map[string]any{"to": "aws_dynamodb_table.t", "id": "infra-platform-tfstate-lock"}},
	})
	// Reads the String parameter the account holds, creates a log group.
	writeStack(t, outdir, "clean", map[string]any{
		"data": map[string]any{"aws_ssm_parameter": map[string]any{"url": map[string]any{"name": "/clean/dev/url"}}},
		"resource": map[string]any{"aws_cloudwatch_log_group": map[string]any{"g": map[string]any{
			"name": "clean", "retention_in_days": 30, "tags": map[string]any{"Url": "${data.aws_ssm_parameter.url.insecure_value}"},
		}}},
	})
	results, err := tfcheck.Check(context.Background(), tc, tfcheck.Options{Outdir: outdir, Scratch: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*tfcheck.Result{}
	for _, r := range results {
		byName[r.Stack] = r
	}
	want := map[string]string{
		"reads-ec2":  "the plan made an AWS call the stub does not answer: ec2 DescribeVpcs",
		"deprecated": "warning: Argument is deprecated",
		"replaces":   "the plan replaces aws_dynamodb_table.t",
	}
	for stack, problem := range want {
		r := byName[stack]
		if r == nil {
			t.Fatalf("no result for %s", stack)
		}
		t.Logf("%s: %q", stack, r.Problems)
		if !r.Failed() || !strings.Contains(strings.Join(r.Problems, "\n"), problem) {
			t.Errorf("%s: problems %q\nwant one containing %q", stack, r.Problems, problem)
		}
	}
	clean := byName["clean"]
	if clean.Failed() || !clean.Valid || clean.Plan == nil {
		t.Fatalf("clean stack: valid %v, problems %q", clean.Valid, clean.Problems)
	}
	if c := clean.Plan.Counts; c.Create != 1 || c.Update+c.Delete+c.Replace != 0 {
		t.Errorf("clean stack planned %s, want +1 only", c)
	}
	if calls := clean.Calls; len(calls) == 0 || calls[len(calls)-1].String() != "ssm GetParameter (/clean/dev/url)" {
		t.Errorf("clean stack's AWS calls %v, want the provider's identity calls then the parameter read", calls)
	}
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
