package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const stackJSON = `{
  "resource": {
    "aws_iam_role": {
      "Fn_Role_1": {"name": "p-dev-fn"}
    },
    "aws_lambda_function": {
      "Fn_2": {"function_name": "p-dev-fn", "filename": "assets/Fn/zip"}
    }
  },
  "data": {"aws_ssm_parameter": {"P_3": {"name": "/p/dev/k"}}}
}
`

// outdir writes a synthesized-looking output with one stack, p-dev.
func outdir(t *testing.T, json string, zip string) string {
	t.Helper()
	out := t.TempDir()
	dir := filepath.Join(out, "stacks", "p-dev")
	if err := os.MkdirAll(filepath.Join(dir, "assets", "Fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), []byte(json), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "assets", "Fn", "zip"), []byte(zip), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func take(t *testing.T, out string) *Snapshot {
	t.Helper()
	s, err := Take(out)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWriteThenLoadIsIdentical(t *testing.T) {
	snap := take(t, outdir(t, stackJSON, "zip bytes"))
	dir := t.TempDir()
	// A stale stack file from an earlier refresh must go.
	if err := os.WriteFile(filepath.Join(dir, "gone-dev.tf.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := snap.Write(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff(loaded, snap); len(d) > 0 {
		t.Errorf("written and loaded back, yet: %v", d)
	}
	// sha256 of "zip bytes", as sha256sum prints it.
	if got := loaded.Assets["p-dev/assets/Fn/zip"]; got != "5b7a2754b389130e138d57ba83f1eae7f05a41c66becacfa2dd2060143ae66db" {
		t.Errorf("asset hash %q", got)
	}
}

func TestDiffFindsEveryKindOfChange(t *testing.T) {
	base := take(t, outdir(t, stackJSON, "zip bytes"))
	tests := []struct {
		name string
		got  *Snapshot
		want string
	}{
		{"a changed value", take(t, outdir(t, strings.Replace(stackJSON, `"p-dev-fn"}`, `"p-dev-renamed"}`, 1), "zip bytes")),
			"p-dev.tf.json differs:\n  first difference at line 4\n  -       \"Fn_Role_1\": {\"name\": \"p-dev-fn\"}\n"},
		{"new Lambda code", take(t, outdir(t, stackJSON, "other bytes")), "asset p-dev/assets/Fn/zip: sha256"},
		{"a new stack", &Snapshot{Stacks: map[string][]byte{"p-dev": base.Stacks["p-dev"], "q-dev": []byte("{}")}, Assets: base.Assets},
			"q-dev: new stack, not in the golden files"},
		{"a stack no longer synthesized", &Snapshot{Stacks: map[string][]byte{}, Assets: base.Assets},
			"p-dev: in the golden files but no longer synthesized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(base, tt.got)
			if len(d) == 0 || !strings.Contains(strings.Join(d, "\n"), tt.want) {
				t.Errorf("Diff = %q; want it to contain %q", d, tt.want)
			}
		})
	}
	if d := Diff(base, take(t, outdir(t, stackJSON, "zip bytes"))); len(d) > 0 {
		t.Errorf("identical synths differ: %v", d)
	}
}

func TestAddressesAreResourcesOnly(t *testing.T) {
	addrs, err := take(t, outdir(t, stackJSON, "")).Addresses()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range addrs {
		got = append(got, a.String())
	}
	if want := "p-dev aws_iam_role.Fn_Role_1,p-dev aws_lambda_function.Fn_2"; strings.Join(got, ",") != want {
		t.Errorf("Addresses = %v; want %s (no data sources: they hold no state)", got, want)
	}
}

// A construct-ID change renames the address: without a moved block the old
// one is reported; with one from the old address it is covered.
func TestUnmovedCatchesARenameUnlessMoved(t *testing.T) {
	pinned := []Address{{"p-dev", "aws_iam_role.Fn_Role_1"}, {"p-dev", "aws_lambda_function.Fn_2"}}
	renamed := strings.Replace(stackJSON, "Fn_Role_1", "Function_Role_9", 1)
	gone, err := Unmoved(pinned, take(t, outdir(t, renamed, "")))
	if err != nil {
		t.Fatal(err)
	}
	if len(gone) != 1 || gone[0] != (Address{"p-dev", "aws_iam_role.Fn_Role_1"}) {
		t.Errorf("Unmoved = %v; want the renamed role", gone)
	}
	moved := strings.Replace(renamed, `"data":`, `"moved": [{"from": "aws_iam_role.Fn_Role_1", "to": "aws_iam_role.Function_Role_9"}],
  "data":`, 1)
	gone, err = Unmoved(pinned, take(t, outdir(t, moved, "")))
	if err != nil || len(gone) != 0 {
		t.Errorf("with a moved block: Unmoved = %v, %v; want none", gone, err)
	}
	// The same address in another stack does not count.
	gone, _ = Unmoved([]Address{{"q-dev", "aws_iam_role.Fn_Role_1"}}, take(t, outdir(t, stackJSON, "")))
	if len(gone) != 1 {
		t.Errorf("an address pinned in q-dev is covered by p-dev's resource: %v", gone)
	}
}

func TestAddressesFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := []Address{{"b", "aws_x.y"}, {"a", "aws_x.y"}, {"b", "aws_x.y"}}
	if err := WriteAddresses(dir, in); err != nil {
		t.Fatal(err)
	}
	out, err := LoadAddresses(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Stack != "a" || out[1].Stack != "b" {
		t.Errorf("LoadAddresses = %v; want sorted and unique", out)
	}
}
