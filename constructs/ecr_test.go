package constructs_test

import (
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/ecr"
	"github.com/fractallabsdev/talkwise-infra/constructs/iam"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	. "github.com/fractallabsdev/talkwise-infra/internal/synthtest"
)

func TestRepository(t *testing.T) {
	st := Synth(t, core.Production, func(s *stack.Stack) {
		repo := ecr.NewRepository(s.Scope, "Images", &ecr.RepositoryProps{})
		pusher := iam.NewRole(s.Scope, "Pusher", &iam.RoleProps{Name: "test-production-pusher", Trust: []iam.Statement{iam.ServicePrincipal("ecs-tasks.amazonaws.com", "")}})
		puller := iam.NewRole(s.Scope, "Puller", &iam.RoleProps{Name: "test-production-puller", Trust: []iam.Statement{iam.ServicePrincipal("ecs-tasks.amazonaws.com", "")}})
		repo.GrantPush(pusher)
		repo.GrantPull(puller)
	})
	repo := st.One(t, "aws_ecr_repository")
	repo.Expect(t, map[string]any{
		"name": "test-production-api",
		"image_scanning_configuration.scan_on_push":  true,
		"encryption_configuration.0.encryption_type": "AES256",
		"image_tag_mutability":                       "MUTABLE",
	})
	if repo.Get("force_delete") != nil {
		t.Error("force_delete would let a destroy delete every image")
	}
	policy := st.One(t, "aws_ecr_lifecycle_policy")
	policy.Expect(t, map[string]any{"repository": repo.Ref("name")})
	rules := policy.JSON(t, "policy")
	want := map[string]any{"rules": []any{
		map[string]any{"rulePriority": 1.0, "description": "Expire untagged images 7 days after push",
			"selection": map[string]any{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7.0},
			"action":    map[string]any{"type": "expire"}},
		map[string]any{"rulePriority": 2.0, "description": "Keep the newest 30 tagged images",
			"selection": map[string]any{"tagStatus": "tagged", "tagPatternList": []any{"*"}, "countType": "imageCountMoreThan", "countNumber": 30.0},
			"action":    map[string]any{"type": "expire"}},
	}}
	Resource{Type: "policy", Fields: map[string]any{"doc": rules}}.Expect(t, map[string]any{"doc": want})

	statements := func(role string) map[string]any {
		p := st.One(t, "aws_iam_role_policy", Where("name", role))
		out := map[string]any{}
		for _, s := range p.JSON(t, "policy").(map[string]any)["Statement"].([]any) {
			s := s.(map[string]any)
			out[s["Sid"].(string)] = []any{s["Action"], s["Resource"]}
		}
		return out
	}
	arn := repo.Ref("arn")
	login := []any{[]any{"ecr:GetAuthorizationToken"}, []any{"*"}}
	pull := []any{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	Resource{Type: "pusher", Fields: statements("test-production-pusher")}.Expect(t, map[string]any{
		"EcrLogin":   login,
		"PushImages": []any{append(pull, "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"), []any{arn}},
	})
	if got := statements("test-production-puller"); len(got) != 2 {
		t.Errorf("puller statements %v", got)
	}
	Resource{Type: "puller", Fields: statements("test-production-puller")}.Expect(t, map[string]any{
		"EcrLogin": login, "PullImages": []any{pull, []any{arn}},
	})
}
