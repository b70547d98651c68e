package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// sourceFile is one parsed Go file of the module.
type sourceFile struct {
	path string
	file *ast.File
}

// moduleSource parses every Go file of the module but its tests (and what
// node_modules, testdata and hidden folders hold), for the tests that read
// the source for what the code writes: message keys, audit actions.
func moduleSource(t *testing.T) (*token.FileSet, []sourceFile) {
	t.Helper()
	fset := token.NewFileSet()
	var files []sourceFile
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files = append(files, sourceFile{path, f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fset, files
}
