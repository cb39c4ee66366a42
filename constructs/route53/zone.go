// Package route53 writes records into an existing public Route 53 hosted
// zone of the account: the alias record that points a service's domain at
// its load balancer. The zone is referred to by ID, not looked up: a data
// source would add an AWS call to every plan, and a zone's ID does not
// change.
package route53

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// HostedZone is a public hosted zone that exists in the account.
type HostedZone struct {
	// ID is the zone's ID as the Route 53 console shows it under "Hosted
	// zone details", e.g. "Z0123456789ABCDEFGHIJ". Required.
	ID string
	// Name is the zone's domain, e.g. "talkwise.ai". Required: every name
	// written into the zone is checked to lie inside it, because a record
	// for another domain would be created without error and never resolve
	// (a certificate validated through it would wait 75 minutes and fail).
	Name string
}

// zoneID is a Route 53 hosted zone ID: "Z" and up to 31 upper-case letters
// and digits (the API returns it as "/hostedzone/<ID>").
var zoneID = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)

// dnsLabel is one label of a host name (RFC 1123): letters, digits and
// inner hyphens, lower case here so that names compare as DNS does.
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Validate checks the zone's ID and name, naming field.
func (z HostedZone) Validate(field string) error {
	var errs []error
	switch {
	case z.ID == "":
		errs = append(errs, core.Errorf(field+".ID", "copy the ID from the Route 53 console (Hosted zones, the zone, Hosted zone details)", "is empty"))
	case strings.HasPrefix(z.ID, "/hostedzone/"):
		errs = append(errs, core.Errorf(field+".ID", "drop the /hostedzone/ prefix: "+strings.TrimPrefix(z.ID, "/hostedzone/"), "%q is the API's path, not the ID", z.ID))
	case !zoneID.MatchString(z.ID):
		errs = append(errs, core.Errorf(field+".ID", "copy the ID from the Route 53 console, e.g. Z0123456789ABCDEFGHIJ", "%q is not a Route 53 hosted zone ID", z.ID))
	}
	errs = append(errs, ValidateDomainName(field+".Name", z.Name))
	return core.Join(errs...)
}

// Contains reports whether name is the zone's apex or a name under it.
func (z HostedZone) Contains(name string) bool {
	return name == z.Name || strings.HasSuffix(name, "."+z.Name)
}

// MaxDomainName is DNS's limit on a name's length, without the final dot.
const MaxDomainName = 253

// ValidateDomainName checks a fully qualified host name: lower-case labels
// of letters, digits and inner hyphens, at most 63 characters each and 253
// in all, at least two labels, no final dot and no wildcard.
func ValidateDomainName(field, name string) error {
	fix := `write the name in lower case without a final dot, e.g. "api.talkwise.ai"`
	switch {
	case name == "":
		return core.Errorf(field, fix, "is empty")
	case strings.HasSuffix(name, "."):
		return core.Errorf(field, "drop the final dot: "+strings.TrimSuffix(name, "."), "%q ends with a dot", name)
	case strings.Contains(name, "*"):
		return core.Errorf(field, "name the one host clients use, e.g. api."+strings.TrimPrefix(strings.TrimPrefix(name, "*"), "."), "%q is a wildcard", name)
	case name != strings.ToLower(name):
		return core.Errorf(field, "use "+strings.ToLower(name), "%q has upper-case letters; DNS ignores case, and AWS returns names in lower case, so a plan would always show a change", name)
	case len(name) > MaxDomainName:
		return core.Errorf(field, fmt.Sprintf("shorten it by %d characters", len(name)-MaxDomainName), "%q is %d characters; DNS allows %d", name, len(name), MaxDomainName)
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return core.Errorf(field, fix, "%q is not a fully qualified name", name)
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return core.Errorf(field, fix+"; each label has 1-63 letters, digits or inner hyphens", "%q has the invalid label %q", name, l)
		}
	}
	return nil
}
