package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/golden"
)

func fakeOutdir(t *testing.T, resources string) string {
	t.Helper()
	out := t.TempDir()
	dir := filepath.Join(out, "stacks", "p-dev")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	doc := `{"resource": {"aws_iam_role": {` + resources + `}}}`
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// make golden refuses, writing nothing, when a pinned resource vanished
// without a moved block; ACCEPT_REMOVED=1 unpins it.
func TestRefreshGoldenRefusesToUnpinARemovedResource(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := refreshGolden(dir, fakeOutdir(t, `"A_1": {"name": "a"}, "B_2": {"name": "b"}`), false, &out); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "p-dev.tf.json"))

	err := refreshGolden(dir, fakeOutdir(t, `"A_1": {"name": "a"}`), false, &out)
	if err == nil || !strings.Contains(err.Error(), "p-dev aws_iam_role.B_2") || !strings.Contains(err.Error(), "ACCEPT_REMOVED=1") {
		t.Fatalf("err = %v; want the removed address and how to accept it", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "p-dev.tf.json")); !bytes.Equal(before, after) {
		t.Error("a refused refresh rewrote the golden stack")
	}

	if err := refreshGolden(dir, fakeOutdir(t, `"A_1": {"name": "a"}`), true, &out); err != nil {
		t.Fatal(err)
	}
	pinned, _ := golden.LoadAddresses(dir)
	if len(pinned) != 1 || pinned[0].Address != "aws_iam_role.A_1" {
		t.Errorf("pinned after accepting the removal: %v", pinned)
	}
}
