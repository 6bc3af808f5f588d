package files

import "testing"

func TestText(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		ok             bool
	}{
		{"UTF-8", "Bécancour", "Bécancour", true},
		{"UTF-8 with its mark", "\xef\xbb\xbfBécancour", "Bécancour", true},
		{"Windows-1252", "B\xe9cancour \x80", "Bécancour €", true},
		{"NUL", "B\x00", "", false},
	} {
		got, ok := Text([]byte(c.in))
		if ok != c.ok || string(got) != c.want {
			t.Errorf("%s: Text = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestSeparator(t *testing.T) {
	for in, want := range map[string]rune{
		"slug;name;kind\na,b,c,d,e\n": ';',
		"slug,name,kind\n":            ',',
		"slug\tname\tkind":            '\t',
		"slug\n":                      ';',
		"":                            ';',
	} {
		if got := Separator([]byte(in)); got != want {
			t.Errorf("Separator(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadable(t *testing.T) {
	for in, want := range map[string]bool{
		"Gentilly, l’été\tdeux\r\nlignes": true,
		"\x1b[31m":                        false,
		"\xff\xfe":                        false,
		"a\x00":                           false,
		"a\u0085":                         false,
		"a\x7f":                           false,
	} {
		if got := Readable(in); got != want {
			t.Errorf("Readable(%q) = %v, want %v", in, got, want)
		}
	}
}
