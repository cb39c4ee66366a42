// Package constructs_test holds the synth-level tests of every construct and
// pattern: tests that build a stack and read its Terraform JSON. They share
// one test binary because each binary pays the jsii start-up (the AWS
// provider's assembly, ~7 s on a 2-core machine) once; tests of pure logic
// (names, CIDR maths, schedule expressions, validation) stay beside the code
// they test, in binaries that never start jsii.
package constructs_test

import (
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
)

// certificateARN is an ACM certificate of the platform's account and region.
const certificateARN = "arn:aws:acm:us-east-2:427479925030:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

// recorder is an iam.Grantable that keeps what is granted to it, to read a
// grant's statements without synthesizing.
type recorder struct{ statements []iam.Statement }

func (r *recorder) AddToPolicy(s ...iam.Statement) { r.statements = append(r.statements, s...) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
