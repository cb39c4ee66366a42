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
	name, err := parseProjectName(fs, args, "go run . new -pattern lambda my-project")
	if err != nil {
		return err
	}
	if *pattern == "" {
		return fmt.Errorf("pattern: missing; use -pattern lambda (scheduled tasks) or -pattern ecs (APIs and services)")
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	res, err := scaffold.New(scaffold.Options{
		Root: root, Name: name, Pattern: scaffold.Pattern(*pattern), Task: *task,
		ServiceRepo: *repo, ServiceDir: *out, Taken: projectNames(),
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

// parseProjectName parses fs from args and returns the project name, which
// may stand before or after the flags; "" when none is given.
func parseProjectName(fs *flag.FlagSet, args []string, example string) (string, error) {
	var name string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return "", fmt.Errorf("%s takes one project name, got %q; e.g. %s", fs.Name(), fs.Args(), example)
	}
	return name, nil
}

// projectNames lists the registered projects, the names a new one may not take.
func projectNames() []string {
	var names []string
	for _, p := range projects.All() {
		names = append(names, p.Name)
	}
	return names
}
