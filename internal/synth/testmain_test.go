package synth_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain removes every folder holding a terraform binary from PATH before
// the jsii kernel starts, so these tests prove synthesis needs no terraform
// (cdktf would otherwise run `terraform version` for import and moved blocks).
func TestMain(m *testing.M) {
	var keep []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "terraform")); err == nil {
			continue
		}
		keep = append(keep, dir)
	}
	os.Setenv("PATH", strings.Join(keep, string(os.PathListSeparator)))
	os.Exit(m.Run())
}
