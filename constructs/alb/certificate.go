package alb

import (
	"regexp"

	"github.com/aws/jsii-runtime-go"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Certificate is what the HTTPS listener serves: an acm.Certificate the
// stack requests and validates, or an ExistingCertificate.
type Certificate interface {
	// CertificateArn is the certificate's ARN, or a reference that resolves
	// once the certificate is issued.
	CertificateArn() *string
}

// ExistingCertificate is an ACM certificate issued outside the stack, by
// ARN. It must be in the platform's region and account
// (ValidateCertificateARN).
type ExistingCertificate string

// CertificateArn is the ARN.
func (c ExistingCertificate) CertificateArn() *string { return jsii.String(string(c)) }

var certificateARN = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate/([0-9a-f-]{36})$`)

// ValidateCertificateARN checks that arn names an ACM certificate that an ALB
// in the platform's region and account can use: ACM certificates are
// regional, so one issued in another region (us-east-1, as CloudFront needs)
// is rejected by the listener at apply time.
func ValidateCertificateARN(field, arn string, p core.Platform) error {
	m := certificateARN.FindStringSubmatch(arn)
	if m == nil {
		return core.Errorf(field, "use the ARN of an ACM certificate, arn:aws:acm:"+p.Region+":"+p.AccountID+":certificate/<id>",
			"%q is not an ACM certificate ARN", arn)
	}
	if m[1] != p.Region {
		return core.Errorf(field, "request or import the certificate in ACM in "+p.Region+" and use that ARN",
			"certificate %s is in %s; the load balancer is in %s and can only use certificates from its own region", arn, m[1], p.Region)
	}
	if m[2] != p.AccountID {
		return core.Errorf(field, "use a certificate of account "+p.AccountID,
			"certificate %s belongs to account %s, not %s", arn, m[2], p.AccountID)
	}
	return nil
}
