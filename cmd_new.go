package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fractallabsdev/talkwise-infra/internal/scaffold"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("new", command{
		usage: "-pattern lambda|ecs [-task T] [-repo OWNER/NAME] [-out DIR] NAME  create a project (make new name=... pattern=...)",
		run:   runNew,
	})
}

func runNew(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pattern := fs.String("pattern", "", "lambda (scheduled task) or ecs (API or service)")
	task := fs.String("task", "", "Lambda pattern: the task's short name (default <name>-task)")
	repo := fs.String("repo", "", "ECS pattern: the service's GitHub repository owner/name (default <owner>/<name>)")
	out := fs.String("out", "", "ECS pattern: folder for the service repository's files (default projects/<name>/service)")
	// Accept the name before or after the flags.
	var name string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case name == "" && fs.NArg() == 1:
		name = fs.Arg(0)
	case fs.NArg() > 0:
		return fmt.Errorf("new takes one project name, got %q", fs.Args())
	}
	if *pattern == "" {
		return fmt.Errorf("pattern: missing; use -pattern lambda (scheduled tasks) or -pattern ecs (APIs and services)")
	}
	var taken []string
	for _, p := range projects.All() {
		taken = append(taken, p.Name)
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	res, err := scaffold.New(scaffold.Options{
		Root: root, Name: name, Pattern: scaffold.Pattern(*pattern), Task: *task,
		ServiceRepo: *repo, ServiceDir: *out, Taken: taken,
	})
	if err != nil {
		return fmt.Errorf("%w\nno files were written", err)
	}
	fmt.Fprintln(stdout, "created:")
	for _, f := range res.Files {
		fmt.Fprintln(stdout, "  "+f)
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, res.NextSteps)
	return nil
}
