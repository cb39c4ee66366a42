package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/graph"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("graph", command{
		usage: "[-o FILE.svg|FILE.dot] STACK  picture of a synthesized stack's resources and references: SVG, or Graphviz DOT (make graph)",
		run: func(args []string, stdout, stderr io.Writer) error {
			fs := flag.NewFlagSet("graph", flag.ContinueOnError)
			fs.SetOutput(stderr)
			out := fs.String("o", "", "write to this file instead of standard output: SVG when it ends in .svg, else DOT")
			outdir := fs.String("outdir", tfjson.DefaultOutdir(), "where the synthesized stacks are")
			if err := fs.Parse(args); err != nil {
				return err
			}
			if fs.NArg() != 1 {
				return fmt.Errorf("usage: graph [-o FILE] STACK (run `go run . list` for the stacks)")
			}
			if !contains(stack.Names(projects.All()), fs.Arg(0)) {
				return fmt.Errorf("unknown stack %q: run `go run . list` for the stacks", fs.Arg(0))
			}
			doc, err := tfjson.ReadStack(*outdir, fs.Arg(0))
			if err != nil {
				return err
			}
			dot := graph.Build(fs.Arg(0), doc).DOT()
			if *out == "" {
				_, err = io.WriteString(stdout, dot)
				return err
			}
			if strings.HasSuffix(*out, ".svg") {
				svg, err := graph.SVG(context.Background(), dot)
				if err != nil {
					return err
				}
				return os.WriteFile(*out, svg, 0o644)
			}
			return os.WriteFile(*out, []byte(dot), 0o644)
		},
	})
}
