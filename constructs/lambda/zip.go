package lambda

import (
	"archive/zip"
	"bytes"
	"sort"
	"time"
)

// zipEpoch is the timestamp of every entry: the earliest time a zip can hold,
// so the bytes depend only on the contents.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Zip packs files deterministically: entries sorted by name, fixed time, mode
// 0644, deflate. The same files give the same bytes on every machine, so
// source_code_hash only changes when the code does.
func Zip(files map[string][]byte) ([]byte, []string, error) {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range names {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipEpoch}
		h.SetMode(0o644)
		f, err := w.CreateHeader(h)
		if err != nil {
			return nil, nil, err
		}
		if _, err := f.Write(files[name]); err != nil {
			return nil, nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), names, nil
}
