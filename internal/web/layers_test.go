package web

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The web layer by capability (ARCHITECTURE.md): each capability's
// handlers live in their own sub-package, which imports from the web layer
// only the shared kit; what two capabilities both need goes into the kit,
// and the kit imports no capability's handlers. This test reads the
// imports of every Go file below internal/web, tests included.
func TestCapabilitiesNeverImportEachOther(t *testing.T) {
	const web = "implique/internal/web"
	dirs, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	subs := 0
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "templates" || d.Name() == "static" {
			continue
		}
		pkg := d.Name()
		files, err := filepath.Glob(filepath.Join(pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			continue
		}
		subs++
		for _, f := range files {
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if path != web && !strings.HasPrefix(path, web+"/") || path == web+"/"+pkg {
					continue
				}
				switch {
				case path == web:
					t.Errorf("%s imports the web server itself: the server imports its capabilities, not the other way", f)
				case pkg == "kit":
					t.Errorf("%s (the shared kit) imports %s: the kit sits below every capability", f, path)
				case path != web+"/kit":
					t.Errorf("%s imports %s: what two capabilities share goes into %s/kit", f, path, web)
				}
			}
		}
	}
	if subs < 10 {
		t.Fatalf("found %d web sub-packages: the test reads the wrong directory", subs)
	}
}
