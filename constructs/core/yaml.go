package core

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Bounds on every YAML file synthesis reads (schedules.yaml, migration
// mappings). A schedules file is a few kilobytes; these leave room for
// hundreds of schedules and refuse a hostile file (one a pull request may
// contribute) in well under a second instead of letting it eat memory until
// the process is killed.
//
// goccy/go-yaml, the reader, has no bound of its own on alias expansion (it
// copies an anchor's value at every alias, so ten nested anchors of ten
// aliases each decode to 10^10 values: "billion laughs"), and its parser
// slows quadratically with nesting depth (10,000 nested "[" take seconds).
// So the bytes are counted first, the nesting is measured on the token
// stream before the parser runs, and the alias expansion is counted on the
// syntax tree before anything decodes it.
const (
	MaxYAMLBytes = 256 << 10
	MaxYAMLDepth = 64
	// MaxYAMLNodes counts values with every alias expanded.
	MaxYAMLNodes = 100_000
)

// ParseYAML checks raw against the bounds above and returns its syntax
// tree. file names the file in errors. Decoding raw afterwards (yaml.Unmarshal)
// cannot expand to more than MaxYAMLNodes values.
func ParseYAML(file string, raw []byte) (*ast.File, error) {
	if len(raw) > MaxYAMLBytes {
		return nil, &ConfigError{File: file, Problem: fmt.Sprintf("is %d bytes; a YAML file read at synth may be at most %d", len(raw), MaxYAMLBytes),
			Fix: "split it or remove what it does not need (schedules files are a few kilobytes)"}
	}
	if err := checkTokenDepth(file, lexer.Tokenize(string(raw))); err != nil {
		return nil, err
	}
	f, err := parser.ParseBytes(raw, 0)
	if err != nil {
		return nil, err // the caller reports syntax errors with its own context
	}
	w := &yamlWalker{file: file, anchors: map[string]yamlSize{}}
	for _, doc := range f.Docs {
		if _, err := w.size(doc.Body, 1); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func depthError(file string, line int) error {
	return &ConfigError{File: file, Line: line, Problem: fmt.Sprintf("nests deeper than %d levels", MaxYAMLDepth),
		Fix: "flatten the structure; nothing read at synth needs that depth"}
}

// checkTokenDepth measures nesting from tokens alone: flow collections by
// their brackets, block collections by indentation (a child sits at a
// greater column than its parent, so a stack of columns bounds the depth).
// It runs before the parser, whose cost grows with the square of the depth.
func checkTokenDepth(file string, tokens token.Tokens) error {
	flow := 0
	var columns []int
	block := func(col int) {
		for len(columns) > 0 && columns[len(columns)-1] >= col {
			columns = columns[:len(columns)-1]
		}
		columns = append(columns, col)
	}
	for i, tk := range tokens {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			if flow > 0 {
				flow--
			}
		case token.SequenceEntryType, token.MappingKeyType:
			if flow == 0 {
				block(tk.Position.Column)
			}
		case token.MappingValueType:
			if flow == 0 && i > 0 {
				block(tokens[i-1].Position.Column)
			}
		}
		if flow+len(columns) > MaxYAMLDepth {
			return depthError(file, tk.Position.Line)
		}
	}
	return nil
}

// yamlSize is a subtree's value count with aliases expanded, and its height.
type yamlSize struct{ nodes, height int }

type yamlWalker struct {
	file    string
	anchors map[string]yamlSize
	total   int
}

// size counts n's values with aliases expanded, refusing as soon as the
// running total or the depth passes its bound, so a bomb costs only the
// walk of the (small) file that describes it.
func (w *yamlWalker) size(n ast.Node, depth int) (yamlSize, error) {
	if n == nil {
		return yamlSize{}, nil
	}
	if depth > MaxYAMLDepth {
		return yamlSize{}, depthError(w.file, line(n))
	}
	var s yamlSize
	add := func(children ...ast.Node) error {
		for _, c := range children {
			cs, err := w.size(c, depth+1)
			if err != nil {
				return err
			}
			s.nodes += cs.nodes
			s.height = max(s.height, cs.height)
		}
		return nil
	}
	var err error
	switch t := n.(type) {
	case *ast.AliasNode:
		name := t.Value.GetToken().Value
		a, ok := w.anchors[name]
		if !ok {
			return yamlSize{}, nil // an unknown alias is the parser's error to report
		}
		if depth+a.height > MaxYAMLDepth {
			return yamlSize{}, depthError(w.file, line(n))
		}
		w.total += a.nodes
		if w.total > MaxYAMLNodes {
			return yamlSize{}, &ConfigError{File: w.file, Line: line(n),
				Problem: fmt.Sprintf("expands to more than %d values once its aliases (*%s and others) are resolved", MaxYAMLNodes, name),
				Fix:     "write the values out, or use fewer and smaller anchors; aliases that multiply each other are refused"}
		}
		return a, nil
	case *ast.AnchorNode:
		if s, err = w.size(t.Value, depth); err != nil {
			return yamlSize{}, err
		}
		w.anchors[t.Name.GetToken().Value] = s
		return s, nil
	case *ast.TagNode:
		return w.size(t.Value, depth)
	case *ast.MappingNode:
		for _, v := range t.Values {
			if err = add(v.Key, v.Value); err != nil {
				return yamlSize{}, err
			}
		}
	case *ast.MappingValueNode:
		err = add(t.Key, t.Value)
	case *ast.MappingKeyNode:
		err = add(t.Value)
	case *ast.SequenceNode:
		err = add(t.Values...)
	case *ast.SequenceEntryNode:
		err = add(t.Value)
	}
	if err != nil {
		return yamlSize{}, err
	}
	s.nodes++
	s.height++
	w.total++
	if w.total > MaxYAMLNodes {
		return yamlSize{}, &ConfigError{File: w.file, Line: line(n),
			Problem: fmt.Sprintf("has more than %d values", MaxYAMLNodes), Fix: "split it; schedules files hold a few dozen values"}
	}
	return s, nil
}

func line(n ast.Node) int {
	if tk := n.GetToken(); tk != nil {
		return tk.Position.Line
	}
	return 0
}

// YAMLLine finds the line of a YAML path such as $.schedules[1].cron in f,
// falling back to the nearest parent that exists; 0 when none does.
func YAMLLine(f *ast.File, path string) int {
	if f == nil {
		return 0
	}
	for p := path; p != "" && p != "$"; {
		if yp, err := yaml.PathString(p); err == nil {
			if node, err := yp.FilterFile(f); err == nil && node != nil && node.GetToken() != nil {
				return node.GetToken().Position.Line
			}
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return 0
}
