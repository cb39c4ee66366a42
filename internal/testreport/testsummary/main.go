// Command testsummary reads `go test -json` on stdin and prints the usual
// package lines, failed tests' output, and every skipped test with its
// reason; it exits 1 when anything failed. `make test` builds it into
// .tools/ and pipes the tests through it.
package main

import (
	"fmt"
	"os"

	"github.com/fractallabsdev/talkwise-infra/internal/testreport"
)

func main() {
	sum, err := testreport.Summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	if !sum.OK() {
		os.Exit(1)
	}
}
