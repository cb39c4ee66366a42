// Package ecr creates the container image repository of a service, with
// scanning, encryption, a lifecycle policy and grants to pull and push.
package ecr

import (
	"encoding/json"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// Defaults of a Repository.
const (
	DefaultSuffix             = "api"
	DefaultUntaggedExpiryDays = 7
	DefaultKeepTaggedImages   = 30
	// MaxRepositoryName is ECR's limit.
	MaxRepositoryName = 256
)

// RepositoryProps configure a Repository.
type RepositoryProps struct {
	// Suffix names the repository "<project>-<env>-<Suffix>". Defaults to "api".
	Suffix string
	// ImmutableTags makes tags IMMUTABLE. Defaults to false (MUTABLE),
	// because the spec's deploy flow pushes :latest on every release and an
	// immutable repository refuses the second push of a tag. Turn it on once
	// deploys push only unique tags (the commit SHA).
	ImmutableTags bool
	// UntaggedExpiryDays expires untagged images (superseded :latest pushes,
	// build layers) this many days after they were pushed. Defaults to 7.
	UntaggedExpiryDays int
	// KeepTaggedImages is how many tagged images are kept, newest first;
	// older ones expire. Defaults to 30, enough to roll back a month of daily
	// releases.
	KeepTaggedImages int
}

func (p *RepositoryProps) applyDefaults() {
	if p.Suffix == "" {
		p.Suffix = DefaultSuffix
	}
	if p.UntaggedExpiryDays == 0 {
		p.UntaggedExpiryDays = DefaultUntaggedExpiryDays
	}
	if p.KeepTaggedImages == 0 {
		p.KeepTaggedImages = DefaultKeepTaggedImages
	}
}

func (p *RepositoryProps) validate(n core.Names) error {
	p.applyDefaults()
	var errs []error
	if err := core.ValidateResourceName("ecr.Suffix", p.Suffix); err != nil {
		errs = append(errs, err)
	}
	if p.UntaggedExpiryDays < 1 {
		errs = append(errs, core.Errorf("ecr.UntaggedExpiryDays", "use 1 or more days", "%d days", p.UntaggedExpiryDays))
	}
	if p.KeepTaggedImages < 1 {
		errs = append(errs, core.Errorf("ecr.KeepTaggedImages", "keep at least 1 image to roll back to", "%d images", p.KeepTaggedImages))
	}
	errs = append(errs, core.CheckLength("ecr", "ECR repository", n.Resource(p.Suffix), MaxRepositoryName))
	return core.Join(errs...)
}

// Repository is an ECR repository.
type Repository struct {
	constructs.Construct
	Resource ecrrepository.EcrRepository
	name     string
}

// NewRepository creates the repository and its lifecycle policy.
func NewRepository(scope constructs.Construct, id string, props *RepositoryProps) *Repository {
	n := stack.Of(scope).Names
	if err := props.validate(n); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := n.Resource(props.Suffix)
	mutability := "MUTABLE"
	if props.ImmutableTags {
		mutability = "IMMUTABLE"
	}
	repo := ecrrepository.NewEcrRepository(c, jsii.String("Resource"), &ecrrepository.EcrRepositoryConfig{
		Name:                       jsii.String(name),
		ImageTagMutability:         jsii.String(mutability),
		ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{ScanOnPush: jsii.Bool(true)},
		EncryptionConfiguration: []*ecrrepository.EcrRepositoryEncryptionConfiguration{{
			EncryptionType: jsii.String("AES256"),
		}},
	})
	ecrlifecyclepolicy.NewEcrLifecyclePolicy(c, jsii.String("Lifecycle"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
		Repository: repo.Name(),
		Policy:     jsii.String(LifecyclePolicy(props.UntaggedExpiryDays, props.KeepTaggedImages)),
	})
	return &Repository{Construct: c, Resource: repo, name: name}
}

type lifecycleRule struct {
	RulePriority int             `json:"rulePriority"`
	Description  string          `json:"description"`
	Selection    lifecycleSelect `json:"selection"`
	Action       struct {
		Type string `json:"type"`
	} `json:"action"`
}

type lifecycleSelect struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	CountType      string   `json:"countType"`
	CountUnit      string   `json:"countUnit,omitempty"`
	CountNumber    int      `json:"countNumber"`
}

// LifecyclePolicy is the repository's lifecycle policy: untagged images
// expire untaggedDays after push; of the tagged ones the newest keepTagged
// stay. ECR requires a tag pattern for tagStatus "tagged"; "*" matches all.
func LifecyclePolicy(untaggedDays, keepTagged int) string {
	untagged := lifecycleRule{RulePriority: 1,
		Description: fmt.Sprintf("Expire untagged images %d days after push", untaggedDays),
		Selection:   lifecycleSelect{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: untaggedDays}}
	untagged.Action.Type = "expire"
	tagged := lifecycleRule{RulePriority: 2,
		Description: fmt.Sprintf("Keep the newest %d tagged images", keepTagged),
		Selection:   lifecycleSelect{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: keepTagged}}
	tagged.Action.Type = "expire"
	b, err := json.Marshal(map[string][]lifecycleRule{"rules": {untagged, tagged}})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Name is the repository name.
func (r *Repository) Name() string { return r.name }

// Arn is the repository ARN.
func (r *Repository) Arn() *string { return r.Resource.Arn() }

// RepositoryURL is "<account>.dkr.ecr.<region>.amazonaws.com/<name>".
func (r *Repository) RepositoryURL() *string { return r.Resource.RepositoryUrl() }

// pullActions read images from the repository.
var pullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

// pushActions upload layers and write image manifests.
var pushActions = []string{"ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}

// authToken lets the grantee log in to the registry. ecr:GetAuthorizationToken
// has no resource type: AWS requires Resource "*" for it. The token alone
// grants nothing; each repository action is checked separately.
func authToken() iam.Statement {
	return iam.Allow("EcrLogin", []string{"ecr:GetAuthorizationToken"}, "*")
}

// GrantPull lets grantee pull images from this repository only.
// Actions: ecr:GetAuthorizationToken on "*"; ecr:BatchCheckLayerAvailability,
// ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repository.
func (r *Repository) GrantPull(grantee iam.Grantable) {
	grantee.AddToPolicy(authToken(), iam.Allow("PullImages", pullActions, *r.Arn()))
}

// GrantPush lets grantee push (and pull, which docker needs to reuse layers)
// images to this repository only. Actions: those of GrantPull plus
// ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload,
// ecr:PutImage on the repository.
func (r *Repository) GrantPush(grantee iam.Grantable) {
	grantee.AddToPolicy(authToken(), iam.Allow("PushImages", append(append([]string{}, pullActions...), pushActions...), *r.Arn()))
}
