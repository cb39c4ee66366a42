package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/graph"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("graph", command{
		usage: "[-o FILE] STACK  Graphviz DOT of a synthesized stack's resources and references (make graph)",
		run: func(args []string, stdout, stderr io.Writer) error {
			fs := flag.NewFlagSet("graph", flag.ContinueOnError)
			fs.SetOutput(stderr)
			out := fs.String("o", "", "write the DOT to this file instead of standard output")
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
			return os.WriteFile(*out, []byte(dot), 0o644)
		},
	})
}
