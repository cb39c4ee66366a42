// Package acm requests a public ACM certificate for a domain and validates
// it through DNS records in the Route 53 zone that holds the domain, the
// shape of AWS CDK's ecs-patterns (domainName + domainZone) and of
// terraform-aws-modules/acm. Public certificates are free and ACM renews
// them itself as long as the validation records stay in place.
package acm

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/route53"
)

// MaxDomainName is ACM's limit on a certificate's first domain name (its
// common name): 64 characters, where DNS allows 253.
const MaxDomainName = 64

// ValidationRecordTTL is the validation records' TTL in seconds: short, so
// a record fixed by hand is seen by ACM soon.
const ValidationRecordTTL = 60

// CertificateProps configure a Certificate.
type CertificateProps struct {
	// DomainName is the name the certificate is for, e.g.
	// "agents.talkwise.ai". Required; at most 64 characters.
	DomainName string
	// Zone is the hosted zone that holds DomainName, where the validation
	// records are written. Required.
	Zone route53.HostedZone
}

// ValidateDomain checks a certificate's domain name and zone, naming
// field; patterns call it to report bad settings before building.
func ValidateDomain(field, domainName string, zone route53.HostedZone) error {
	errs := []error{zone.Validate(field + ".Zone"), route53.ValidateDomainName(field+".Name", domainName)}
	if len(domainName) > MaxDomainName {
		errs = append(errs, core.Errorf(field+".Name", fmt.Sprintf("use a name of at most %d characters", MaxDomainName),
			"%q is %d characters; ACM allows %d in a certificate's first name", domainName, len(domainName), MaxDomainName))
	}
	if domainName != "" && zone.Name != "" && !zone.Contains(domainName) {
		errs = append(errs, core.Errorf(field+".Name", "use a name ending in ."+zone.Name+", or the hosted zone that holds "+domainName,
			"%q is not in the hosted zone %s, so its validation record would never resolve", domainName, zone.Name))
	}
	return core.Join(errs...)
}

// Certificate is an ACM certificate with its DNS validation.
type Certificate struct {
	constructs.Construct
	Resource acmcertificate.AcmCertificate
	// ValidationRecords holds one CNAME per domain name (for_each keyed by
	// domain_name); Validation waits until ACM has issued the certificate.
	ValidationRecords route53record.Route53Record
	Validation        acmcertificatevalidation.AcmCertificateValidation
}

// NewCertificate requests the certificate and writes its validation records.
func NewCertificate(scope constructs.Construct, id string, props *CertificateProps) *Certificate {
	if err := ValidateDomain("Domain", props.DomainName, props.Zone); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	cert := acmcertificate.NewAcmCertificate(c, jsii.String("Resource"), &acmcertificate.AcmCertificateConfig{
		DomainName:       jsii.String(props.DomainName),
		ValidationMethod: jsii.String("DNS"),
		// A certificate in use by a listener cannot be deleted: a
		// replacement is created, swapped in, and only then the old one
		// deleted.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	})
	// One record per distinct domain name, keyed by it: the standard shape
	// (provider docs, terraform-aws-modules/acm), so adding a name later adds
	// a record instead of renumbering them.
	options := cdktf.TerraformIterator_FromComplexList(cert.DomainValidationOptions(), jsii.String("domain_name"))
	records := route53record.NewRoute53Record(c, jsii.String("ValidationRecord"), &route53record.Route53RecordConfig{
		ForEach: options,
		ZoneId:  jsii.String(props.Zone.ID),
		Name:    options.GetString(jsii.String("resource_record_name")),
		Type:    options.GetString(jsii.String("resource_record_type")),
		Records: &[]*string{options.GetString(jsii.String("resource_record_value"))},
		Ttl:     jsii.Number(ValidationRecordTTL),
		// ACM gives a name the same validation record for every certificate
		// of the account: a replaced certificate (create before destroy)
		// needs the record that already exists.
		AllowOverwrite: jsii.Bool(true),
	})
	validation := acmcertificatevalidation.NewAcmCertificateValidation(c, jsii.String("Validation"), &acmcertificatevalidation.AcmCertificateValidationConfig{
		CertificateArn:        cert.Arn(),
		ValidationRecordFqdns: cdktf.Token_AsList(cdktf.TerraformIterator_FromResources(records).PluckProperty(jsii.String("fqdn")), nil),
	})
	return &Certificate{Construct: c, Resource: cert, ValidationRecords: records, Validation: validation}
}

// CertificateArn is the ARN of the issued certificate: a reference to the
// validation, so a listener that uses it is created only once ACM has
// issued it (a pending certificate is refused by the listener).
func (c *Certificate) CertificateArn() *string { return c.Validation.CertificateArn() }
