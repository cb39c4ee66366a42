package tfcheck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/dirhash"
)

// PluginDirEnv names a provider mirror to use instead of searching for one.
const PluginDirEnv = "TF_PLUGIN_DIR"

// providerSource is the only provider our stacks use.
const providerSource = "registry.terraform.io/hashicorp/aws"

// Toolchain is the terraform binary and the AWS provider it installs from a
// local mirror, with no network.
type Toolchain struct {
	// Terraform is the path of the terraform binary.
	Terraform string
	// Mirror is the root of a filesystem mirror: it holds
	// registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/.
	Mirror string
	// ProviderVersion is the hashicorp/aws version found there.
	ProviderVersion string
	// ProviderHash is the package's "h1:" hash, as a lock file records it.
	ProviderHash string
}

// MissingError says that terraform or the provider is not on this machine,
// and how to provide it. Tests skip on it; commands fail with it.
type MissingError struct {
	What, Fix string
}

func (e *MissingError) Error() string { return e.What + "; " + e.Fix }

// IsMissing reports whether err is (or wraps) a MissingError.
func IsMissing(err error) bool {
	var m *MissingError
	return errors.As(err, &m)
}

// FindToolchain finds terraform on PATH and the AWS provider in the mirror
// named by $TF_PLUGIN_DIR, or else in the first mirror found under the
// places a mirror is kept (Terraform's implied local mirror directories,
// /opt, /usr/local, /usr/share, /srv, $HOME), and hashes the provider
// package for the lock file.
func FindToolchain() (*Toolchain, error) {
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return nil, &MissingError{
			What: "terraform is not on PATH",
			Fix:  "install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install) and put it on PATH",
		}
	}
	mirror, version, err := findMirror()
	if err != nil {
		return nil, err
	}
	hash, err := packageHash(packageDir(mirror, version))
	if err != nil {
		return nil, fmt.Errorf("hashing the provider in %s: %w", packageDir(mirror, version), err)
	}
	return &Toolchain{Terraform: tf, Mirror: mirror, ProviderVersion: version, ProviderHash: hash}, nil
}

var (
	hashMu sync.Mutex
	hashes = map[string]string{}
)

// packageHash is the "h1:" hash of a provider package, computed once per
// process: reading the 700 MB binary takes about a second.
func packageHash(dir string) (string, error) {
	hashMu.Lock()
	defer hashMu.Unlock()
	if h, ok := hashes[dir]; ok {
		return h, nil
	}
	h, err := dirhash.HashDir(dir, "", dirhash.DefaultHash)
	if err == nil {
		hashes[dir] = h
	}
	return h, err
}

func platform() string { return runtime.GOOS + "_" + runtime.GOARCH }

func packageDir(mirror, version string) string {
	return filepath.Join(mirror, providerSource, version, platform())
}

func missingProvider(what string) error {
	return &MissingError{
		What: what,
		Fix: "put hashicorp/aws 5.x for " + platform() + " in a filesystem mirror (a tree <dir>/" + providerSource + "/<version>/" + platform() +
			"/terraform-provider-aws_*; e.g. `terraform providers mirror <dir>` on a machine with network) and set " + PluginDirEnv + "=<dir>",
	}
}

// findMirror returns the mirror root and the newest provider version in it.
func findMirror() (root, version string, err error) {
	if dir := os.Getenv(PluginDirEnv); dir != "" {
		v := newestVersion(dir)
		if v == "" {
			return "", "", missingProvider(fmt.Sprintf("%s=%s holds no %s/<version>/%s/terraform-provider-aws_*", PluginDirEnv, dir, providerSource, platform()))
		}
		return dir, v, nil
	}
	for _, base := range searchBases() {
		if root := searchMirror(base, 6); root != "" {
			return root, newestVersion(root), nil
		}
	}
	return "", "", missingProvider("no filesystem mirror of " + providerSource + " found (searched " + strings.Join(searchBases(), ", ") + ")")
}

// searchBases are where a mirror is looked for: the directories Terraform
// itself searches as implied local mirrors, then the usual places for
// software installed outside a package manager.
func searchBases() []string {
	var out []string
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, ".terraform.d", "plugins"), filepath.Join(home, ".local", "share", "terraform", "plugins"))
	}
	out = append(out, "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins", "/opt", "/usr/local", "/usr/share", "/srv")
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, home)
	}
	return out
}

// searchMirror walks base, at most depth levels down, for a directory that
// holds registry.terraform.io/hashicorp/aws with a usable version. It skips
// working directories' .terraform copies and caches, which are not mirrors.
func searchMirror(base string, depth int) string {
	var found string
	filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return fs.SkipDir
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(base, p)
		if rel != "." && strings.Count(rel, string(filepath.Separator)) >= depth {
			return fs.SkipDir
		}
		switch d.Name() {
		case ".terraform", "node_modules", ".git", ".cache", "go":
			return fs.SkipDir
		}
		if d.Name() == "registry.terraform.io" {
			root := filepath.Dir(p)
			if newestVersion(root) != "" {
				found = root
			}
			return fs.SkipDir
		}
		return nil
	})
	return found
}

// newestVersion returns the highest 5.x version of the provider under
// root that has a binary for this platform, or "".
func newestVersion(root string) string {
	entries, err := os.ReadDir(filepath.Join(root, providerSource))
	if err != nil {
		return ""
	}
	var versions []string
	for _, e := range entries {
		bins, _ := filepath.Glob(filepath.Join(packageDir(root, e.Name()), "terraform-provider-aws_*"))
		if len(bins) > 0 && parseVersion(e.Name()) != nil {
			versions = append(versions, e.Name())
		}
	}
	if len(versions) == 0 {
		return ""
	}
	sort.Slice(versions, func(i, j int) bool { return lessVersion(versions[i], versions[j]) })
	return versions[len(versions)-1]
}

func parseVersion(v string) []int {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return nil
	}
	out := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out[i] = n
	}
	return out
}

func lessVersion(a, b string) bool {
	x, y := parseVersion(a), parseVersion(b)
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// cliConfig is the Terraform CLI configuration every run uses: providers
// from the mirror only (no registry, so no network), no version check.
// Installing from an unpacked mirror links the binary into .terraform
// instead of copying 700 MB per stack.
func (tc *Toolchain) cliConfig() string {
	return fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
}
`, tc.Mirror, providerSource)
}

// lockFile is the dependency lock file for a stack that asks for
// constraints: the mirror's version and its hash. Without it, init computes
// the hash itself and warns that the lock file is incomplete (it holds only
// this platform's hash, where a registry install records all of them).
func (tc *Toolchain) lockFile(constraints string) string {
	return fmt.Sprintf(`# Written by internal/tfcheck for an offline run against the provider mirror %s.
provider %q {
  version     = %q
  constraints = %q
  hashes = [
    %q,
  ]
}
`, tc.Mirror, providerSource, tc.ProviderVersion, constraints, tc.ProviderHash)
}
