package platform

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// AlarmKeyProps configure the alarm topics' key.
type AlarmKeyProps struct {
	// Alias is the key's alias, "alias/<name>". Required
	// (core.Platform.AlarmKeyAlias): every stack's alarm topic names the key
	// by it.
	Alias string
}

// AlarmKey is the KMS key every stack's alarm topic ("<project>-<env>-alarms",
// constructs/alarms) is encrypted with. A customer managed key, because
// CloudWatch can only publish to an encrypted topic whose key policy lets
// it: the AWS managed alias/aws/sns has a policy no one can change. One key
// for the account, because each costs $1 a month and the stacks' CI roles
// would need rights to create and tag keys otherwise.
//
// Its policy lets the account's IAM policies grant its administration, not
// its use, and lets CloudWatch encrypt and decrypt only for SNS topics named
// "*-alarms" of this account (the encryption context SNS passes: the
// topic's ARN). Rotation is on; deleting it waits 30 days and
// Terraform refuses to destroy it: every alarm topic depends on it.
type AlarmKey struct {
	constructs.Construct
	Resource kmskey.KmsKey
	Alias    kmsalias.KmsAlias
}

// alarmKeyAdminActions are what the account's IAM policies may be granted
// on the key: managing it, never using it for data (AWS's key-administrator
// statement, by action prefix).
var alarmKeyAdminActions = []string{
	"kms:CancelKeyDeletion", "kms:Create*", "kms:Delete*", "kms:Describe*", "kms:Disable*", "kms:Enable*",
	"kms:Get*", "kms:List*", "kms:Put*", "kms:Revoke*", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion",
	"kms:TagResource", "kms:UntagResource", "kms:Update*",
}

// AlarmKeyPolicy is the key policy of p's alarm key.
func AlarmKeyPolicy(p core.Platform) string {
	return iam.NewPolicyDocument(
		iam.Statement{
			Sid: "AdministerThroughIAM", Effect: "Allow",
			Principal: map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", p.AccountID)},
			Actions:   alarmKeyAdminActions, Resources: []string{"*"},
		},
		iam.Statement{
			Sid: "CloudWatchAlarmsPublishToAlarmTopics", Effect: "Allow",
			Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resources: []string{"*"},
			Condition: map[string]map[string]any{"StringLike": {
				"kms:EncryptionContext:aws:sns:topicArn": fmt.Sprintf("arn:aws:sns:%s:%s:*-alarms", p.Region, p.AccountID),
			}},
		},
	).JSON()
}

// NewAlarmKey creates the key and its alias.
func NewAlarmKey(scope constructs.Construct, id string, props *AlarmKeyProps, p core.Platform) *AlarmKey {
	if !strings.HasPrefix(props.Alias, "alias/") || strings.HasPrefix(props.Alias, "alias/aws/") {
		panic(core.Errorf("AlarmKeyProps.Alias", `use "alias/<name>" outside alias/aws/ (core.Platform.AlarmKeyAlias)`, "%q is not an alias this account may create", props.Alias))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	k := &AlarmKey{Construct: c}
	k.Resource = kmskey.NewKmsKey(c, jsii.String("Resource"), &kmskey.KmsKeyConfig{
		Description:          jsii.String("Encrypts every stack's <project>-<env>-alarms SNS topic; CloudWatch alarms publish through it"),
		EnableKeyRotation:    jsii.Bool(true),
		DeletionWindowInDays: jsii.Number(30),
		Policy:               jsii.String(AlarmKeyPolicy(p)),
		Lifecycle:            protect(),
	})
	k.Alias = kmsalias.NewKmsAlias(c, jsii.String("Alias"), &kmsalias.KmsAliasConfig{
		Name:        jsii.String(props.Alias),
		TargetKeyId: k.Resource.KeyId(),
		Lifecycle:   protect(),
	})
	return k
}
