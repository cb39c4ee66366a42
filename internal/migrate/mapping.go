package migrate

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// Mapping is the reviewable file projects/<project>/migrations/<env>.yaml:
// how one stack adopts the resources of its HCL predecessor.
type Mapping struct {
	// Stack is <project>-<env>; it guards against a file copied to the wrong place.
	Stack string `yaml:"stack"`
	// Moves become Terraform `moved` blocks.
	Moves []MoveEntry `yaml:"moves"`
	// Imports become `import` blocks: resources that exist in AWS but not in
	// the old state.
	Imports []ImportEntry `yaml:"imports"`
	// Forget lists old resources Terraform stops managing without destroying
	// them (a `removed` block with destroy = false): objects the new stack
	// reads instead of owning, or that another stack adopts.
	Forget []AcceptEntry `yaml:"forget"`
	// Accept lists what the user agrees Terraform creates or destroys.
	Accept Accept `yaml:"accept"`

	file string    // relative path, for messages
	ast  *ast.File // for line numbers in messages
}

// MoveEntry is one old address and the new one it becomes.
type MoveEntry struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// MatchedOn says why the two are the same object; empty for a move the
	// user wrote.
	MatchedOn string `yaml:"matched_on,omitempty"`
}

// ImportEntry adopts an existing AWS object into a new resource.
type ImportEntry struct {
	// To is the new resource's address, <type>.<logical id>.
	To string `yaml:"to"`
	// ID is the import ID the resource type documents (a name, an ARN, ...).
	ID string `yaml:"id"`
}

// Accept lists unmatched resources the user accepts.
type Accept struct {
	// Destroy: old addresses Terraform may destroy.
	Destroy []AcceptEntry `yaml:"destroy"`
	// Create: new addresses Terraform may create.
	Create []AcceptEntry `yaml:"create"`
	// Replace: new addresses Terraform's plan may replace, each with the
	// reason that is acceptable (a reason is required).
	Replace []AcceptEntry `yaml:"replace"`
}

// AcceptEntry is one accepted address and why.
type AcceptEntry struct {
	Address string `yaml:"address"`
	Reason  string `yaml:"reason,omitempty"`
}

// File is the mapping file of a project and environment, relative to the
// repository root.
func File(project string, env core.Environment) string {
	return path.Join("projects", project, "migrations", string(env)+".yaml")
}

// Load reads the mapping file of a stack; it returns nil when there is none.
func Load(root string, names core.Names) (*Mapping, error) {
	file := File(names.Project, names.Environment)
	raw, err := os.ReadFile(filepath.Join(root, file))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &core.ConfigError{File: file, Problem: "cannot read: " + unwrapPathError(err).Error()}
	}
	return Parse(file, names, raw)
}

var (
	// A resource instance address: module calls (with keys), then type.name[key].
	oldAddressRe = regexp.MustCompile(`^(module\.[A-Za-z_][A-Za-z0-9_-]*(\[(\d+|"([^"\\]|\\.)*")\])?\.)*[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*(\[(\d+|"([^"\\]|\\.)*")\])?$`)
	// A resource of a synthesized stack: type.logical_id, at the root, no key.
	newAddressRe = regexp.MustCompile(`^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*$`)
)

