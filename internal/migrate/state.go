package migrate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// OldResource is one managed resource instance of the HCL deployment's state.
type OldResource struct {
	// Address is the full instance address Terraform prints, e.g.
	// module.lambda["dispatch"].aws_lambda_function.this or aws_subnet.public[0].
	Address string
	Type    string
	// Values are the instance's attributes as the state records them.
	Values map[string]any
}

// State is what the migration reads from the old deployment.
type State struct {
	// Format is "show-json" (`terraform show -json`) or "state-v4" (`terraform state pull`).
	Format string
	// Resources are the managed resource instances, sorted by address. Data
	// sources are left out: they own nothing in AWS and have nothing to move.
	Resources []OldResource
	// DataSources counts the data source instances that were skipped.
	DataSources int
}

// ReadState reads a state file in either format.
func ReadState(path string) (*State, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("state file %s: %v", path, unwrapPathError(err))
	}
	return ParseState(path, raw)
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

const stateFix = "give the output of `terraform show -json > state.json` or `terraform state pull > state.tfstate`, run in the old HCL project after `terraform init`"

// ParseState parses the output of `terraform show -json` (values.root_module
// with nested child_modules) or of `terraform state pull` (version 4:
// resources[] with module and instances[]). name is used in error messages.
func ParseState(name string, raw []byte) (*State, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("state file %s: %s; %s", name, fmt.Sprintf(format, args...), stateFix)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fail("not JSON (%v)", err)
	}
	var st *State
	var err error
	switch {
	case doc["format_version"] != nil:
		st, err = parseShowJSON(doc)
	case doc["version"] != nil:
		st, err = parseStatePull(doc)
	default:
		return nil, fail("neither `terraform show -json` output (no format_version) nor a state file (no version)")
	}
	if err != nil {
		return nil, fail("%v", err)
	}
	if len(st.Resources) == 0 {
		return nil, fail("holds no managed resources (is it the right project, environment and workspace?)")
	}
	sort.Slice(st.Resources, func(i, j int) bool { return st.Resources[i].Address < st.Resources[j].Address })
	for i := 1; i < len(st.Resources); i++ {
		if st.Resources[i].Address == st.Resources[i-1].Address {
			return nil, fail("resource %s appears twice", st.Resources[i].Address)
		}
	}
	return st, nil
}

// parseShowJSON reads `terraform show -json` of a state (or of a plan, whose
// prior_state holds the same shape).
func parseShowJSON(doc map[string]any) (*State, error) {
	if prior, ok := doc["prior_state"].(map[string]any); ok {
		doc = prior
	}
	st := &State{Format: "show-json"}
	values, ok := doc["values"].(map[string]any)
	if !ok {
		if _, present := doc["values"]; present {
			return nil, fmt.Errorf("values is not an object")
		}
		return st, nil // an empty state has no values; reported by the caller
	}
	root, ok := values["root_module"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("values.root_module is missing or not an object")
	}
	if err := walkModule(st, root, "values.root_module"); err != nil {
		return nil, err
	}
	return st, nil
}

func walkModule(st *State, mod map[string]any, where string) error {
	resources, err := list(mod, "resources", where)
	if err != nil {
		return err
	}
	for i, r := range resources {
		at := fmt.Sprintf("%s.resources[%d]", where, i)
		res, ok := r.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not an object", at)
		}
		addr, err1 := str(res, "address", at)
		mode, err2 := str(res, "mode", at)
		typ, err3 := str(res, "type", at)
		if err := firstErr(err1, err2, err3); err != nil {
			return err
		}
		if mode == "data" {
			st.DataSources++
			continue
		}
		if mode != "managed" {
			return fmt.Errorf("%s: unknown mode %q", at, mode)
		}
		vals, ok := res["values"].(map[string]any)
		if !ok {
			return fmt.Errorf("%s (%s): values is missing or not an object", at, addr)
		}
		st.Resources = append(st.Resources, OldResource{Address: addr, Type: typ, Values: vals})
	}
	children, err := list(mod, "child_modules", where)
	if err != nil {
		return err
	}
	for i, c := range children {
		at := fmt.Sprintf("%s.child_modules[%d]", where, i)
		child, ok := c.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not an object", at)
		}
		if err := walkModule(st, child, at); err != nil {
			return err
		}
	}
	return nil
}

// parseStatePull reads a raw state file of format version 4 (Terraform 0.12
// and later; OpenTofu writes the same).
func parseStatePull(doc map[string]any) (*State, error) {
	v, ok := doc["version"].(json.Number)
	if !ok || v.String() != "4" {
		return nil, fmt.Errorf("state format version %v is not supported (only version 4, written by Terraform 0.12 and later)", doc["version"])
	}
	st := &State{Format: "state-v4"}
	resources, err := list(doc, "resources", "state")
	if err != nil {
		return nil, err
	}
	for i, r := range resources {
		at := fmt.Sprintf("resources[%d]", i)
		res, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", at)
		}
		mode, err1 := str(res, "mode", at)
		typ, err2 := str(res, "type", at)
		name, err3 := str(res, "name", at)
		if err := firstErr(err1, err2, err3); err != nil {
			return nil, err
		}
		module, _ := res["module"].(string)
		instances, err := list(res, "instances", at)
		if err != nil {
			return nil, err
		}
		if mode == "data" {
			st.DataSources += len(instances)
			continue
		}
		if mode != "managed" {
			return nil, fmt.Errorf("%s: unknown mode %q", at, mode)
		}
		base := typ + "." + name
		if module != "" {
			base = module + "." + base
		}
		for j, in := range instances {
			iat := fmt.Sprintf("%s.instances[%d]", at, j)
			inst, ok := in.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s is not an object", iat)
			}
			attrs, ok := inst["attributes"].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s (%s): attributes is missing or not an object (flatmap attributes_flat from Terraform 0.11 are not supported)", iat, base)
			}
			key, err := indexSuffix(inst["index_key"])
			if err != nil {
				return nil, fmt.Errorf("%s (%s): %v", iat, base, err)
			}
			st.Resources = append(st.Resources, OldResource{Address: base + key, Type: typ, Values: attrs})
		}
	}
	return st, nil
}

// indexSuffix renders an instance key as Terraform prints it: [0] for count,
// ["key"] for for_each, nothing for a single instance.
func indexSuffix(key any) (string, error) {
	switch k := key.(type) {
	case nil:
		return "", nil
	case json.Number:
		if _, err := strconv.Atoi(k.String()); err != nil {
			return "", fmt.Errorf("index_key %s is not a whole number", k)
		}
		return "[" + k.String() + "]", nil
	case string:
		return "[" + strconv.Quote(k) + "]", nil
	default:
		return "", fmt.Errorf("index_key %v is neither a number nor a string", key)
	}
}

func list(m map[string]any, key, where string) ([]any, error) {
	v, present := m[key]
	if !present || v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s.%s is not a list", where, key)
	}
	return l, nil
}

func str(m map[string]any, key, where string) (string, error) {
	s, ok := m[key].(string)
	if !ok || strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("%s: %s is missing or not a string", where, key)
	}
	return s, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
