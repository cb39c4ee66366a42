// Package cleanup removes the temporary folders of a process on every exit
// path, SIGINT and SIGTERM included, and sweeps up the folders of earlier
// runs that were killed before they could (SIGKILL, a power cut).
//
// A folder made by TempDir carries the process id in its name
// (<prefix><pid>-<random>), so a later run can tell a live run's folder
// from a dead one's and remove only the latter.
package cleanup

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

var (
	mu      sync.Mutex // held while removing, and by Critical sections
	folders = map[string]func(){}
)

// TempDir creates a folder <dir>/<prefix><pid>-<random> and registers it for
// removal on a signal. dir "" means os.TempDir(). The caller removes it on
// its normal paths with Remove.
func TempDir(dir, prefix string) (string, error) {
	path, err := os.MkdirTemp(dir, fmt.Sprintf("%s%d-", prefix, os.Getpid()))
	if err != nil {
		return "", err
	}
	Register(path, func() { os.RemoveAll(path) })
	return path, nil
}

// Register runs remove for path if the process is stopped by a signal.
func Register(path string, remove func()) {
	mu.Lock()
	defer mu.Unlock()
	folders[path] = remove
}

// Remove removes a folder made by TempDir now and forgets it.
func Remove(path string) error {
	Forget(path)
	return os.RemoveAll(path)
}

// Forget stops tracking path (it was renamed into place, or removed).
func Forget(path string) {
	mu.Lock()
	defer mu.Unlock()
	delete(folders, path)
}

// Critical runs fn so that a signal arriving meanwhile is handled only after
// fn returns: a sequence of renames is finished, never cut in the middle by
// our own handler (a crash can still cut it; see internal/synth's recovery).
func Critical(fn func() error) error {
	mu.Lock()
	defer mu.Unlock()
	return fn()
}

// HandleSignals makes SIGINT and SIGTERM remove every registered folder,
// then exit with 128+signal, as a shell reports it. stop restores the
// default behaviour.
func HandleSignals() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	// A closed pipe on stdout (`go run . list | head -1`) would otherwise
	// kill the process before it cleans up; handled, writes fail instead.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			RemoveAll()
			code := 1
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			fmt.Fprintf(os.Stderr, "interrupted (%v): temporary folders removed; the previous cdktf.out is unchanged or complete\n", sig)
			os.Exit(code)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		signal.Stop(pipe)
		close(done)
	}
}

// RemoveAll removes every registered folder; once called, the process is
// stopping and no Critical section starts again (the lock is kept).
func RemoveAll() {
	mu.Lock() // waits for a running Critical section
	for _, remove := range folders {
		remove()
	}
	folders = map[string]func(){}
}

// Sweep removes folders <dir>/<prefix><pid>-* left by processes that no
// longer run. dir "" means os.TempDir(). remove, when set, replaces
// os.RemoveAll (internal/synth salvages Terraform's files first).
func Sweep(dir, prefix string, remove func(path string) error) error {
	if remove == nil {
		remove = os.RemoveAll
	}
	var errs []error
	for _, path := range Stale(dir, prefix) {
		if err := remove(path); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Stale lists the folders <dir>/<prefix><pid>-* of processes that no longer
// run. dir "" means os.TempDir().
func Stale(dir, prefix string) []string {
	if dir == "" {
		dir = os.TempDir()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // nothing there
	}
	var out []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if ok && e.IsDir() && !Alive(pidOf(rest)) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// pidOf reads the process id at the start of "<pid>-<random>", or 0 for a
// folder named by an earlier version without one (always swept).
func pidOf(s string) int {
	head, _, ok := strings.Cut(s, "-")
	if !ok {
		return 0
	}
	pid, err := strconv.Atoi(head)
	if err != nil {
		return 0
	}
	return pid
}

// Alive reports whether a process with this id exists (a reused id keeps a
// dead run's folder until that process ends too: harmless).
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
