// Command talkwise-infra synthesizes every project's stacks to Terraform JSON
// in cdktf.out/ (it is the "app" of cdktf.json) and offers small helpers the
// Makefile uses.
//
//	go run .                     synthesize every stack (also `go run . synth`)
//	go run . synth STACK...      synthesize only the named stacks
//	go run . list                print every stack name
//	go run . loggroups STACK     print the log groups of a synthesized stack
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	cmd := "synth"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	defer func() {
		// jsii reports errors as panics; turn them into a message and exit 1.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: %v\n", r)
			code = 1
		}
	}()
	var err error
	switch cmd {
	case "synth":
		var names []string
		names, err = stack.Synth(projects.All(), stack.Options{Only: args})
		if err == nil {
			fmt.Fprintf(stdout, "synthesized %d stacks: %v\n", len(names), names)
		}
	case "list":
		for _, name := range stack.Names(projects.All()) {
			fmt.Fprintln(stdout, name)
		}
	case "loggroups":
		if len(args) != 1 {
			err = fmt.Errorf("usage: loggroups STACK")
			break
		}
		var groups []string
		groups, err = stack.LogGroups(stack.DefaultOutdir(), args[0])
		for _, g := range groups {
			fmt.Fprintln(stdout, g)
		}
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: go run . [synth [STACK...] | list | loggroups STACK]")
	default:
		err = fmt.Errorf("unknown command %q: use synth, list or loggroups", cmd)
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		fmt.Fprintln(stderr, "nothing was written; cdktf.out is unchanged")
		return 1
	}
	return 0
}
