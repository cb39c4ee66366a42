// Command talkwise-infra synthesizes every project's stacks to Terraform JSON
// in cdktf.out/ (it is the "app" of cdktf.json) and hosts the helpers the
// Makefile calls. `go run . help` lists the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/fractallabsdev/talkwise-infra/internal/cleanup"
)

// command is one subcommand. Each lives in its own cmd_*.go file and
// registers itself, so adding one never touches another.
type command struct {
	usage string
	run   func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("command registered twice: " + name)
	}
	commands[name] = c
}

func main() {
	withPrivateTempDir()
	// SIGINT and SIGTERM remove this run's temporary and staging folders
	// (internal/cleanup); the output swap finishes first if it has begun.
	stop := cleanup.HandleSignals()
	restore, err := privateTempDir()
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: creating a temporary folder: %v\n", err)
		os.Exit(1)
	}
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	restore()
	stop()
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	name := "synth"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	defer func() {
		// jsii reports errors as panics; turn them into a message and exit 1.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: %v\n", r)
			code = 1
		}
	}()
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "error: unknown command %q\n", name)
		usage(stderr)
		return 2
	}
	if err := c.run(args, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: go run . [command] (default: synth)")
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].usage)
	}
}
