package migrate

import (
	"fmt"
	"io"
	"strings"
)

// PrintReport tells the user what was matched and what is left to decide.
func PrintReport(w io.Writer, rep *Report) {
	res := rep.Result
	fmt.Fprintf(w, "old state: %d managed resources (%s; %d data sources skipped); new stack: %d resources\n",
		len(rep.State.Resources), rep.State.Format, rep.State.DataSources, len(rep.New))
	fmt.Fprintf(w, "matched: %d moves, %d unchanged addresses; %d imports\n", len(res.Moves), len(res.Unchanged), len(rep.Imports))
	for _, d := range rep.Dropped {
		fmt.Fprintf(w, "dropped from the previous mapping: %s\n", d)
	}
	if len(rep.Forgotten) > 0 {
		fmt.Fprintf(w, "forgotten (removed from state, left in AWS): %d\n", len(rep.Forgotten))
		for _, a := range rep.Forgotten {
			fmt.Fprintf(w, "  %s (%s)\n", a.Address, a.Reason)
		}
	}
	if len(rep.AcceptedDestroy) > 0 || len(rep.AcceptedCreate) > 0 {
		fmt.Fprintf(w, "accepted: %d destroyed, %d created\n", len(rep.AcceptedDestroy), len(rep.AcceptedCreate))
		for _, a := range rep.AcceptedDestroy {
			fmt.Fprintf(w, "  destroy %s (%s)\n", a.Address, a.Reason)
		}
		for _, a := range rep.AcceptedCreate {
			fmt.Fprintf(w, "  create  %s (%s)\n", a.Address, a.Reason)
		}
	}
	if len(res.Ambiguous) > 0 {
		fmt.Fprintln(w, "ambiguous, not guessed (pin the right one as a move in the mapping file):")
		for _, a := range res.Ambiguous {
			fmt.Fprintf(w, "  %s could be any of: %s\n    (all have %s)\n", a.Address, strings.Join(a.Candidates, ", "), a.On)
		}
	}
	if len(rep.OpenDestroy) > 0 {
		fmt.Fprintln(w, "would be DESTROYED (no counterpart in the new stack; pin a move, forget it to keep it in AWS, or accept under accept.destroy):")
		for _, u := range rep.OpenDestroy {
			fmt.Fprintf(w, "  %s: %s\n", u.Address, u.Reason)
		}
	}
	if len(rep.OpenCreate) > 0 {
		fmt.Fprintln(w, "would be CREATED (no counterpart in the old state; accept under accept.create, import it, or pin a move):")
		for _, u := range rep.OpenCreate {
			fmt.Fprintf(w, "  %s: %s\n", u.Address, u.Reason)
		}
	}
	fmt.Fprintf(w, "wrote %s\n", rep.File)
	if rep.Outstanding() == 0 {
		fmt.Fprintf(w, "next: review and commit it; Terraform's plan of the stack with it against the old state follows where terraform is installed, "+
			"and make plan against the real state before applying (docs/migrating-from-hcl.md, step 6)\n")
	}
}
