// Package graph draws a synthesized stack: every resource and data source of
// its Terraform JSON as a node, every reference between them (the ${...}
// expressions, and depends_on) as an edge, nodes grouped in boxes by the
// construct that created them (each block's "//".metadata.path). It renders
// Graphviz DOT; `make graph` turns that into SVG with Graphviz's dot.
package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

// Node is one resource or data source.
type Node struct {
	Address string // aws_lambda_function.Fn_1234, data.aws_ssm_parameter.P_5678
	Type    string
	Data    bool
	// Construct is the construct path the node sits in, inside the stack
	// ("Function-x/Role"); Name is what the label calls it.
	Construct []string
	Name      string
}

// Edge says From refers to To. DependsOn marks an explicit depends_on
// rather than an attribute reference.
type Edge struct {
	From, To  string
	DependsOn bool
}

// Cluster is a construct holding two or more nodes (a construct holding one
// node is drawn as that node alone).
type Cluster struct {
	Name     string
	Path     []string
	Nodes    []string // addresses directly in this construct
	Clusters []*Cluster
}

// Graph is a stack's picture.
type Graph struct {
	Stack string
	Nodes map[string]Node
	Edges []Edge
	// Attributes lists, per edge, the attributes of To that From reads
	// ("arn", "name"), shown as the arrow's tooltip.
	Attributes map[Edge][]string
	Root       *Cluster
}

// referencedAttributes maps each address referenced inside v to the
// attributes read from it ("" when the whole resource is referenced).
func referencedAttributes(v any) map[string]map[string]bool {
	refs := map[string]map[string]bool{}
	for _, r := range tfjson.Refs(v) {
		if refs[r.Address] == nil {
			refs[r.Address] = map[string]bool{}
		}
		refs[r.Address][r.Attr] = true
	}
	return refs
}

// Build reads a stack's cdk.tf.json document.
func Build(stack string, doc map[string]any) *Graph {
	g := &Graph{Stack: stack, Nodes: map[string]Node{}}
	fields := map[string]map[string]any{}
	d := tfjson.Doc(doc)
	for _, kind := range []string{"resource", "data"} {
		for _, typ := range d.Types(kind) {
			for _, b := range d.Blocks(kind, typ) {
				n := Node{Type: b.Type, Data: b.Data, Address: b.Address()}
				n.Construct, n.Name = placement(stack, b)
				g.Nodes[n.Address] = n
				fields[n.Address] = b.Fields
			}
		}
	}
	g.Attributes = map[Edge][]string{}
	seen := map[[2]string]bool{}
	for _, from := range g.sortedAddresses() {
		refs := referencedAttributes(fields[from])
		for _, to := range tfjson.Addresses(fields[from]) {
			if to != from && g.Nodes[to].Address != "" && !seen[[2]string{from, to}] {
				seen[[2]string{from, to}] = true
				e := Edge{From: from, To: to}
				g.Edges = append(g.Edges, e)
				for attr := range refs[to] {
					if attr != "" {
						g.Attributes[e] = append(g.Attributes[e], attr)
					}
				}
				sort.Strings(g.Attributes[e])
			}
		}
		deps, _ := fields[from]["depends_on"].([]any)
		for _, d := range deps {
			to, _ := d.(string)
			if g.Nodes[to].Address != "" && !seen[[2]string{from, to}] {
				seen[[2]string{from, to}] = true
				g.Edges = append(g.Edges, Edge{From: from, To: to, DependsOn: true})
			}
		}
	}
	sort.SliceStable(g.Edges, func(i, j int) bool {
		if g.Edges[i].From != g.Edges[j].From {
			return g.Edges[i].From < g.Edges[j].From
		}
		return g.Edges[i].To < g.Edges[j].To
	})
	g.Root = g.clusters()
	return g
}

// placement reads a block's construct path ("stack/Function-x/Role/Resource")
// and returns the construct it sits in (["Function-x", "Role"]) and its name:
// the construct's name for a construct's main "Resource", else its own id.
func placement(stack string, b tfjson.Block) ([]string, string) {
	p := b.Path()
	if p == b.Address() { // no construct path recorded
		return nil, b.ID
	}
	parts := strings.Split(p, "/")
	if len(parts) > 0 && parts[0] == stack {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return nil, b.ID
	}
	construct, leaf := parts[:len(parts)-1], parts[len(parts)-1]
	if leaf == "Resource" && len(construct) > 0 {
		return construct, construct[len(construct)-1]
	}
	return construct, leaf
}

