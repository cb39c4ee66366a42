package graph_test

import (
	"context"
	"encoding/xml"
	"sort"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/graph"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// rukDev is ruk-scheduler-dev as synthesized (its golden copy).
func rukDev(t *testing.T) *synthtest.Stack {
	t.Helper()
	return synthtest.Golden(t)["ruk-scheduler-dev"]
}

// The picture of a real stack: every resource and data source once, an
// edge for every reference, boxes by construct.
func TestGraphOfScheduledLambdaStack(t *testing.T) {
	s := rukDev(t)
	g := graph.Build(s.Name, s.Doc)

	var blocks []string
	for _, typ := range s.ResourceTypes() {
		for _, r := range s.Resources(typ) {
			blocks = append(blocks, r.Address)
		}
	}
	for _, r := range s.DataSources("aws_ssm_parameter") {
		blocks = append(blocks, r.Address)
	}
	var nodes []string
	for a := range g.Nodes {
		nodes = append(nodes, a)
	}
	sort.Strings(blocks)
	sort.Strings(nodes)
	if strings.Join(nodes, "\n") != strings.Join(blocks, "\n") {
		t.Errorf("nodes:\n%s\nwant every block:\n%s", strings.Join(nodes, "\n"), strings.Join(blocks, "\n"))
	}

	fn := s.One(t, "aws_lambda_function").Address
	logs := s.One(t, "aws_cloudwatch_log_group").Address
	fnRole := s.One(t, "aws_iam_role", synthtest.Where("name", "ruk-scheduler-dev-message-hub-dispatch")).Address
	schedRole := s.One(t, "aws_iam_role", synthtest.Where("name", "ruk-scheduler-dev-scheduler")).Address
	fnPolicy := s.One(t, "aws_iam_role_policy", synthtest.Where("name", "ruk-scheduler-dev-message-hub-dispatch")).Address
	schedPolicy := s.One(t, "aws_iam_role_policy", synthtest.Where("name", "ruk-scheduler-dev-scheduler")).Address
	schedule := s.One(t, "aws_scheduler_schedule").Address
	group := s.One(t, "aws_scheduler_schedule_group").Address
	groupAlarm := s.One(t, "aws_cloudwatch_metric_alarm", synthtest.Where("alarm_name", "ruk-scheduler-dev-scheduler-failed-invocations")).Address
	param := s.DataSources("aws_ssm_parameter")[0].Address
	want := []graph.Edge{
		{From: fnPolicy, To: logs},   // grant to write its own log group
		{From: fnPolicy, To: fnRole}, // attached to the role
		{From: schedPolicy, To: schedRole},
		{From: schedPolicy, To: fn}, // invoke exactly this function
		{From: fn, To: logs, DependsOn: true},
		{From: fn, To: fnRole},
		{From: fn, To: param}, // BACKEND_URL from SSM
		{From: schedule, To: schedRole},
		{From: schedule, To: fn},
		{From: schedule, To: group}, // in the stack's own group
	}
	has := map[graph.Edge]bool{}
	for _, e := range g.Edges {
		has[e] = true
	}
	for _, w := range want {
		if !has[w] {
			t.Errorf("missing edge %+v", w)
		}
	}
	// The arrows know what they read: the schedule and the scheduler's policy
	// the function's ARN, each policy its role's name.
	for e, want := range map[graph.Edge]string{
		{From: schedule, To: fn}:              "arn",
		{From: schedPolicy, To: fn}:           "arn",
		{From: fnPolicy, To: fnRole}:          "name",
		{From: fnPolicy, To: logs}:            "arn",
		{From: fn, To: param}:                 "insecure_value",
		{From: fn, To: logs, DependsOn: true}: "",
	} {
		if got := strings.Join(g.Attributes[e], ","); got != want {
			t.Errorf("%s -> %s reads %q; want %q", e.From, e.To, got, want)
		}
	}

	// Every edge is a reference (or depends_on) in the JSON, and every
	// reference between two blocks of the stack is an edge.
	fields := map[string]map[string]any{}
	for _, typ := range s.ResourceTypes() {
		for _, r := range s.Resources(typ) {
			fields[r.Address] = r.Fields
		}
	}
	for _, r := range s.DataSources("aws_ssm_parameter") {
		fields[r.Address] = r.Fields
	}
	expected := map[graph.Edge]bool{}
	for from, f := range fields {
		for _, to := range tfjson.Addresses(f) {
			if fields[to] != nil && to != from {
				expected[graph.Edge{From: from, To: to}] = true
			}
		}
		deps, _ := f["depends_on"].([]any)
		for _, d := range deps {
			to, _ := d.(string)
			if fields[to] != nil && !expected[graph.Edge{From: from, To: to}] {
				expected[graph.Edge{From: from, To: to, DependsOn: true}] = true
			}
		}
	}
	if len(expected) != len(g.Edges) {
		t.Errorf("%d edges; the JSON has %d references between its blocks", len(g.Edges), len(expected))
	}
	for _, e := range g.Edges {
		if !expected[e] {
			t.Errorf("edge %+v is not a reference in the JSON", e)
		}
	}

	// Boxes: the function (its role nested) and the schedules (their group and
	// its alarm beside them, their role nested).
	boxes := map[string]string{}
	var walk func(c *graph.Cluster)
	walk = func(c *graph.Cluster) {
		boxes[strings.Join(c.Path, "/")] = strings.Join(c.Nodes, ",")
		for _, sub := range c.Clusters {
			walk(sub)
		}
	}
	walk(g.Root)
	for path, nodes := range map[string][]string{
		"Function-message-hub-dispatch":      sorted(logs, fn, param),
		"Function-message-hub-dispatch/Role": sorted(fnRole, fnPolicy),
		"Schedules":                          sorted(schedule, group, groupAlarm),
		"Schedules/Role":                     sorted(schedRole, schedPolicy),
	} {
		if got, ok := boxes[path]; !ok || got != strings.Join(nodes, ",") {
			t.Errorf("box %s holds %q (present: %v); want %v", path, got, ok, nodes)
		}
	}
	if g.Nodes[fn].Name != "Function-message-hub-dispatch" || g.Nodes[logs].Name != "Logs" {
		t.Errorf("names: %q, %q; want the construct's name for a main Resource, else the id", g.Nodes[fn].Name, g.Nodes[logs].Name)
	}
}

func sorted(s ...string) []string { sort.Strings(s); return s }

func TestDOTIsWellFormedAndDeterministic(t *testing.T) {
	s := rukDev(t)
	dot := graph.Build(s.Name, s.Doc).DOT()
	if dot != graph.Build(s.Name, s.Doc).DOT() {
		t.Error("two renders of the same stack differ")
	}
	if strings.Count(dot, "{") != strings.Count(dot, "}") {
		t.Error("unbalanced braces")
	}
	nodes := graph.Build(s.Name, s.Doc).Nodes
	if len(nodes) == 0 {
		t.Fatal("no nodes")
	}
	for a := range nodes {
		decl := `"` + a + `" [label=`
		if strings.Count(dot, decl) != 1 {
			t.Errorf("node %s declared %d times", a, strings.Count(dot, decl))
		}
	}
	if !strings.Contains(dot, "style=dashed") {
		t.Error("depends_on and data sources should be dashed")
	}
	if strings.Contains(dot, "/work/") || strings.Contains(dot, "/tmp/") {
		t.Error("DOT holds a path of this machine")
	}
}

// Labels and IDs with quotes or backslashes stay valid DOT.
func TestQuoting(t *testing.T) {
	doc := map[string]any{"resource": map[string]any{"aws_s3_bucket": map[string]any{
		`B"1`: map[string]any{"//": map[string]any{"metadata": map[string]any{"path": `st/Odd"Name\x/Resource`}}},
	}}}
	dot := graph.Build("st", doc).DOT()
	if !strings.Contains(dot, `"aws_s3_bucket.B\"1"`) || !strings.Contains(dot, `Odd\"Name\\x`) {
		t.Errorf("quotes not escaped:\n%s", dot)
	}
}

// Every stack's DOT renders to SVG in process, with no system Graphviz.
func TestRendersSVG(t *testing.T) {
	for name, s := range synthtest.Golden(t) {
		out, err := graph.SVG(context.Background(), graph.Build(name, s.Doc).DOT())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var svg struct {
			XMLName xml.Name
			Titles  []string `xml:"g>g>title"`
		}
		if err := xml.Unmarshal(out, &svg); err != nil || svg.XMLName.Local != "svg" {
			t.Fatalf("%s: not SVG (%v): %.80s", name, err, out)
		}
		// Every resource is drawn: Graphviz titles each node with its ID,
		// the resource's address.
		drawn := map[string]bool{}
		for _, title := range svg.Titles {
			drawn[title] = true
		}
		for _, typ := range s.ResourceTypes() {
			for _, r := range s.Resources(typ) {
				if !drawn[r.Address] {
					t.Errorf("%s: %s is not drawn", name, r.Address)
				}
			}
		}
	}
}
