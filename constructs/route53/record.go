package route53

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// AliasTarget is what an alias record points at (alb.LoadBalancer).
type AliasTarget interface {
	// AliasDNSName and AliasZoneID are the target's DNS name and the ID of
	// the zone AWS serves it from (an ALB's canonical hosted zone).
	AliasDNSName() *string
	AliasZoneID() *string
	// DualStack reports whether the target answers on IPv6 too, which
	// calls for an AAAA record beside the A record.
	DualStack() bool
}

// AliasRecordProps configure an AliasRecord.
type AliasRecordProps struct {
	// Zone holds the record. Required.
	Zone HostedZone
	// Name is the record's fully qualified name, in Zone. Required.
	Name string
	// Target is what the name resolves to. Required.
	Target AliasTarget
}

func (p *AliasRecordProps) validate() error {
	errs := []error{p.Zone.Validate("Zone"), ValidateDomainName("Name", p.Name)}
	if p.Name != "" && p.Zone.Name != "" && !p.Zone.Contains(p.Name) {
		errs = append(errs, core.Errorf("Name", "use a name ending in ."+p.Zone.Name+", or the hosted zone that holds "+p.Name,
			"%q is not in the hosted zone %s", p.Name, p.Zone.Name))
	}
	return core.Join(errs...)
}

// AliasRecord is an A record (and AAAA for a dual-stack target) aliasing a
// name to an AWS endpoint. Alias records are answered by Route 53 without
// a query charge and follow the target's addresses as they change.
type AliasRecord struct {
	constructs.Construct
	A, AAAA route53record.Route53Record // AAAA is nil unless the target is dual-stack
}

// NewAliasRecord creates the record(s).
func NewAliasRecord(scope constructs.Construct, id string, props *AliasRecordProps) *AliasRecord {
	if err := props.validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	r := &AliasRecord{Construct: c}
	record := func(id, typ string) route53record.Route53Record {
		return route53record.NewRoute53Record(c, jsii.String(id), &route53record.Route53RecordConfig{
			ZoneId: jsii.String(props.Zone.ID),
			Name:   jsii.String(props.Name),
			Type:   jsii.String(typ),
			Alias: &route53record.Route53RecordAlias{
				Name:   props.Target.AliasDNSName(),
				ZoneId: props.Target.AliasZoneID(),
				// Route 53 answers with the target's healthy nodes only.
				EvaluateTargetHealth: jsii.Bool(true),
			},
		})
	}
	r.A = record("A", "A")
	if props.Target.DualStack() {
		r.AAAA = record("AAAA", "AAAA")
	}
	return r
}
