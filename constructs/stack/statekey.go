package stack

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// MaxStateKeyBytes is S3's limit on an object key (S3 User Guide, "Naming
// Amazon S3 objects": "up to 1,024 bytes long").
const MaxStateKeyBytes = 1024

// stateKeyChars are S3's "safe characters" for object keys (S3 User Guide,
// "Object key naming guidelines") less !, *, ', ( and ): the key is also
// written into IAM resource ARNs and an s3:prefix condition
// (ReadStateStatements), where * is a wildcard.
var stateKeyChars = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// ValidateStateKey checks the state key of a stack of project. A key outside
// "<project>/" must be pinned (Project.StateKeyPins): pointing a stack at
// another prefix is how two stacks end up sharing one state, each planning to
// destroy the other's resources.
func ValidateStateKey(field, project, key string, pinned bool) error {
	fail := func(fix, format string, args ...any) error { return core.Errorf(field, fix, format, args...) }
	switch {
	case strings.TrimSpace(key) == "":
		return fail("leave the environment out of StateKeys to use "+project+"/<env>/terraform.tfstate", "is empty")
	// Terraform's S3 backend (internal/backend/remote-state/s3, PrepareConfig:
	// validateStringS3Path) refuses a leading or trailing "/", and "//".
	case strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/"):
		return fail("remove the leading or trailing /", "%q starts or ends with \"/\"; Terraform's S3 backend refuses that", key)
	case strings.Contains(key, "//"):
		return fail("use single slashes", "%q contains \"//\"; Terraform's S3 backend refuses that", key)
	case len(key) > MaxStateKeyBytes:
		return fail("shorten it", "is %d bytes; S3 allows %d", len(key), MaxStateKeyBytes)
	case !stateKeyChars.MatchString(key):
		return fail("use letters, digits, '.', '_', '-' and '/'", "%q has characters outside S3's safe set (a '*' would also widen the IAM grants on the state)", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "." || seg == ".." {
			return fail("write the key without . or .. segments", "%q has a %q segment: S3 keeps it literally, but tools and consoles resolve it to another key", key, seg)
		}
	}
	// The backend writes its lock beside the state, as <key>.tflock
	// (Terraform docs, S3 backend, use_lockfile).
	if strings.HasSuffix(key, LockFileSuffix) {
		return fail("end the key in .tfstate", "%q ends in %s, the name of another state's lock file", key, LockFileSuffix)
	}
	if !pinned && !strings.HasPrefix(key, project+"/") {
		return fail(fmt.Sprintf("keep it under %q, or, to adopt an existing state elsewhere (docs/migrating-from-hcl.md), pin it: StateKeyPins: {%q: \"<why>\"}", project+"/", key),
			"%q is outside the project's prefix %q", key, project+"/")
	}
	return nil
}

// validateStateKeys checks the project's StateKeys and StateKeyPins.
func (p Project) validateStateKeys() error {
	var errs []error
	used := map[string]bool{}
	for _, env := range sortedEnvs(p.StateKeys) {
		if err := core.CheckEnvironment(fmt.Sprintf("StateKeys[%s]", env), env); err != nil {
			errs = append(errs, err)
			continue
		}
		key := p.StateKeys[env]
		_, pinned := p.StateKeyPins[key]
		used[key] = true
		errs = append(errs, ValidateStateKey(fmt.Sprintf("StateKeys[%s]", env), p.Name, key, pinned))
	}
	pins := make([]string, 0, len(p.StateKeyPins))
	for k := range p.StateKeyPins {
		pins = append(pins, k)
	}
	sort.Strings(pins)
	for _, k := range pins {
		field := fmt.Sprintf("StateKeyPins[%q]", k)
		switch {
		case strings.TrimSpace(p.StateKeyPins[k]) == "":
			errs = append(errs, core.Errorf(field, "say why this stack's state lives there, e.g. \"the HCL project's key, adopted in place\"", "has no reason"))
		case !used[k]:
			errs = append(errs, core.Errorf(field, "remove the pin, or set the key in StateKeys", "pins a key no StateKeys entry uses"))
		}
	}
	return core.Join(errs...)
}

// CheckStateKeysUnique refuses two stacks of projects with one state key,
// across all projects and environments (whether or not they are being
// synthesized): both would read and write the same state. The error is
// placed at the StateKeys entry that made the collision, not at the stack
// that kept its default key.
func CheckStateKeysUnique(projects []Project) error {
	var keys []string
	owners := map[string][]stackStateKey{}
	for _, p := range projects {
		for _, st := range stateKeysOf(p) {
			if _, seen := owners[st.key]; !seen {
				keys = append(keys, st.key)
			}
			owners[st.key] = append(owners[st.key], st)
		}
	}
	var errs []error
	for _, key := range keys {
		all := owners[key]
		if len(all) < 2 {
			continue
		}
		blamed := []stackStateKey{}
		for _, o := range all {
			if o.explicit {
				blamed = append(blamed, o)
			}
		}
		if len(blamed) == 0 {
			blamed = all[1:]
		}
		for _, o := range blamed {
			var others []string
			for _, x := range all {
				if x.stack != o.stack {
					others = append(others, x.stack)
				}
			}
			errs = append(errs, &core.ConfigError{File: o.file, Field: o.field,
				Problem: fmt.Sprintf("stack %s would keep its state at %q, the state of stack %s: applying either would plan to destroy the other's resources", o.stack, key, strings.Join(others, ", ")),
				Fix:     "give every stack its own key (the default is <project>/<env>/terraform.tfstate)"})
		}
	}
	return core.Join(errs...)
}

// stackStateKey is the state key of one stack and where it was set.
type stackStateKey struct {
	stack, key, field, file string
	// explicit is true for a key set in StateKeys (not the default).
	explicit bool
}

// stateKeysOf lists the S3 state key of every stack of p.
func stateKeysOf(p Project) []stackStateKey {
	if p.AccountWide {
		if p.LocalState {
			return nil
		}
		name := AccountStackName(p)
		return []stackStateKey{{stack: name, key: AccountStateKey(name), field: "project " + p.Name, file: p.SettingsFile}}
	}
	var out []stackStateKey
	for _, env := range p.EnvironmentsOrAll() {
		n := core.Names{Project: p.Name, Environment: env}
		_, set := p.StateKeys[env]
		out = append(out, stackStateKey{stack: n.StackName(), key: p.StateKey(n), field: fmt.Sprintf("StateKeys[%s]", env), file: p.SettingsFile, explicit: set})
	}
	return out
}

func sortedEnvs(m map[core.Environment]string) []core.Environment {
	out := make([]core.Environment, 0, len(m))
	for e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
