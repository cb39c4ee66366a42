package scaffold

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"strconv"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// RegistryFile lists every project; the scaffolder adds new ones to it.
const RegistryFile = "projects/projects.go"

// Register returns src, the text of projects/projects.go, with project
// imported and appended to the list that All returns, gofmt-formatted. It
// locates the import block and the list through the parsed syntax tree and
// inserts text there, so the file's comments and layout stay as they are.
func Register(src []byte, module, project string) ([]byte, error) {
	fail := func(problem string, args ...any) error {
		return &core.ConfigError{File: RegistryFile, Problem: fmt.Sprintf(problem, args...),
			Fix: "restore its usual shape (an import block and `func All() []stack.Project { return []stack.Project{...} }`) or register the project by hand"}
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, RegistryFile, src, parser.ParseComments)
	if err != nil {
		return nil, fail("does not parse: %v", err)
	}
	pkg := PackageName(project)
	importPath := module + "/projects/" + project
	var block *ast.GenDecl
	for _, decl := range file.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if block == nil && gd.Lparen.IsValid() {
			block = gd
		}
		for _, spec := range gd.Specs {
			is := spec.(*ast.ImportSpec)
			p, _ := strconv.Unquote(is.Path.Value)
			if p == importPath {
				return nil, core.Errorf("name", "choose another name", "project %q already exists (registered in %s)", project, RegistryFile)
			}
			local := path.Base(p)
			if is.Name != nil {
				local = is.Name.Name
			}
			if local == pkg {
				return nil, core.Errorf("name", "choose a name whose package differs",
					"%q becomes the Go package %q, which %s already imports (%s)", project, pkg, RegistryFile, p)
			}
		}
	}
	if block == nil || len(block.Specs) == 0 {
		return nil, fail("has no parenthesized import block")
	}
	list := allList(file)
	if list == nil {
		return nil, fail("has no `func All` returning a []stack.Project literal")
	}

	type insertion struct {
		offset int
		text   string
	}
	lastImport := block.Specs[len(block.Specs)-1]
	ins := []insertion{{fset.Position(lastImport.End()).Offset, fmt.Sprintf("\n\t%s %q", pkg, importPath)}}
	entry := pkg + ".Project"
	rbrace := fset.Position(list.Rbrace)
	switch {
	case len(list.Elts) == 0:
		ins = append(ins, insertion{rbrace.Offset, "\n" + entry + ",\n"})
	case fset.Position(list.Elts[len(list.Elts)-1].End()).Line == rbrace.Line:
		ins = append(ins, insertion{rbrace.Offset, ", " + entry})
	default:
		ins = append(ins, insertion{rbrace.Offset, entry + ",\n"})
	}
	var out bytes.Buffer
	prev := 0
	for _, in := range ins { // the import block comes before All in the file
		out.Write(src[prev:in.offset])
		out.WriteString(in.text)
		prev = in.offset
	}
	out.Write(src[prev:])
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return nil, fail("cannot be edited automatically: %v", err)
	}
	return formatted, nil
}

// allList finds the composite literal that `func All` returns.
func allList(file *ast.File) *ast.CompositeLit {
	for _, decl := range file.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "All" || fd.Recv != nil || fd.Body == nil {
			continue
		}
		for _, stmt := range fd.Body.List {
			ret, ok := stmt.(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 1 {
				continue
			}
			if lit, ok := ret.Results[0].(*ast.CompositeLit); ok {
				return lit
			}
		}
	}
	return nil
}
