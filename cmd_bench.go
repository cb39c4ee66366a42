package main

import (
	"flag"
	"io"
	"os"

	"github.com/fractallabsdev/talkwise-infra/internal/bench"
)

// `make bench` measures synthesis against the jsii floor (internal/bench,
// docs/performance.md); it changes nothing in the repository.
func init() {
	register("bench", command{
		usage: "[-n N] [-projects N]  measure synthesis against the jsii floor (make bench); changes nothing",
		run: func(args []string, stdout, stderr io.Writer) error {
			fl := flag.NewFlagSet("bench", flag.ContinueOnError)
			fl.SetOutput(stderr)
			reps := fl.Int("n", 5, "repetitions of each figure")
			projects := fl.Int("projects", 50, "generated scheduled-Lambda projects in the scale case (each in 2 environments)")
			if err := fl.Parse(args); err != nil {
				return err
			}
			root, err := os.Getwd()
			if err != nil {
				return err
			}
			return bench.Run(bench.Options{Root: root, Reps: *reps, Projects: *projects}, stdout, stderr)
		},
	})
}
