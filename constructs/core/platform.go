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
}

// Talkwise is the platform the projects in this repository deploy to.
var Talkwise = Platform{
	AccountID:   "427479925030",
	Region:      "us-east-2",
	StateBucket: "infra-platform-tfstate-427479925030",
	LockTable:   "infra-platform-tfstate-lock",
	ManagedBy:   "cdktf",
}
