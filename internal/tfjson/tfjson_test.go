package tfjson

import (
	"encoding/json"
	"testing"
)

const stack = `{
  "resource": {
    "aws_iam_role": {
      "b": {"//": {"metadata": {"path": "s/B/Resource"}}, "name": "rb"},
      "a": {"name": "ra", "max_session_duration": "3600"}
    },
    "aws_vpc": {"v": {"cidr_block": "10.0.0.0/16"}}
  },
  "data": {"aws_ssm_parameter": {"p": {"name": "/x/dev/k"}}}
}`

func TestBlocks(t *testing.T) {
	var d Doc
	if err := json.Unmarshal([]byte(stack), &d); err != nil {
		t.Fatal(err)
	}
	roles := d.Resources("aws_iam_role")
	if len(roles) != 2 || roles[0].ID != "a" || roles[1].ID != "b" {
		t.Fatalf("roles not ordered by ID: %+v", roles)
	}
	if roles[1].Path() != "s/B/Resource" || roles[0].Path() != "aws_iam_role.a" {
		t.Errorf("paths: %q, %q", roles[1].Path(), roles[0].Path())
	}
	if n, ok := Num(roles[0].Fields, "max_session_duration"); !ok || n != 3600 {
		t.Errorf("Num of a string number = %v, %v", n, ok)
	}
	if _, ok := Num(roles[0].Fields, "missing"); ok {
		t.Error("Num of a missing field reported set")
	}
	if Str(roles[1].Fields, "name") != "rb" || Str(roles[1].Fields, "nope") != "" {
		t.Error("Str")
	}
	params := d.DataSources("aws_ssm_parameter")
	if len(params) != 1 || params[0].Address() != "data.aws_ssm_parameter.p" {
		t.Errorf("data: %+v", params)
	}
	if got := d.Types("resource"); len(got) != 2 || got[0] != "aws_iam_role" || got[1] != "aws_vpc" {
		t.Errorf("Types = %v", got)
	}
}
