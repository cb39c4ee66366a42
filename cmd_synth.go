package main

import (
	"fmt"
	"io"

	"github.com/fractallabsdev/talkwise-infra/constructs/fingerprint"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("synth", command{
		usage: "[STACK...]  synthesize every stack (or the named ones) into cdktf.out/, all or nothing",
		run: func(args []string, stdout, stderr io.Writer) error {
			// Fingerprint the inputs before reading any of them: a file
			// edited mid-run then differs from the fingerprint, and the next
			// `make synth` runs again instead of trusting mixed output.
			inputs, err := fingerprint.Inputs(".", stack.DefaultOutdir(), args)
			if err != nil {
				return err
			}
			names, err := stack.Synth(projects.All(), stack.Options{Only: args, BeforeSwap: inputs.Seal})
			if err != nil {
				return fmt.Errorf("%w\nnothing was written; the previous cdktf.out is unchanged", err)
			}
			fmt.Fprintf(stdout, "synthesized %d stacks into cdktf.out: %v\n", len(names), names)
			return nil
		},
	})
	register("list", command{
		usage: "print every stack name",
		run: func(args []string, stdout, stderr io.Writer) error {
			for _, name := range stack.Names(projects.All()) {
				fmt.Fprintln(stdout, name)
			}
			return nil
		},
	})
	register("loggroups", command{
		usage: "STACK  print the log groups of a synthesized stack (used by make logs)",
		run: func(args []string, stdout, stderr io.Writer) error {
			if len(args) != 1 {
				return fmt.Errorf("usage: loggroups STACK")
			}
			groups, err := stack.LogGroups(stack.DefaultOutdir(), args[0])
			for _, g := range groups {
				fmt.Fprintln(stdout, g)
			}
			return err
		},
	})
}
