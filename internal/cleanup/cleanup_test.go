package cleanup

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperProcess is the process the signal tests stop: it makes a
// registered folder, prints its path, and waits (inside a Critical section
// when asked) until it is signalled.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("CLEANUP_HELPER_DIR")
	if dir == "" {
		t.Skip("run by the signal tests")
	}
	HandleSignals()
	path, err := TempDir(dir, "talkwise-test-")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	os.WriteFile(filepath.Join(path, "jsii-runtime.123"), []byte("x"), 0o644)
	if marker := os.Getenv("CLEANUP_HELPER_CRITICAL"); marker != "" {
		Critical(func() error {
			fmt.Println(path)
			time.Sleep(500 * time.Millisecond)
			return os.WriteFile(marker, []byte("finished"), 0o644)
		})
	} else {
		fmt.Println(path)
	}
	time.Sleep(time.Minute)
	os.Exit(4)
}

func stopHelper(t *testing.T, sig syscall.Signal, critical string) (folder string, code int) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "CLEANUP_HELPER_DIR="+dir, "CLEANUP_HELPER_CRITICAL="+critical)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	folder = strings.TrimSpace(line)
	if _, err := os.Stat(folder); err != nil {
		t.Fatalf("the helper's folder %q: %v", folder, err)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	return folder, cmd.ProcessState.ExitCode()
}

// SIGINT and SIGTERM remove the registered folders and exit as a shell
// reports a signal (128+n).
func TestSignalsRemoveTempFolders(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		folder, code := stopHelper(t, sig, "")
		if _, err := os.Stat(folder); !os.IsNotExist(err) {
			t.Errorf("%v: %s still exists (%v)", sig, folder, err)
		}
		if code != 128+int(sig) {
			t.Errorf("%v: exit code %d; want %d", sig, code, 128+int(sig))
		}
	}
}

// A signal during a Critical section is handled after it: a sequence of
// renames is never cut by our own handler.
func TestSignalWaitsForCriticalSection(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	folder, code := stopHelper(t, syscall.SIGINT, marker)
	if raw, err := os.ReadFile(marker); err != nil || string(raw) != "finished" {
		t.Errorf("the critical section did not finish before the exit: %q, %v", raw, err)
	}
	if _, err := os.Stat(folder); !os.IsNotExist(err) || code != 130 {
		t.Errorf("folder %s: %v, exit %d", folder, err, code)
	}
}

// Folders of processes that are gone are swept; a live process's are kept.
func TestSweepRemovesOnlyDeadRunsFolders(t *testing.T) {
	dir := t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(dir, fmt.Sprintf("talkwise-synth-%d-1", os.Getpid()))
	dead := filepath.Join(dir, fmt.Sprintf("talkwise-synth-%d-2", gone.Process.Pid))
	old := filepath.Join(dir, "talkwise-synth-3377") // no pid: an earlier version's
	other := filepath.Join(dir, "unrelated-1")
	for _, d := range []string{live, dead, old, other} {
		if err := os.MkdirAll(filepath.Join(d, "jsii-runtime.1"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := Sweep(dir, "talkwise-synth-", nil); err != nil {
		t.Fatal(err)
	}
	for d, want := range map[string]bool{live: true, dead: false, old: false, other: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s exists: %v; want %v", filepath.Base(d), err == nil, want)
		}
	}
}
