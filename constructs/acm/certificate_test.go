package acm

import (
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/route53"
)

func TestValidateDomain(t *testing.T) {
	zone := route53.HostedZone{ID: "Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}
	if err := ValidateDomain("Domain", "agents.talkwise.ai", zone); err != nil {
		t.Error(err)
	}
	if err := ValidateDomain("Domain", "talkwise.ai", zone); err != nil {
		t.Errorf("the zone's apex: %v", err)
	}
	long := strings.Repeat("a", 55) + ".talkwise.ai" // 67 characters
	for _, c := range []struct{ name, want string }{
		{"agents.other.ai", `Domain.Name: "agents.other.ai" is not in the hosted zone talkwise.ai, so its validation record would never resolve; use a name ending in .talkwise.ai, or the hosted zone that holds agents.other.ai`},
		{long, `Domain.Name: "` + long + `" is 67 characters; ACM allows 64 in a certificate's first name`},
		{"Agents.talkwise.ai", "has upper-case letters"},
	} {
		if err := ValidateDomain("Domain", c.name, zone); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want %q", c.name, err, c.want)
		}
	}
	if err := ValidateDomain("Domain", "agents.talkwise.ai", route53.HostedZone{ID: "bad", Name: "talkwise.ai"}); err == nil ||
		!strings.Contains(err.Error(), `Domain.Zone.ID: "bad" is not a Route 53 hosted zone ID`) {
		t.Errorf("bad zone ID: %v", err)
	}
}
