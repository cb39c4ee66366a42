package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/golden"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

func init() {
	register("golden", command{
		usage: "[-accept-removed]  synthesize every stack and refresh " + golden.Dir + " (make golden)",
		run: func(args []string, stdout, stderr io.Writer) error {
			fs := flag.NewFlagSet("golden", flag.ContinueOnError)
			fs.SetOutput(stderr)
			acceptRemoved := fs.Bool("accept-removed", false, "drop pinned resource addresses that are gone without a moved block (their resources will be destroyed)")
			if err := fs.Parse(args); err != nil {
				return err
			}
			root, err := os.Getwd()
			if err != nil {
				return err
			}
			if !testing.Testing() {
				cleanup, err := privateTempDir()
				if err != nil {
					return err
				}
				defer cleanup()
			}
			work, err := os.MkdirTemp("", "talkwise-golden-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(work)
			outdir := filepath.Join(work, "cdktf.out")
			if _, err := synth.Synth(projects.All(), synth.Options{Root: root, Outdir: outdir}); err != nil {
				return fmt.Errorf("%w\nthe golden files are unchanged", err)
			}
			return refreshGolden(filepath.Join(root, golden.Dir), outdir, *acceptRemoved, stdout)
		},
	})
}

// refreshGolden writes the stacks synthesized into outdir as the golden
// snapshot in dir. It refuses, writing nothing, when a pinned resource
// address disappeared without a moved block, unless acceptRemoved.
func refreshGolden(dir, outdir string, acceptRemoved bool, stdout io.Writer) error {
	snap, err := golden.Take(outdir)
	if err != nil {
		return err
	}
	pinned, err := golden.LoadAddresses(dir)
	if err != nil {
		return err
	}
	gone, err := golden.Unmoved(pinned, snap)
	if err != nil {
		return err
	}
	if len(gone) > 0 && !acceptRemoved {
		var lines []string
		for _, a := range gone {
			lines = append(lines, "  "+a.String())
		}
		return fmt.Errorf("these resources are no longer in their stacks and no moved block covers them, so Terraform would destroy them:\n%s\n"+
			"if a construct ID changed, keep the old one or add a moved block (resource.MoveFromId); "+
			"if the removal is intended, run `make golden ACCEPT_REMOVED=1`; the golden files are unchanged", strings.Join(lines, "\n"))
	}
	addrs, err := snap.Addresses()
	if err != nil {
		return err
	}
	// Addresses a moved block still covers stay pinned: they are what the
	// moved block protects until it is deployed and removed.
	removed := map[golden.Address]bool{}
	for _, a := range gone {
		removed[a] = true
	}
	for _, a := range pinned {
		if !removed[a] {
			addrs = append(addrs, a)
		}
	}
	if err := snap.Write(dir); err != nil {
		return err
	}
	if err := golden.WriteAddresses(dir, addrs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d stacks to %s", len(snap.Stacks), dir)
	if len(gone) > 0 {
		fmt.Fprintf(stdout, "; unpinned %d removed resources", len(gone))
	}
	fmt.Fprintln(stdout)
	return nil
}
