package demo_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

const (
	nbsp       = '\u00a0' // before « : », inside « »
	narrowNbsp = '\u202f' // before ; ! ?
)

// typographyFaults lists what Québec typography would write otherwise in
// s: a no-break space (U+00A0) before « : » and inside « », a narrow one
// (U+202F) before ; ! ?. Web addresses are left alone.
func typographyFaults(s string) []string {
	var faults []string
	for _, field := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' }) {
		if strings.Contains(field, "://") {
			s = strings.Replace(s, field, strings.Repeat("x", len(field)), 1)
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		var prev, next rune
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		around := string(rs[max(0, i-12):min(len(rs), i+3)])
		switch r {
		case ':':
			if prev != nbsp && !unicode.IsDigit(prev) && prev != 0 {
				faults = append(faults, strconv.Quote(around)+": U+00A0 before :")
			}
		case ';', '!', '?':
			if prev != narrowNbsp && prev != 0 {
				faults = append(faults, strconv.Quote(around)+": U+202F before "+string(r))
			}
		case '«':
			if next != nbsp {
				faults = append(faults, strconv.Quote(around)+": U+00A0 after «")
			}
		case '»':
			if prev != nbsp {
				faults = append(faults, strconv.Quote(around)+": U+00A0 before »")
			}
		}
	}
	return faults
}

func TestTypographyFaults(t *testing.T) {
	for s, want := range map[string]int{
		"Atelier : reconnaître":          1,
		"Atelier\u00a0: reconnaître":     0,
		"Atelier: reconnaître":           1,
		"11 personnes !":                 1,
		"11 personnes\u202f!":            0,
		"Bienvenue dans l’équipe!":       1,
		"à Bécancour\u00a0?":             1,
		"« garder contact »":             2,
		"«\u00a0garder contact\u00a0»":   0,
		"https://www.jebenevole.ca/?a=b": 0,
		"8 h 30, 18:30":                  0,
	} {
		if got := typographyFaults(s); len(got) != want {
			t.Errorf("%q: %d faults %v, want %d", s, len(got), got, want)
		}
	}
}

// TestDemoTypography reads every text of the demo (its string constants,
// but not the error messages of the code, which are in English) and finds
// none that Québec typography would write otherwise.
func TestDemoTypography(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	texts := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "fmt" && sel.Sel.Name == "Errorf" {
						return false
					}
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					t.Fatal(err)
				}
				texts++
				for _, fault := range typographyFaults(s) {
					t.Errorf("%s: %s", fset.Position(n.Pos()), fault)
				}
			}
			return true
		})
	}
	if texts < 300 {
		t.Errorf("read %d texts of the demo; where are the others?", texts)
	}
}
