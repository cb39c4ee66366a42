package cost

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Report prints the estimates: per stack, one row per priced resource, then
// the stack's total, then the grand total, the prices' date and the
// assumptions, so a reader can redo any figure by hand.
func Report(w io.Writer, estimates []StackEstimate, prices PriceList, a Assumptions) error {
	fmt.Fprintf(w, "Monthly cost estimate, %s on-demand list prices as of %s (%s), 730 hours a month.\n", prices.Region, prices.AsOf, PricesFile)
	fmt.Fprintf(w, "Assumptions (flags of `go run . cost`): %s.\n", a)
	fmt.Fprintln(w, "Free tiers and data transfer to the internet are not included.")
	var low, high float64
	for _, s := range estimates {
		l, h := s.Total()
		low, high = low+l, high+h
		fmt.Fprintf(w, "\n%s  %s\n", s.Stack, span(l, h))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, line := range s.Lines {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", span(line.Low, line.High), line.Service, line.Path, line.Detail)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if s.NoCharge > 0 {
			fmt.Fprintf(w, "  + %d resources with no standing charge (IAM, networking, listeners, per-request services at negligible volume)\n", s.NoCharge)
		}
		for _, t := range s.NotEstimated {
			fmt.Fprintf(w, "  ! not estimated: %s (no price for this type)\n", t)
		}
		for _, n := range s.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	if len(estimates) > 1 {
		fmt.Fprintf(w, "\ntotal  %s\n", span(low, high))
	}
	return nil
}

func span(low, high float64) string {
	if money(low) == money(high) {
		return money(low)
	}
	return money(low) + "–" + money(high)
}
