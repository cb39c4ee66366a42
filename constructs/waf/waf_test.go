package waf

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

func TestWebACLRejectsLowRateLimit(t *testing.T) {
	p := &WebACLProps{RateLimit: 5, ResourceArn: jsii.String("arn")}
	if err := p.validate(); err == nil || !strings.Contains(err.Error(), "WAF.RateLimit: 5 is below WAF's minimum; use 10 or more requests per 5 minutes") {
		t.Errorf("error = %v", err)
	}
}
