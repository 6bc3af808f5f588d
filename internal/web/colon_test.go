package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// templateAction is one {{…}} of a template, comments included.
var templateAction = regexp.MustCompile(`(?s)\{\{.*?\}\}`)

// templateText is the text a template writes between its tags, its
// actions taken out: what a reader sees that the template itself typed.
func templateText(src string) []string {
	src = templateAction.ReplaceAllString(src, "\x00")
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	skipTo := ""
	for i := 0; i < len(src); {
		if skipTo != "" {
			j := strings.Index(strings.ToLower(src[i:]), skipTo)
			if j < 0 {
				break
			}
			i += j
			skipTo = ""
			continue
		}
		if src[i] != '<' {
			b.WriteByte(src[i])
			i++
			continue
		}
		flush()
		// A tag: up to its closing >, past the quoted values of its attributes.
		j, quote := i+1, byte(0)
		for ; j < len(src); j++ {
			c := src[j]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
		}
		tag := strings.ToLower(src[i:min(j+1, len(src))])
		for _, raw := range []string{"script", "style"} {
			if strings.HasPrefix(tag, "<"+raw) {
				skipTo = "</" + raw
			}
		}
		i = j + 1
	}
	flush()
	return out
}

// TestTemplatesNeverTypeAColon: the colon and the space before it differ by
// language (« Responsable : » with a no-break space, "Owner:"), so they live
// in the catalogs' text; no template under internal/web writes " :" itself.
func TestTemplatesNeverTypeAColon(t *testing.T) {
	if got := templateText(`<p class="a : b">{{.T "x"}} : <code>{{.Y}}</code></p><style>a :hover{}</style>`); len(got) != 2 ||
		got[0] != "\x00 : " {
		t.Fatalf("the scanner reads %q", got)
	}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") || !strings.Contains(filepath.ToSlash(path), "templates/") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, text := range templateText(string(b)) {
			if strings.Contains(text, " :") {
				t.Errorf("%s types a colon after a space: %q", path, strings.ReplaceAll(text, "\x00", "{{…}}"))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
