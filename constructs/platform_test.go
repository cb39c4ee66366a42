package constructs_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/githuboidc"
	"github.com/fractallabsdev/talkwise-infra/constructs/patterns/platform"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/fingerprint"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func synthPlatform(t *testing.T, settings platform.Settings) *synthtest.Stack {
	t.Helper()
	stacks, err := synthtest.SynthProjects(t, []stack.Project{platform.Project(settings)}, "")
	if err != nil {
		t.Fatal(err)
	}
	s := stacks["platform"]
	if s == nil {
		t.Fatalf("no stack named platform; got %v", stacks)
	}
	return s
}

func doc(s *synthtest.Stack) synthtest.Resource {
	return synthtest.Resource{Type: "stack", ID: s.Name, Fields: s.Doc}
}

func TestPlatformStackBackendAndProvider(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	doc(s).Expect(t, map[string]any{
		// Its own key in the bucket it defines (docs/platform.md), locked by
		// a lock file beside it.
		"terraform.backend.s3": map[string]any{
			"bucket":       "infra-platform-tfstate-427479925030",
			"key":          "platform/terraform.tfstate",
			"region":       "us-east-2",
			"encrypt":      true,
			"use_lockfile": true,
		},
		// use_lockfile needs Terraform 1.10 (import blocks 1.5).
		"terraform.required_version":         ">= 1.10.0",
		"provider.aws.0.region":              "us-east-2",
		"provider.aws.0.allowed_account_ids": []string{"427479925030"},
		// No environment: the platform is shared by dev and production.
		"provider.aws.0.default_tags.0.tags": map[string]any{"Project": "platform", "ManagedBy": "cdktf"},
	})
}

func TestStateBucket(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	bucket := s.One(t, "aws_s3_bucket")
	bucket.Expect(t, map[string]any{"bucket": "infra-platform-tfstate-427479925030"})
	if bucket.Get("force_destroy") == true {
		t.Error("the state bucket must never be force-destroyable")
	}
	ref := bucket.Ref("id")

	s.One(t, "aws_s3_bucket_versioning").Expect(t, map[string]any{
		"bucket": ref, "versioning_configuration.status": "Enabled",
	})
	s.One(t, "aws_s3_bucket_server_side_encryption_configuration").Expect(t, map[string]any{
		"bucket": ref, "rule.0.apply_server_side_encryption_by_default.sse_algorithm": "AES256",
	})
	s.One(t, "aws_s3_bucket_public_access_block").Expect(t, map[string]any{
		"bucket":                  ref,
		"block_public_acls":       true,
		"block_public_policy":     true,
		"ignore_public_acls":      true,
		"restrict_public_buckets": true,
	})
	s.One(t, "aws_s3_bucket_lifecycle_configuration").Expect(t, map[string]any{
		"bucket":                 ref,
		"rule.0.status":          "Enabled",
		"rule.0.filter.0.prefix": "",
		"rule.0.noncurrent_version_expiration.0.noncurrent_days":           90,
		"rule.0.abort_incomplete_multipart_upload.0.days_after_initiation": 7,
	})

	policy := s.One(t, "aws_s3_bucket_policy")
	policy.Expect(t, map[string]any{"bucket": ref})
	arn := bucket.Ref("arn")
	synthtest.Resource{Type: "policy", Fields: map[string]any{"doc": policy.JSON(t, "policy")}}.Expect(t, map[string]any{
		"doc.Statement": []any{map[string]any{
			"Sid":       "DenyInsecureTransport",
			"Effect":    "Deny",
			"Principal": map[string]any{"AWS": "*"},
			"Action":    []any{"s3:*"},
			"Resource":  []any{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}},
	})
}

func TestLockTable(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	s.One(t, "aws_dynamodb_table").Expect(t, map[string]any{
		"name":                           "infra-platform-tfstate-lock",
		"hash_key":                       "LockID",
		"attribute":                      []any{map[string]any{"name": "LockID", "type": "S"}},
		"billing_mode":                   "PAY_PER_REQUEST",
		"point_in_time_recovery.enabled": true,
		"deletion_protection_enabled":    true,
	})
}

func TestGitHubOIDCProvider(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	s.One(t, "aws_iam_openid_connect_provider").Expect(t, map[string]any{
		"url":             "https://token.actions.githubusercontent.com",
		"client_id_list":  []string{"sts.amazonaws.com"},
		"thumbprint_list": []string{"6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"},
	})
}

// Project stacks refer to the provider by this ARN, IAM's form for an OIDC
// provider: arn:aws:iam::<account>:oidc-provider/<issuer host>.
func TestProviderARN(t *testing.T) {
	if got := githuboidc.ProviderARN("427479925030"); got != "arn:aws:iam::427479925030:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("provider ARN %q", got)
	}
}

