package core

// Platform is what every stack shares: the account, the region and the state
// backend that already exists for the HCL projects.
type Platform struct {
	AccountID   string
	Region      string
	StateBucket string
	// LockTable is the DynamoDB table used for state locking.
	LockTable string
	// ManagedBy is written to every resource's ManagedBy tag.
	ManagedBy string
	// AlarmKeyAlias is the KMS key (by alias) every stack's alarm topic is
	// encrypted with. The platform stack creates it: CloudWatch cannot
	// publish to a topic encrypted with the AWS managed alias/aws/sns, whose
	// key policy no one can change, and one customer managed key for the
	// account costs $1 a month where one per stack would cost $1 each.
	AlarmKeyAlias string
}

// Talkwise is the platform the projects in this repository deploy to.
var Talkwise = Platform{
	AccountID:     "427479925030",
	Region:        "us-east-2",
	StateBucket:   "infra-platform-tfstate-427479925030",
	LockTable:     "infra-platform-tfstate-lock",
	ManagedBy:     "cdktf",
	AlarmKeyAlias: "alias/infra-platform-alarms",
}