func (g *Graph) sortedAddresses() []string {
	out := make([]string, 0, len(g.Nodes))
	for a := range g.Nodes {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// clusters builds the construct tree, then keeps a box only for constructs
// holding two or more nodes; a node of a dropped box moves up to the nearest
// kept one.
func (g *Graph) clusters() *Cluster {
	type tree struct {
		name     string
		path     []string
		nodes    []string
		children map[string]*tree
		total    int
	}
	root := &tree{children: map[string]*tree{}}
	for _, a := range g.sortedAddresses() {
		t := root
		t.total++
		for i, seg := range g.Nodes[a].Construct {
			c, ok := t.children[seg]
			if !ok {
				c = &tree{name: seg, path: g.Nodes[a].Construct[:i+1], children: map[string]*tree{}}
				t.children[seg] = c
			}
			t = c
			t.total++
		}
		t.nodes = append(t.nodes, a)
	}
	var build func(t *tree, into *Cluster)
	build = func(t *tree, into *Cluster) {
		into.Nodes = append(into.Nodes, t.nodes...)
		names := make([]string, 0, len(t.children))
		for n := range t.children {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			c := t.children[n]
			if c.total >= 2 {
				sub := &Cluster{Name: c.name, Path: c.path}
				build(c, sub)
				into.Clusters = append(into.Clusters, sub)
			} else {
				build(c, into)
			}
		}
		sort.Strings(into.Nodes)
	}
	out := &Cluster{Name: g.Stack}
	build(root, out)
	return out
}

// fill colours a node by service, so a reader tells compute from identity
// from networking at a glance.
func fill(typ string) string {
	t := strings.TrimPrefix(typ, "aws_")
	for _, c := range []struct{ prefix, colour string }{
		{"lambda", "#ffe0b2"}, {"ecs", "#ffe0b2"}, {"ecr", "#ffe0b2"}, {"appautoscaling", "#ffe0b2"},
		{"iam", "#f8d7da"}, {"wafv2", "#f8d7da"},
		{"cloudwatch", "#d4edda"},
		{"scheduler", "#e2d9f3"}, {"sqs", "#e2d9f3"}, {"codedeploy", "#e2d9f3"},
		{"lb", "#d1ecf1"}, {"alb", "#d1ecf1"},
		{"vpc", "#dbe4ff"}, {"subnet", "#dbe4ff"}, {"route", "#dbe4ff"}, {"nat", "#dbe4ff"}, {"eip", "#dbe4ff"},
		{"internet_gateway", "#dbe4ff"}, {"security_group", "#dbe4ff"}, {"flow_log", "#dbe4ff"},
		{"ssm", "#fff3cd"}, {"secretsmanager", "#fff3cd"}, {"kms", "#fff3cd"},
		{"s3", "#e0f2f1"}, {"dynamodb", "#e0f2f1"},
	} {
		if strings.HasPrefix(t, c.prefix) {
			return c.colour
		}
	}
	return "#eeeeee"
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// DOT renders the graph: left to right, a box per construct, solid arrows
// for references and dashed ones for depends_on, data sources dashed.
func (g *Graph) DOT() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", quote(g.Stack))
	fmt.Fprintf(&b, "  label=%s; labelloc=t; fontname=\"Helvetica\"; fontsize=16;\n", quote(g.Stack))
	b.WriteString("  rankdir=LR; nodesep=0.25; ranksep=0.6; compound=true;\n")
	b.WriteString("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("  edge [color=\"#555555\", arrowsize=0.6];\n")
	n := 0
	var write func(c *Cluster, indent string)
	write = func(c *Cluster, indent string) {
		for _, a := range c.Nodes {
			node := g.Nodes[a]
			typ := strings.TrimPrefix(node.Type, "aws_")
			style := ""
			if node.Data {
				typ = "data " + typ
				style = `, style="rounded,filled,dashed"`
			}
			fmt.Fprintf(&b, "%s%s [label=%s, fillcolor=%s, tooltip=%s%s];\n", indent, quote(a),
				quote(node.Name+"\n"+typ), quote(fill(node.Type)), quote(a), style)
		}
		for _, sub := range c.Clusters {
			n++
			fmt.Fprintf(&b, "%ssubgraph cluster_%d {\n", indent, n)
			fmt.Fprintf(&b, "%s  label=%s; tooltip=%s; style=\"rounded\"; color=\"#999999\"; fontname=\"Helvetica\"; fontsize=11;\n",
				indent, quote(sub.Name), quote(strings.Join(sub.Path, "/")))
			write(sub, indent+"  ")
			fmt.Fprintf(&b, "%s}\n", indent)
		}
	}
	write(g.Root, "  ")
	for _, e := range g.Edges {
		tip := e.From + " reads " + e.To + " (" + strings.Join(g.Attributes[e], ", ") + ")"
		style := ""
		if e.DependsOn {
			tip, style = e.From+" depends_on "+e.To, "style=dashed, "
		}
		fmt.Fprintf(&b, "  %s -> %s [%stooltip=%s];\n", quote(e.From), quote(e.To), style, quote(tip))
	}
	b.WriteString("}\n")
	return b.String()
}