// Every resource of the stack refuses destruction, not only the three main
// ones: losing the encryption or public access block of the state bucket is
// as bad as losing the bucket.
func TestEveryResourcePreventsDestroy(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	n := 0
	for _, typ := range s.ResourceTypes() {
		for _, r := range s.Resources(typ) {
			n++
			if r.Get("lifecycle.prevent_destroy") != true {
				t.Errorf("%s has no lifecycle.prevent_destroy = true", r.Address)
			}
		}
	}
	if n != 10 {
		t.Errorf("found %d resources; want 10 (bucket, versioning, encryption, public access block, policy, lifecycle, table, OIDC provider, alarm key and its alias)", n)
	}
}

// The alarm topics' key: rotated, administered through IAM by the account
// (whose policies may not grant encrypting or decrypting), used by CloudWatch only for the
// account's "*-alarms" topics: CloudWatch cannot publish to a topic whose
// key does not let it, which rules out the AWS managed alias/aws/sns.
func TestAlarmKey(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	key := s.One(t, "aws_kms_key")
	key.Expect(t, map[string]any{"enable_key_rotation": true, "deletion_window_in_days": 30})
	s.One(t, "aws_kms_alias").Expect(t, map[string]any{"name": "alias/infra-platform-alarms", "target_key_id": key.Ref("key_id")})
	statements := map[string]any{}
	for _, st := range key.JSON(t, "policy").(map[string]any)["Statement"].([]any) {
		statements[st.(map[string]any)["Sid"].(string)] = st
	}
	admin := synthtest.Resource{Fields: statements["AdministerThroughIAM"].(map[string]any)}
	admin.Expect(t, map[string]any{"Principal.AWS": "arn:aws:iam::427479925030:root"})
	for _, a := range admin.Get("Action").([]any) {
		for _, use := range []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncrypt", "kms:*"} {
			if a == use || strings.HasPrefix(use, strings.TrimSuffix(a.(string), "*")) && strings.HasSuffix(a.(string), "*") {
				t.Errorf("the account's IAM policies may be granted %s (%s): the key is for CloudWatch's use only", use, a)
			}
		}
	}
	synthtest.Resource{Fields: statements["CloudWatchAlarmsPublishToAlarmTopics"].(map[string]any)}.Expect(t, map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
		"Action":    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		"Condition": map[string]any{"StringLike": map[string]any{"kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:us-east-2:427479925030:*-alarms"}},
	})
	if len(statements) != 2 {
		t.Errorf("key policy statements %v; want the two above", statements)
	}
	if got := s.Output("alarm_key_arn"); got != key.Ref("arn") {
		t.Errorf("output alarm_key_arn = %v", got)
	}
}

// The three resources that exist already (created by hand) are adopted with
// import blocks addressed at the right resources with the right IDs.
func TestAdoptsExistingResourcesWithImportBlocks(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	want := map[string]string{
		s.One(t, "aws_s3_bucket").Address:                   "infra-platform-tfstate-427479925030",
		s.One(t, "aws_dynamodb_table").Address:              "infra-platform-tfstate-lock",
		s.One(t, "aws_iam_openid_connect_provider").Address: "arn:aws:iam::427479925030:oidc-provider/token.actions.githubusercontent.com",
	}
	got := imports(t, s)
	if len(got) != len(want) {
		t.Errorf("import blocks = %v; want %v", got, want)
	}
	for to, id := range want {
		if got[to] != id {
			t.Errorf("import to %s: id %q; want %q", to, got[to], id)
		}
	}
}

