package tfcheck_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/tfcheck"
)

// writeStack writes a minimal stack as the synth lays it out: the provider
// pinned as every stack pins it, and resources.
func writeStack(t *testing.T, outdir, name string, resources map[string]any) {
	t.Helper()
	doc := map[string]any{
		"terraform": map[string]any{"required_providers": map[string]any{"aws": map[string]any{"source": "aws", "version": ">= 5.99.1, < 6.0.0"}}},
		"provider":  map[string]any{"aws": []any{map[string]any{"region": "us-east-2"}}},
		"resource":  resources,
	}
	raw, _ := json.Marshal(doc)
	dir := filepath.Join(outdir, "stacks", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Stacks are checked in one shared terraform run, and a stack that breaks
// it does not take its neighbour's verdict with it: the broken one is blamed
// for its own error, the other is planned again on its own and passes.
func TestBrokenStackInASharedRunHidesNoOtherVerdict(t *testing.T) {
	tc := toolchain(t)
	outdir := t.TempDir()
	writeStack(t, outdir, "good", map[string]any{"aws_sns_topic": map[string]any{"Topic": map[string]any{"name": "good-topic"}}})
	// A FIFO topic's name must end in .fifo: the provider refuses it at plan.
	writeStack(t, outdir, "bad", map[string]any{"aws_sns_topic": map[string]any{"Topic": map[string]any{"name": "bad-topic", "fifo_topic": true}}})
	results, err := tfcheck.Check(context.Background(), tc, tfcheck.Options{Outdir: outdir, Scratch: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*tfcheck.Result{}
	for _, r := range results {
		byName[r.Stack] = r
	}
	good, bad := byName["good"], byName["bad"]
	if good.Failed() || !good.Valid || good.Plan == nil || good.Plan.Counts.Create != 1 {
		t.Errorf("good: valid %v, plan %+v, problems %q; want it valid and planned with its one topic", good.Valid, good.Plan, good.Problems)
	}
	if !bad.Failed() || !strings.Contains(strings.Join(bad.Problems, "\n"), "invalid topic name: bad-topic (aws_sns_topic.Topic)") {
		t.Errorf("bad: problems %q; want the provider's refusal of the topic name", bad.Problems)
	}
	if len(good.Calls) == 0 {
		t.Error("good: no AWS calls recorded; its provider signs with its own key and the stub keeps its calls")
	}
}
