package lambda

import (
	"archive/zip"
	"bytes"
	"testing"
)

func TestZipIsDeterministic(t *testing.T) {
	files := map[string][]byte{"b.js": []byte("b"), "a.js": []byte("a"), "index.js.map": []byte("{}")}
	first, names, err := Zip(files)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, _, err := Zip(map[string][]byte{"index.js.map": []byte("{}"), "a.js": []byte("a"), "b.js": []byte("b")})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("same files gave different zip bytes")
		}
	}
	if want := []string{"a.js", "b.js", "index.js.map"}; !equal(names, want) {
		t.Errorf("names = %v; want sorted %v", names, want)
	}
	r, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range r.File {
		if f.Name != names[i] {
			t.Errorf("entry %d = %s; want %s", i, f.Name, names[i])
		}
		if !f.Modified.Equal(zipEpoch) {
			t.Errorf("%s: modified %v; want the fixed epoch", f.Name, f.Modified)
		}
		if f.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v; want 0644", f.Name, f.Mode())
		}
		if f.Method != zip.Deflate {
			t.Errorf("%s: not deflated", f.Name)
		}
	}
}

func TestZipChangesWithContent(t *testing.T) {
	a, _, _ := Zip(map[string][]byte{"index.js": []byte("1")})
	b, _, _ := Zip(map[string][]byte{"index.js": []byte("2")})
	if bytes.Equal(a, b) {
		t.Fatal("different content gave the same zip")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
