package stack

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

type recorder struct{ statements []iam.Statement }

func (r *recorder) AddToPolicy(s ...iam.Statement) { r.statements = append(r.statements, s...) }

// The S3 backend with use_lockfile reads and writes exactly two objects:
// the state at its key and the lock file key + ".tflock" (Terraform's S3
// backend documentation, "Permissions required"); listing is limited to the
// key's prefix.
func TestStateGrants(t *testing.T) {
	s := &Stack{Names: core.Names{Project: "p", Environment: core.Dev}, Platform: core.Talkwise, StateKey: "p/dev/terraform.tfstate"}
	state := "arn:aws:s3:::infra-platform-tfstate-427479925030/p/dev/terraform.tfstate"
	list := iam.Statement{Sid: "ListState", Effect: "Allow", Actions: []string{"s3:ListBucket"},
		Resources: []string{"arn:aws:s3:::infra-platform-tfstate-427479925030"},
		Condition: map[string]map[string]any{"StringEquals": {"s3:prefix": "p/dev/terraform.tfstate"}}}
	read := []iam.Statement{iam.Allow("ReadState", []string{"s3:GetObject"}, state), list}

	var r recorder
	s.GrantReadState(&r)
	if diff := cmp.Diff(read, r.statements); diff != "" {
		t.Errorf("GrantReadState (-want +got):\n%s", diff)
	}
	var w recorder
	s.GrantWriteState(&w)
	want := append(read,
		iam.Allow("WriteState", []string{"s3:PutObject"}, state),
		iam.Allow("LockState", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, state+".tflock"))
	if diff := cmp.Diff(want, w.statements); diff != "" {
		t.Errorf("GrantWriteState (-want +got):\n%s", diff)
	}
}
