package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fractallabsdev/talkwise-infra/internal/scaffold"
)

func init() {
	register("service", command{
		usage: "[-repo OWNER/NAME] [-out DIR] NAME  write an ECS project's service repository files again (make service p=...)",
		run:   runService,
	})
}

// runService (re)writes the files an ECS project's service repository needs
// (Dockerfile, deploy workflows, scripts/release.sh) from the scaffold's
// templates: for a project made before they existed, or after they change.
func runService(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repo := fs.String("repo", "", "the service's GitHub repository owner/name (default <owner>/<name>)")
	out := fs.String("out", "", "folder for the files (default projects/<name>/service)")
	example := "go run . service agent-factory"
	name, err := parseProjectName(fs, args, example)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("service takes one project name, e.g. %s", example)
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	changed, err := scaffold.WriteService(scaffold.Options{Root: root, Name: name, ServiceRepo: *repo, ServiceDir: *out, Taken: projectNames()})
	if err != nil {
		return err
	}
	if len(changed) == 0 {
		fmt.Fprintln(stdout, "service files are up to date")
	}
	for _, f := range changed {
		fmt.Fprintln(stdout, "wrote "+f)
	}
	return nil
}
