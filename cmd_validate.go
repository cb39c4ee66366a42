package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

func init() {
	register("validate", command{
		usage: "[-parallel N] [-plan-json DIR] [STACK...]  terraform init, validate and an offline plan of every synthesized stack (make validate)",
		run:   runValidate,
	})
}

func runValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	parallel := fs.Int("parallel", 2, "stacks checked at once")
	planJSON := fs.String("plan-json", "", "write each plan as `terraform show -json` to DIR/<stack>.tfplan.json (make scan)")
	verbose := fs.Bool("v", false, "also print each step's time and the AWS calls each plan made")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tc, err := tfcheck.FindToolchain()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	outdir := tfjson.DefaultOutdir()
	fmt.Fprintf(stdout, "terraform %s, hashicorp/aws %s from %s; AWS answered by a loopback stub\n", tc.Terraform, tc.ProviderVersion, tc.Mirror)
	start := time.Now()
	results, err := tfcheck.Check(ctx, tc, tfcheck.Options{
		Outdir: outdir, Stacks: fs.Args(), Parallel: *parallel, PlanJSONDir: *planJSON,
	})
	if err != nil {
		return err
	}
	if *verbose {
		for _, r := range results {
			fmt.Fprintf(stdout, "%s: init %.1fs, validate %.1fs, plan %.1fs; AWS calls: %v\n",
				r.Stack, r.Init.Seconds(), r.Validate.Seconds(), r.PlanTime.Seconds(), r.Calls)
		}
	}
	if failed := tfcheck.Report(stdout, results, time.Since(start), *parallel); failed > 0 {
		return fmt.Errorf("%d of %d stacks failed Terraform's check (above)", failed, len(results))
	}
	return nil
}
