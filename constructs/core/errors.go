package core

import (
	"errors"
	"fmt"
	"strings"
)

// ConfigError is a mistake in a user's configuration. It names where the
// mistake is (file, line when known, field), what is wrong, and how to fix it,
// so the message alone is enough to act on.
type ConfigError struct {
	File    string // path relative to the repository root, if the setting came from a file
	Line    int    // 1-based line in File, 0 when unknown
	Field   string // dotted path of the setting, e.g. schedules[1].cron
	Problem string
	Fix     string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "%s: ", e.Field)
	}
	b.WriteString(e.Problem)
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Errorf builds a ConfigError for a setting that does not come from a file.
func Errorf(field, fix, format string, args ...any) *ConfigError {
	return &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...), Fix: fix}
}

// Join combines errors, dropping nils, so validation can report every problem
// at once rather than one per run.
func Join(errs ...error) error { return errors.Join(errs...) }

// InFile places errors without a file inside file, prefixing their field.
func InFile(err error, file string) error {
	var ce *ConfigError
	if errors.As(err, &ce) && ce.File == "" {
		copy := *ce
		copy.File = file
		return &copy
	}
	return err
}

// Leaves flattens errors joined with Join (or errors.Join) into the single
// errors they hold, in order, so each can be placed, counted or printed once.
func Leaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Leaves(e)...)
		}
		return out
	}
	return []error{err}
}

// InFileAll is InFile for every error joined in err.
func InFileAll(err error, file string) error {
	leaves := Leaves(err)
	if len(leaves) == 1 {
		return InFile(err, file)
	}
	for i, e := range leaves {
		leaves[i] = InFile(e, file)
	}
	return Join(leaves...)
}
