package platform

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dynamodbtable"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// LockTableProps configure the Terraform state lock table.
type LockTableProps struct {
	// TableName is the table's name. Required (core.Platform.LockTable).
	TableName string
	// Adopt imports the existing table instead of creating it. Defaults to
	// false (create).
	Adopt bool
}

// LockTable is the DynamoDB table Terraform's S3 backend locks state with:
// hash key "LockID" (a string, the name the backend writes), on-demand
// billing (a few requests per plan), point-in-time recovery, and deletion
// protection on both the AWS and the Terraform side.
type LockTable struct {
	constructs.Construct
	Resource dynamodbtable.DynamodbTable
}

// LockIDAttribute is the hash key the S3 backend requires.
const LockIDAttribute = "LockID"

// NewLockTable creates the table.
func NewLockTable(scope constructs.Construct, id string, props *LockTableProps) *LockTable {
	if props.TableName == "" {
		panic(core.Errorf("LockTableProps.TableName", "set the lock table's name (core.Platform.LockTable)", "is empty"))
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	t := &LockTable{Construct: c}
	t.Resource = dynamodbtable.NewDynamodbTable(c, jsii.String("Resource"), &dynamodbtable.DynamodbTableConfig{
		Name:        jsii.String(props.TableName),
		BillingMode: jsii.String("PAY_PER_REQUEST"),
		HashKey:     jsii.String(LockIDAttribute),
		Attribute: []*dynamodbtable.DynamodbTableAttribute{{
			Name: jsii.String(LockIDAttribute),
			Type: jsii.String("S"),
		}},
		PointInTimeRecovery:       &dynamodbtable.DynamodbTablePointInTimeRecovery{Enabled: jsii.Bool(true)},
		DeletionProtectionEnabled: jsii.Bool(true),
		Lifecycle:                 protect(),
	})
	adopt(t.Resource, props.Adopt, props.TableName)
	return t
}
