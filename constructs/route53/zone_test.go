package route53

import (
	"strings"
	"testing"
)

func TestValidateDomainName(t *testing.T) {
	for _, ok := range []string{"talkwise.ai", "agents.talkwise.ai", "a-b.c1.example.com", "xn--bcher-kva.example"} {
		if err := ValidateDomainName("Name", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for name, want := range map[string]string{
		"":                                      "Name: is empty",
		"api.talkwise.ai.":                      `Name: "api.talkwise.ai." ends with a dot; drop the final dot: api.talkwise.ai`,
		"*.talkwise.ai":                         `"*.talkwise.ai" is a wildcard; name the one host clients use, e.g. api.talkwise.ai`,
		"API.talkwise.ai":                       `"API.talkwise.ai" has upper-case letters`,
		"localhost":                             `"localhost" is not a fully qualified name`,
		"api_v1.talkwise.ai":                    `has the invalid label "api_v1"`,
		"-api.talkwise.ai":                      `has the invalid label "-api"`,
		"api..talkwise.ai":                      `has the invalid label ""`,
		strings.Repeat("a", 64) + ".ai":         "has the invalid label",
		strings.Repeat("abcdefghi.", 26) + "ai": "is 262 characters; DNS allows 253",
	} {
		err := ValidateDomainName("Name", name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v; want %q", name, err, want)
		}
	}
}

func TestHostedZoneValidate(t *testing.T) {
	if err := (HostedZone{ID: "Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}).Validate("Zone"); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		zone HostedZone
		want string
	}{
		{HostedZone{Name: "talkwise.ai"}, "Zone.ID: is empty"},
		{HostedZone{ID: "/hostedzone/Z0123456789ABCDEFGHIJ", Name: "talkwise.ai"}, `Zone.ID: "/hostedzone/Z0123456789ABCDEFGHIJ" is the API's path, not the ID; drop the /hostedzone/ prefix: Z0123456789ABCDEFGHIJ`},
		{HostedZone{ID: "z01234", Name: "talkwise.ai"}, `Zone.ID: "z01234" is not a Route 53 hosted zone ID`},
		{HostedZone{ID: "Z" + strings.Repeat("A", 32), Name: "talkwise.ai"}, "is not a Route 53 hosted zone ID"},
		{HostedZone{ID: "Z0123", Name: "talkwise.ai."}, "Zone.Name: \"talkwise.ai.\" ends with a dot"},
	} {
		if err := c.zone.Validate("Zone"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v; want %q", c.zone, err, c.want)
		}
	}
}

func TestContains(t *testing.T) {
	z := HostedZone{ID: "Z1", Name: "talkwise.ai"}
	for name, want := range map[string]bool{"talkwise.ai": true, "api.talkwise.ai": true, "a.b.talkwise.ai": true,
		"nottalkwise.ai": false, "talkwise.ai.evil.com": false, "ai": false} {
		if got := z.Contains(name); got != want {
			t.Errorf("Contains(%q) = %v", name, got)
		}
	}
}
