package bench

import (
	"fmt"
	"io"
)

// report prints every figure with its ratios to the floor, the Lambda zip
// sizes and the targets met or missed.
func report(stdout io.Writer, a apps, f figures) {
	fmt.Fprintf(stdout, "compile the app, warm Go cache (excluded below): %s\n", secs(a.compile))
	fmt.Fprintf(stdout, "compile the scale case's app (excluded below): %s\n\n", secs(a.scaleCompile))
	fmt.Fprintln(stdout, "wall time, then CPU time (user+system of the whole process tree); x fl = ratio to the floor")
	fmt.Fprintf(stdout, "%-34s %4s %8s %8s %6s %6s | %8s %8s %6s %6s | %8s\n", "figure", "runs",
		"min", "median", "x fl", "x fl", "cpu min", "cpu med", "x fl", "x fl", "peak mem")
	floor := f.floor
	for _, fig := range []*figure{f.floor, f.full, f.bundling, f.noop, f.scale} {
		peak, cpuMin, cpuMed, cpuRMin, cpuRMed := "-", "-", "-", "-", "-"
		if fig.peak() > 0 {
			peak = fmt.Sprintf("%d MB", fig.peak()>>20)
			cpuMin, cpuMed = secs(fig.cpuMin()), secs(fig.cpuMed())
			cpuRMin = fmt.Sprintf("%.2f", ratio(fig.cpuMin(), floor.cpuMin()))
			cpuRMed = fmt.Sprintf("%.2f", ratio(fig.cpuMed(), floor.cpuMed()))
		}
		fmt.Fprintf(stdout, "%-34s %4d %8s %8s %6.2f %6.2f | %8s %8s %6s %6s | %8s\n", fig.name, len(fig.runs),
			secs(fig.min()), secs(fig.median()), ratio(fig.min(), floor.min()), ratio(fig.median(), floor.median()),
			cpuMin, cpuMed, cpuRMin, cpuRMed, peak)
	}
	fmt.Fprintln(stdout, "\nLambda zips:")
	for _, z := range f.zips {
		fmt.Fprintf(stdout, "  %-60s %6.1f KB\n", z.dir, float64(z.size)/1024)
	}
	printTargets(stdout, f)
}

// printTargets says which of issue 7's targets the figures meet.
func printTargets(stdout io.Writer, f figures) {
	fmt.Fprintln(stdout, "\ntargets:")
	peak := max(f.floor.peak(), f.full.peak(), f.scale.peak())
	biggest := f.zips[0]
	for _, z := range f.zips {
		if z.size > biggest.size {
			biggest = z
		}
	}
	check := func(ok bool, what string, a ...any) {
		mark := "met   "
		if !ok {
			mark = "MISSED"
		}
		fmt.Fprintf(stdout, "  %s %s\n", mark, fmt.Sprintf(what, a...))
	}
	check(ratio(f.full.min(), f.floor.min()) <= targetFullRatio, "full synth <= %.2f x floor: %.2f (min), %.2f (median); CPU %.2f (min)",
		targetFullRatio, ratio(f.full.min(), f.floor.min()), ratio(f.full.median(), f.floor.median()), ratio(f.full.cpuMin(), f.floor.cpuMin()))
	check(f.noop.median() < targetNoop, "no-op make synth < %s: %s (median)", secs(targetNoop), secs(f.noop.median()))
	check(f.bundling.median() < targetBundling, "all bundling < %s: %s (median)", secs(targetBundling), secs(f.bundling.median()))
	check(biggest.size < targetZipBytes, "each zip < %d KB: largest %.1f KB", targetZipBytes/1024, float64(biggest.size)/1024)
	check(ratio(f.scale.min(), f.floor.min()) <= targetScaleRatio, "scale synth <= %.1f x floor: %.2f (min), %.2f (median); CPU %.2f (min)",
		targetScaleRatio, ratio(f.scale.min(), f.floor.min()), ratio(f.scale.median(), f.floor.median()), ratio(f.scale.cpuMin(), f.floor.cpuMin()))
	check(peak < targetPeakBytes, "peak memory < %d MB: %d MB", targetPeakBytes>>20, peak>>20)
}
