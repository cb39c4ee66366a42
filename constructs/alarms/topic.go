// Package alarms watches a stack and says so: the stack's alarm topic
// "<project>-<env>-alarms" (SNS, encrypted, with optional email
// subscriptions) and CloudWatch metric alarms, among them the standard sets
// for a service behind a load balancer (NewServiceAlarms) and for a
// scheduled Lambda function (NewFunctionAlarms, NewScheduleGroupAlarm,
// NewQueueDepthAlarm). Every alarm is named "<project>-<env>-...": one
// account holds dev and production, and alarm names are unique per account.
package alarms

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// TopicName is "<project>-<env>-alarms".
func TopicName(n core.Names) string { return n.Resource("alarms") }

// TopicProps configure a Topic.
type TopicProps struct {
	// Emails are subscribed to the topic by email. AWS mails each address a
	// confirmation link; notifications start once it is followed, and an
	// unconfirmed subscription expires after 3 days (a later apply asks
	// again). Defaults to none: alarms still change state, still stop
	// deployments, and show in the CloudWatch console; subscribe other
	// endpoints (chat, paging) to the topic outside the stack if needed.
	Emails []string
}

// email is deliberately loose (one @, a dot in the domain, no spaces or
// commas): SNS does the real check by mailing the address.
var email = regexp.MustCompile(`^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$`)

// ValidateEmails checks the addresses, naming field.
func ValidateEmails(field string, emails []string) error {
	var errs []error
	seen := map[string]bool{}
	for i, e := range emails {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !email.MatchString(e) {
			errs = append(errs, core.Errorf(f, "give one address per entry, e.g. ops@talkwise.ai", "%q is not an email address", e))
		}
		if seen[e] {
			errs = append(errs, core.Errorf(f, "list each address once", "duplicate address %q", e))
		}
		seen[e] = true
	}
	return core.Join(errs...)
}

// Topic is the stack's alarm topic. It is encrypted with the platform's
// alarm key (core.Platform.AlarmKeyAlias, created by the platform stack),
// and its policy lets only this stack's alarms ("<project>-<env>-*") of
// this account publish to it.
type Topic struct {
	constructs.Construct
	Resource snstopic.SnsTopic
	name     string
	arn      string
}

// NewTopic creates the topic, its policy and its email subscriptions.
func NewTopic(scope constructs.Construct, id string, props *TopicProps) *Topic {
	st := stack.Of(scope)
	n, p := st.Names, st.Platform
	if err := ValidateEmails("Emails", props.Emails); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := TopicName(n)
	t := &Topic{Construct: c, name: name, arn: fmt.Sprintf("arn:aws:sns:%s:%s:%s", p.Region, p.AccountID, name)}
	t.Resource = snstopic.NewSnsTopic(c, jsii.String("Resource"), &snstopic.SnsTopicConfig{
		Name:           jsii.String(name),
		KmsMasterKeyId: jsii.String(p.AlarmKeyAlias),
	})
	snstopicpolicy.NewSnsTopicPolicy(c, jsii.String("Policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Arn: t.Resource.Arn(),
		Policy: jsii.String(iam.NewPolicyDocument(iam.Statement{
			Sid: "StackAlarmsPublish", Effect: "Allow",
			Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
			Actions:   []string{"sns:Publish"}, Resources: []string{t.arn},
			Condition: map[string]map[string]any{
				"ArnLike":      {"aws:SourceArn": AlarmARN(n, p, "*")},
				"StringEquals": {"aws:SourceAccount": p.AccountID},
			},
		}).JSON()),
	})
	for _, e := range props.Emails {
		// Keyed by address: removing one never replaces the others (each
		// replacement would mail a new confirmation link).
		snstopicsubscription.NewSnsTopicSubscription(c, jsii.String("Email-"+e), &snstopicsubscription.SnsTopicSubscriptionConfig{
			TopicArn: t.Resource.Arn(),
			Protocol: jsii.String("email"),
			Endpoint: jsii.String(e),
		})
	}
	return t
}

// Arn is the topic's ARN.
func (t *Topic) Arn() *string { return t.Resource.Arn() }

// Name is "<project>-<env>-alarms".
func (t *Topic) Name() string { return t.name }

// AlarmARN is the ARN of the alarm "<project>-<env>-<suffix>" ("*" for all
// of the stack's alarms).
func AlarmARN(n core.Names, p core.Platform, suffix string) string {
	return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", p.Region, p.AccountID, n.Resource(suffix))
}
