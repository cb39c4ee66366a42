package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/migrate"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("migrate", command{
		usage: "-p PROJECT -e ENV -state FILE  match an HCL project's state to its stack; write projects/PROJECT/migrations/ENV.yaml",
		run:   runMigrate,
	})
}

func runMigrate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	project := fs.String("p", "", "project name (go run . list)")
	env := fs.String("e", "", "environment: "+core.EnvironmentList())
	statePath := fs.String("state", "", "the old state: `terraform show -json` output or a `terraform state pull` file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *project == "" || *env == "" || *statePath == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: go run . migrate -p <project> -e <env> -state <file> (or make migrate p=<project> e=<env> state=<file>)")
	}
	e, err := core.ParseEnvironment(*env)
	if err != nil {
		return core.Errorf("-e", "use "+core.EnvironmentList(), "%v", err)
	}
	names := core.Names{Project: *project, Environment: e}
	known := false
	for _, n := range stack.Names(projects.All()) {
		known = known || n == names.StackName()
	}
	if !known {
		return core.Errorf("-p", "run `go run . list` to see the stacks", "no stack %s", names.StackName())
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	rep, err := migrate.Run(migrate.Options{
		Root: root, Names: names, StatePath: *statePath,
		Synthesize: func() (map[string]any, error) { return synthesizeOne(root, names.StackName()) },
	})
	if err != nil {
		return err
	}
	migrate.PrintReport(stdout, rep)
	if n := rep.Outstanding(); n > 0 {
		return fmt.Errorf("%d resources are not matched or accepted: pin, import or accept each in %s, then run again", n, rep.File)
	}
	return planMigration(root, names.StackName(), *statePath, rep, stdout)
}

// planMigration has Terraform judge the mapping just written: the stack,
// synthesized with it, planned against the old state. Without terraform
// or the provider it says so and what to do, and the mapping stands
// unjudged.
func planMigration(root, stackName, statePath string, rep *migrate.Report, stdout io.Writer) error {
	tc, err := tfcheck.FindToolchain()
	if tfcheck.IsMissing(err) {
		fmt.Fprintf(stdout, "\nTERRAFORM PLAN NOT RUN: %v\nthe mapping is written but not judged: run `make plan` with the old state before applying (docs/migrating-from-hcl.md, step 6)\n", err)
		return nil
	}
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "talkwise-migrate-plan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	outdir := filepath.Join(work, "cdktf.out")
	app := synth.NewApp(outdir)
	if _, err := synth.Build(app, projects.All(), synth.Options{Root: root, Outdir: outdir, BuildDir: filepath.Join(work, "build"), Only: []string{stackName}}); err != nil {
		return err
	}
	app.Synth()
	scratch := filepath.Join(work, "scratch")
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return err
	}
	check, err := migrate.PlanMapping(context.Background(), tc, rep, statePath, filepath.Join(outdir, "stacks", stackName), scratch)
	if err != nil {
		return err
	}
	migrate.PrintPlan(stdout, check)
	if check.Failed() {
		return fmt.Errorf("terraform's plan of %s against the old state does what %s does not accept (above)", stackName, rep.File)
	}
	return nil
}

// synthesizeOne builds one stack without its mapping file into a temporary
// folder (cdktf.out is left alone) and returns its Terraform JSON.
func synthesizeOne(root, stackName string) (map[string]any, error) {
	outdir, err := os.MkdirTemp("", "talkwise-migrate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(outdir)
	app := synth.NewApp(outdir)
	_, err = synth.Build(app, projects.All(), synth.Options{
		Root: root, Outdir: outdir, BuildDir: outdir + "/build", Only: []string{stackName}, SkipMigrations: true,
	})
	if err != nil {
		return nil, err
	}
	app.Synth()
	return tfjson.ReadStack(outdir, stackName)
}
