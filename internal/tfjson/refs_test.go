package tfjson

import (
	"reflect"
	"testing"
)

func TestRefs(t *testing.T) {
	v := map[string]any{
		"//":         map[string]any{"metadata": "${aws_ignored.meta.arn}"},
		"depends_on": []any{"${aws_ignored.dep}"},
		"role":       "${aws_iam_role.R_1.arn}",
		"policy":     `{"Resource":"${aws_s3_bucket.B-2.arn}/*","Other":"${data.aws_ssm_parameter.P_3.insecure_value}"}`,
		"nested":     []any{map[string]any{"x": "service/${aws_ecs_cluster.C.name}/${aws_ecs_service.S.name}"}},
		"call":       "${jsonencode(aws_lb.L.arn)}",
		"expr":       "${join(\",\", [aws_subnet.B.id, var.x])}",
		"plain":      "aws_iam_role.NotAReference",
	}
	got := Addresses(v)
	want := []string{"aws_ecs_cluster.C", "aws_ecs_service.S", "aws_iam_role.R_1", "aws_lb.L", "aws_s3_bucket.B-2", "aws_subnet.B", "data.aws_ssm_parameter.P_3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Addresses = %v; want %v", got, want)
	}
	refs := RefsIn("${data.aws_ssm_parameter.P_3.insecure_value}")
	if len(refs) != 1 || refs[0] != (Ref{"data.aws_ssm_parameter.P_3", "insecure_value"}) || !refs[0].Data() {
		t.Errorf("RefsIn = %+v", refs)
	}
	if refs := RefsIn("${aws_vpc.V}"); len(refs) != 1 || refs[0].Attr != "" {
		t.Errorf("whole-object reference: %+v", refs)
	}
}

func TestReplaceRefs(t *testing.T) {
	got := ReplaceRefs("arn/${aws_x.a.name}/${aws_x.b.name}/${length(aws_x.c.list)}", func(r Ref) (string, bool) {
		if r.Address == "aws_x.a" {
			return "A-" + r.Attr, true
		}
		return "", false
	})
	if want := "arn/A-name/${aws_x.b.name}/${length(aws_x.c.list)}"; got != want {
		t.Errorf("ReplaceRefs = %q; want %q", got, want)
	}
}

func TestOnlyRef(t *testing.T) {
	if r, ok := OnlyRef("${aws_vpc.V_1.id}"); !ok || r != (Ref{"aws_vpc.V_1", "id"}) {
		t.Errorf("OnlyRef = %+v, %v", r, ok)
	}
	for _, s := range []string{"x-${aws_vpc.V_1.id}", "${aws_vpc.V_1.id}${aws_vpc.V_2.id}", "${length(aws_vpc.V.ids)}", "plain"} {
		if _, ok := OnlyRef(s); ok {
			t.Errorf("OnlyRef(%q) accepted", s)
		}
	}
}
