package web_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/i18n"
	"implique/internal/mail"
	"implique/internal/territory"
)

// TestEveryKeyIsInTheCatalogs reads the templates and the Go code for the
// catalog keys they use, and checks both languages have each one.
func TestEveryKeyIsInTheCatalogs(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	tmplKey := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	goKey := regexp.MustCompile(`"((?:errors|flash|mail|signin|users|settings|outbox|account|admin|privacy|place|home|role|nav|layout|footer|form|field|app|event|staff|community|initiative|org|volunteer|portrait)\.[a-z0-9_.]+[a-z0-9_])"`)
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		var re *regexp.Regexp
		switch {
		case strings.HasSuffix(path, ".html"):
			re = tmplKey
		case strings.HasSuffix(path, ".go"):
			re = goKey
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Strings that look like keys but are not: action names, template files.
	for _, a := range auth.Actions {
		delete(used, string(a))
	}
	for k := range used {
		if strings.HasSuffix(k, ".html") {
			delete(used, k)
		}
		// An indicator's key names it in the catalogs as "indicator.<key>";
		// a privacy category, rule or field as "privacy.category.<key>", ….
		for _, prefix := range []string{"indicator.", "privacy.category.", "privacy.rule.", "privacy.field."} {
			if _, ok := cat["fr"][prefix+k]; ok {
				delete(used, k)
			}
		}
		// A holder (privacy.go) names columns as "table.column" and fields by
		// their column: only its messages are keys.
		if where := used[k]; strings.HasSuffix(where, string(filepath.Separator)+"privacy.go") &&
			!strings.HasPrefix(k, "errors.") && !strings.HasPrefix(k, "privacy.kept.") {
			delete(used, k)
		}
	}
	for _, code := range []int{401, 403, 404, 409, 422, 429, 500, 503} {
		used[fmt.Sprintf("errors.title.%d", code)] = "render.go"
	}
	for _, r := range auth.Roles {
		used["role."+string(r)] = "roleKey"
	}
	for _, k := range territory.Kinds {
		used["place.kind."+k] = "kindKey"
	}
	for _, s := range []string{mail.StatusQueued, mail.StatusSending, mail.StatusSent, mail.StatusKept, mail.StatusFailed} {
		used["outbox.status."+s] = "outbox.html"
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		for _, lang := range i18n.Languages {
			if _, ok := cat[lang][k]; !ok {
				t.Errorf("%s: key %q missing from the %s catalog", where, k, lang)
			}
		}
	}
}
