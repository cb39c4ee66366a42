// Command synthcheck is the quick test `make synth` runs first: it exits 0
// when cdktf.out already matches every input (nothing to do), 1 when it must
// be synthesized (saying why), 2 when it could not tell. It imports no jsii
// package, so `go run` builds it in a second once and then starts in
// milliseconds, instead of compiling the app and starting the jsii runtime.
//
// Usage (from the repository root): go run ./internal/fingerprint/synthcheck [STACK...]
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fractallabsdev/talkwise-infra/internal/cleanup"
	"github.com/fractallabsdev/talkwise-infra/internal/fingerprint"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
)

func main() {
	outdir := tfjson.DefaultOutdir()
	// The next synth finishes or undoes an interrupted one and removes its
	// leftovers, so their presence means a synth must run.
	if left := leftovers(outdir); left != "" {
		fmt.Printf("synthesizing: %s is left from an interrupted synthesis\n", left)
		os.Exit(1)
	}
	reason, err := fingerprint.Check(".", outdir, os.Args[1:])
	switch {
	case err != nil:
		fmt.Printf("synthesizing: could not compare %s with its inputs: %v\n", outdir, err)
		os.Exit(2)
	case reason != "":
		fmt.Printf("synthesizing: %s\n", reason)
		os.Exit(1)
	}
	fmt.Printf("%s is up to date: no input changed since it was synthesized (make synth FORCE=1 re-synthesizes)\n", outdir)
}

// leftovers names what an interrupted synthesis left beside outdir
// (internal/synth's swap), or "".
func leftovers(outdir string) string {
	if _, err := os.Stat(outdir + ".old"); err == nil {
		return outdir + ".old"
	}
	if stale := cleanup.Stale(filepath.Dir(outdir), "."+filepath.Base(outdir)+".staging-"); len(stale) > 0 {
		return stale[0]
	}
	return ""
}
