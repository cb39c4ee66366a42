// Package tfjson reads a synthesized stack (cdk.tf.json): its resource and
// data blocks in a stable order, and typed reads of their fields. The policy
// checks, the cost estimate and the test helper all read stacks through it.
package tfjson

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Doc is a parsed cdk.tf.json.
type Doc map[string]any

// Block is one resource or data source.
type Block struct {
	Type, ID string
	// Data is true for a data source.
	Data   bool
	Fields map[string]any
}

// Address is the block's Terraform address ("aws_x.id" or "data.aws_x.id").
func (b Block) Address() string {
	if b.Data {
		return "data." + b.Type + "." + b.ID
	}
	return b.Type + "." + b.ID
}

// Path is the construct path cdktf records in the block's metadata
// ("<stack>/Function-x/Role/Resource"), or the address when there is none.
func (b Block) Path() string {
	meta, _ := b.Fields["//"].(map[string]any)
	md, _ := meta["metadata"].(map[string]any)
	if p, ok := md["path"].(string); ok {
		return p
	}
	return b.Address()
}

// Blocks returns the blocks of kind ("resource" or "data") and type, ordered
// by logical ID.
func (d Doc) Blocks(kind, typ string) []Block {
	all, _ := d[kind].(map[string]any)
	byID, _ := all[typ].(map[string]any)
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]Block, 0, len(ids))
	for _, id := range ids {
		fields, _ := byID[id].(map[string]any)
		out = append(out, Block{Type: typ, ID: id, Data: kind == "data", Fields: fields})
	}
	return out
}

// Resources returns the resources of a type.
func (d Doc) Resources(typ string) []Block { return d.Blocks("resource", typ) }

// DataSources returns the data sources of a type.
func (d Doc) DataSources(typ string) []Block { return d.Blocks("data", typ) }

// Types lists the types present of kind, sorted.
func (d Doc) Types(kind string) []string {
	all, _ := d[kind].(map[string]any)
	out := make([]string, 0, len(all))
	for t := range all {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Str returns a string field, or "".
func Str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// Num returns a numeric field, which the JSON may hold as a number or as a
// string ("512"), and whether it was set.
func Num(m map[string]any, key string) (float64, bool) {
	switch v := m[key].(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// String renders a block for messages.
func (b Block) String() string { return fmt.Sprintf("%s (%s)", b.Path(), b.Address()) }

// DefaultOutdir is where synthesized stacks are read from: $CDKTF_OUTDIR
// (set by `cdktf synth`) or cdktf.out.
func DefaultOutdir() string {
	if d := os.Getenv("CDKTF_OUTDIR"); d != "" {
		return d
	}
	return "cdktf.out"
}

// StackFile is the path of a synthesized stack's Terraform JSON.
func StackFile(outdir, stackName string) string {
	return filepath.Join(outdir, "stacks", stackName, "cdk.tf.json")
}

// ReadStack parses a synthesized stack.
func ReadStack(outdir, stackName string) (Doc, error) {
	raw, err := os.ReadFile(StackFile(outdir, stackName))
	if err != nil {
		return nil, fmt.Errorf("stack %s is not synthesized (%v): run `make synth`", stackName, err)
	}
	return Parse(StackFile(outdir, stackName), raw)
}

// ReadFile parses a stack's Terraform JSON at path.
func ReadFile(path string) (Doc, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, raw)
}

// Parse parses a stack's Terraform JSON; name says where it came from in
// the error.
func Parse(name string, raw []byte) (Doc, error) {
	var doc Doc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return doc, nil
}

// flowLogGroupPrefix starts the name of a VPC's flow-log group
// (constructs/networking): network records, not a service's output.
const flowLogGroupPrefix = "/aws/vpc/flow-logs/"

// ApplicationLogGroups lists the names of the CloudWatch log groups the
// stack creates that hold application output, sorted: every group but VPC
// flow logs, which would drown a service's lines in `make logs`.
func (d Doc) ApplicationLogGroups() []string {
	var names []string
	for _, g := range d.Resources("aws_cloudwatch_log_group") {
		if name := Str(g.Fields, "name"); name != "" && !strings.HasPrefix(name, flowLogGroupPrefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Move is one `moved` block: Terraform re-addresses From's state to To.
type Move struct{ From, To string }

// Moves returns the stack's moved blocks in file order.
func (d Doc) Moves() []Move {
	list, _ := d["moved"].([]any)
	var out []Move
	for _, m := range list {
		fields, _ := m.(map[string]any)
		out = append(out, Move{From: Str(fields, "from"), To: Str(fields, "to")})
	}
	return out
}

// List reads a nested block as a list of its instances: cdktf writes a
// single block as an object, Terraform's plan and state as a one-element
// list. Anything else is no block.
func List(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case map[string]any:
		return []any{x}
	}
	return nil
}
