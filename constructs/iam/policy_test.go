package iam

import (
	"strings"
	"testing"
)

func TestPolicyDocumentJSONIsStableAndUnescaped(t *testing.T) {
	doc := NewPolicyDocument(Allow("Logs", []string{"logs:PutLogEvents"}, "${aws_cloudwatch_log_group.x.arn}:log-stream:*"))
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":["${aws_cloudwatch_log_group.x.arn}:log-stream:*"]}]}`
	if got := doc.JSON(); got != want {
		t.Errorf("JSON =\n%s\nwant\n%s", got, want)
	}
	cond := Statement{Effect: "Allow", Actions: []string{"a:b"}, Resources: []string{"r"},
		Condition: map[string]map[string]any{"StringEquals": {"z": "1", "a": "2"}, "ArnLike": {"m": "<x>"}}}
	first := NewPolicyDocument(cond).JSON()
	for i := 0; i < 20; i++ {
		if NewPolicyDocument(cond).JSON() != first {
			t.Fatal("condition maps rendered in varying order")
		}
	}
	if !strings.Contains(first, `"ArnLike":{"m":"<x>"},"StringEquals":{"a":"2","z":"1"}`) {
		t.Errorf("conditions not sorted or HTML-escaped: %s", first)
	}
}

func TestOrderedSortsBySidAndDropsExactDuplicates(t *testing.T) {
	a := Allow("B", []string{"s3:GetObject"}, "arn:b")
	b := Allow("A", []string{"s3:GetObject"}, "arn:a")
	got := ordered([]Statement{a, b, a})
	if len(got) != 2 || got[0].Sid != "A" || got[1].Sid != "B" {
		t.Errorf("ordered = %+v", got)
	}
}

func TestServicePrincipalPinsAccount(t *testing.T) {
	s := ServicePrincipal("lambda.amazonaws.com", "427479925030")
	if s.Condition["StringEquals"]["aws:SourceAccount"] != "427479925030" {
		t.Errorf("trust is not limited to the account: %+v", s)
	}
}

func TestRolePropsValidate(t *testing.T) {
	long := strings.Repeat("r", 65)
	if err := (&RoleProps{Name: long, Trust: []Statement{ServicePrincipal("x", "1")}}).validate(); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Errorf("65-character role name: err = %v", err)
	}
	if err := (&RoleProps{Name: "ok"}).validate(); err == nil || !strings.Contains(err.Error(), "no trust policy") {
		t.Errorf("no trust: err = %v", err)
	}
}