func imports(t *testing.T, s *synthtest.Stack) map[string]string {
	t.Helper()
	out := map[string]string{}
	list, _ := s.Doc["import"].([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		to, _ := m["to"].(string)
		id, _ := m["id"].(string)
		out[to] = id
	}
	return out
}

// Bootstrap (a fresh account): state in a local file in the stack folder
// (a relative path, so output is the same on every machine) and nothing
// imported, because nothing exists yet.
func TestBootstrapKeepsLocalStateAndImportsNothing(t *testing.T) {
	s := synthPlatform(t, platform.Settings{Bootstrap: true})
	backend, _ := s.Doc["terraform"].(map[string]any)["backend"].(map[string]any)
	var kinds []string
	for k := range backend {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if strings.Join(kinds, ",") != "local" {
		t.Fatalf("backends = %v; want only local", kinds)
	}
	doc(s).Expect(t, map[string]any{"terraform.backend.local.path": "terraform.tfstate"})
	if got := imports(t, s); len(got) != 0 {
		t.Errorf("bootstrap must not import anything; got %v", got)
	}
	// The resources are the same: bootstrap changes where state lives, not what exists.
	s.One(t, "aws_s3_bucket").Expect(t, map[string]any{"bucket": "infra-platform-tfstate-427479925030"})
}

func TestBootstrapFromEnvironment(t *testing.T) {
	t.Setenv(platform.BootstrapEnv, "1")
	if !platform.SettingsFromEnv().Bootstrap {
		t.Error(platform.BootstrapEnv + "=1 must select bootstrap")
	}
	t.Setenv(platform.BootstrapEnv, "")
	if platform.SettingsFromEnv().Bootstrap {
		t.Error("bootstrap must be off by default")
	}
}

// `make synth` skips synthesis when no input changed; the bootstrap switch
// changes the output, so it must change the fingerprint too.
func TestBootstrapChangesTheSynthFingerprint(t *testing.T) {
	t.Setenv(platform.BootstrapEnv, "")
	normal := fingerprint.Command(nil)
	t.Setenv(platform.BootstrapEnv, "1")
	if fingerprint.Command(nil) == normal {
		t.Errorf("fingerprint.Command ignores %s; add it to fingerprint.EnvInputs", platform.BootstrapEnv)
	}
}

func TestOutputs(t *testing.T) {
	s := synthPlatform(t, platform.Settings{})
	for name, want := range map[string]string{
		"state_bucket":             s.One(t, "aws_s3_bucket").Ref("bucket"),
		"lock_table":               s.One(t, "aws_dynamodb_table").Ref("name"),
		"github_oidc_provider_arn": s.One(t, "aws_iam_openid_connect_provider").Ref("arn"),
	} {
		if got := s.Output(name); got != want {
			t.Errorf("output %s = %v; want %s", name, got, want)
		}
	}
}

func TestBadSettingsAreRefused(t *testing.T) {
	err := synthtest.SynthError(t, core.Dev, func(s *stack.Stack) {
		platform.NewStateBucket(s.Scope, "B", &platform.StateBucketProps{BucketName: "b", NoncurrentVersionDays: -1})
	})
	if !strings.Contains(err.Error(), "NoncurrentVersionDays") || !strings.Contains(err.Error(), "positive") {
		t.Errorf("error = %v; want it to name NoncurrentVersionDays and ask for a positive number", err)
	}
	err = synthtest.SynthError(t, core.Dev, func(s *stack.Stack) {
		platform.NewLockTable(s.Scope, "T", &platform.LockTableProps{})
	})
	if !strings.Contains(err.Error(), "LockTableProps.TableName") {
		t.Errorf("error = %v; want it to name LockTableProps.TableName", err)
	}
}

// An account-wide project cannot also ask for environments.
func TestAccountWideProjectWithEnvironmentsIsRefused(t *testing.T) {
	p := platform.Project(platform.Settings{})
	p.Environments = []core.Environment{core.Dev}
	_, err := synthtest.SynthProjects(t, []stack.Project{p}, "")
	if err == nil || !strings.Contains(err.Error(), "AccountWide") {
		t.Errorf("error = %v; want one naming AccountWide", err)
	}
}