// Parse checks a mapping file's content; file is used in messages.
func Parse(file string, names core.Names, raw []byte) (*Mapping, error) {
	// The mapping is YAML a pull request may change: bound it before the
	// decoder expands its aliases.
	f, err := core.ParseYAML(file, raw)
	if err != nil {
		var ce *core.ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &core.ConfigError{File: file, Problem: err.Error(), Fix: "fix the YAML syntax"}
	}
	m := &Mapping{file: file, ast: f}
	if err := yaml.UnmarshalWithOptions(raw, m, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
		ce := &core.ConfigError{File: file, Problem: err.Error(), Fix: "keys are stack, moves (from, to, matched_on), imports (to, id), forget (address, reason), accept (destroy, create, replace: address, reason)"}
		var ye yaml.Error
		if errors.As(err, &ye) {
			ce.Problem = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil {
				ce.Line = tk.Position.Line
			}
		}
		return nil, ce
	}
	var errs []error
	if m.Stack != names.StackName() {
		errs = append(errs, m.errorAt("stack", fmt.Sprintf("is %q but this file belongs to stack %s", m.Stack, names.StackName()),
			"set `stack: "+names.StackName()+"`, or move the file to the migrations folder of its own project and environment"))
	}
	fromSeen, toSeen := map[string]int{}, map[string]string{}
	for i, mv := range m.Moves {
		at := fmt.Sprintf("moves[%d]", i)
		if !oldAddressRe.MatchString(mv.From) {
			errs = append(errs, m.errorAt(at+".from", fmt.Sprintf("%q is not a resource instance address", mv.From),
				"copy the address from `terraform state list`, e.g. module.networking.aws_vpc.this or aws_subnet.public[0]"))
		} else if j, dup := fromSeen[mv.From]; dup {
			errs = append(errs, m.errorAt(at+".from", fmt.Sprintf("%s is already moved by moves[%d]", mv.From, j), "keep one move per old address"))
		} else {
			fromSeen[mv.From] = i
		}
		if !newAddressRe.MatchString(mv.To) {
			errs = append(errs, m.errorAt(at+".to", fmt.Sprintf("%q is not a resource address of the stack", mv.To),
				"use <type>.<logical id> as in cdk.tf.json, e.g. aws_vpc.Network_Resource_1A2B3C4D"))
		} else if prev, dup := toSeen[mv.To]; dup {
			errs = append(errs, m.errorAt(at+".to", fmt.Sprintf("%s is already the target of %s", mv.To, prev), "keep one move per new address"))
		} else {
			toSeen[mv.To] = at
		}
	}
	for i, im := range m.Imports {
		at := fmt.Sprintf("imports[%d]", i)
		if !newAddressRe.MatchString(im.To) {
			errs = append(errs, m.errorAt(at+".to", fmt.Sprintf("%q is not a resource address of the stack", im.To),
				"use <type>.<logical id> as in cdk.tf.json"))
		} else if prev, dup := toSeen[im.To]; dup {
			errs = append(errs, m.errorAt(at+".to", fmt.Sprintf("%s is already the target of %s", im.To, prev),
				"a resource is either moved from the old state or imported, not both"))
		} else {
			toSeen[im.To] = at
		}
		if strings.TrimSpace(im.ID) == "" {
			errs = append(errs, m.errorAt(at+".id", "the import ID is empty",
				"set id to the ID the resource type's import section documents (a name, an ARN, sg-..., sgr-...)"))
		}
	}
	forgotten := map[string]bool{}
	for i, f := range m.Forget {
		at := fmt.Sprintf("forget[%d].address", i)
		switch _, moved := fromSeen[f.Address]; {
		case !oldAddressRe.MatchString(f.Address):
			errs = append(errs, m.errorAt(at, fmt.Sprintf("%q is not a resource instance address", f.Address),
				"copy the address from `terraform state list`"))
		case moved:
			errs = append(errs, m.errorAt(at, f.Address+" is also moved", "either move it or forget it"))
		}
		forgotten[f.Address] = true
	}
	for i, a := range m.Accept.Destroy {
		if forgotten[a.Address] {
			errs = append(errs, m.errorAt(fmt.Sprintf("accept.destroy[%d].address", i), a.Address+" is also forgotten",
				"either forget it (kept in AWS) or accept its destroy"))
		}
		if !oldAddressRe.MatchString(a.Address) {
			errs = append(errs, m.errorAt(fmt.Sprintf("accept.destroy[%d].address", i), fmt.Sprintf("%q is not a resource instance address", a.Address),
				"copy the address from `terraform state list`"))
		}
	}
	for i, a := range m.Accept.Create {
		if !newAddressRe.MatchString(a.Address) {
			errs = append(errs, m.errorAt(fmt.Sprintf("accept.create[%d].address", i), fmt.Sprintf("%q is not a resource address of the stack", a.Address),
				"use <type>.<logical id> as in cdk.tf.json"))
		}
	}
	for i, a := range m.Accept.Replace {
		at := fmt.Sprintf("accept.replace[%d]", i)
		if !newAddressRe.MatchString(a.Address) {
			errs = append(errs, m.errorAt(at+".address", fmt.Sprintf("%q is not a resource address of the stack", a.Address),
				"use the address `make migrate` printed for the replacement, <type>.<logical id> as in cdk.tf.json"))
		}
		if strings.TrimSpace(a.Reason) == "" {
			errs = append(errs, m.errorAt(at+".reason", "a replacement is accepted without a reason",
				"say why destroying and recreating "+a.Address+" is acceptable (what it holds, what is lost, when it happens)"))
		}
	}
	if len(errs) > 0 {
		return nil, core.Join(errs...)
	}
	return m, nil
}

// FilePath is the file the mapping was read from, relative to the root.
func (m *Mapping) FilePath() string { return m.file }

func (m *Mapping) errorAt(field, problem, fix string) error {
	return &core.ConfigError{File: m.file, Line: core.YAMLLine(m.ast, "$."+field), Field: field, Problem: problem, Fix: fix}
}

// ResourceAddress is an instance address without its instance keys, as a
// `removed` block's from needs it: module.lambda["a"].aws_x.y[0] becomes
// module.lambda.aws_x.y.
func ResourceAddress(instance string) string {
	return instanceKeyRe.ReplaceAllString(instance, "")
}

var instanceKeyRe = regexp.MustCompile(`\[(\d+|"([^"\\]|\\.)*")\]`)
