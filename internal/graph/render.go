package graph

import (
	"bytes"
	"context"
	"fmt"

	"github.com/goccy/go-graphviz"
)

// SVG renders DOT to SVG with Graphviz compiled to WebAssembly and run in
// process (github.com/goccy/go-graphviz), so `make graph` needs no system
// Graphviz. It is the `dot` layout, as `dot -Tsvg` would draw it.
func SVG(ctx context.Context, dot string) ([]byte, error) {
	g, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting Graphviz: %w", err)
	}
	defer g.Close()
	parsed, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return nil, fmt.Errorf("parsing the DOT: %w", err)
	}
	defer parsed.Close()
	var out bytes.Buffer
	if err := g.Render(ctx, parsed, graphviz.SVG, &out); err != nil {
		return nil, fmt.Errorf("rendering SVG: %w", err)
	}
	return out.Bytes(), nil
}
