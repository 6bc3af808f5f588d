package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"implique/internal/db/dbtest"
)

func TestSeedSyntheticProvince(t *testing.T) {
	clearEnv(t)
	engines := map[string]func(t *testing.T) []string{
		"sqlite":   func(t *testing.T) []string { return []string{"--data-dir", t.TempDir()} },
		"postgres": func(t *testing.T) []string { return []string{"--database-url", dbtest.Postgres(t, nil).URL} },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			where := engines[name](t)
			ctx := context.Background()
			var out bytes.Buffer
			if err := run(ctx, append([]string{"seed", "--synthetic", "province", "--scale", "0.001"}, where...), nil, &out); err != nil {
				t.Fatal(explain(err, "fr"))
			}
			text := out.String()
			for _, want := range []string{"Écriture d’une province synthétique\u00a0: 1 territoires, 1\u00a0000 personnes",
				"Territoire 1 sur 1 écrit", "Indicateurs calculés\u00a0: territoire 1 sur 1",
				"Province synthétique écrite en", "1\u00a0000 personnes", "5\u00a0000 inscriptions"} {
				if !strings.Contains(text, want) {
					t.Errorf("the output does not say %q:\n%s", want, text)
				}
			}
			// Again: the database has people now.
			out.Reset()
			err := run(ctx, append([]string{"seed", "--synthetic", "province", "--scale", "0.001"}, where...), nil, &out)
			if err == nil || !strings.Contains(explain(err, "fr"), "ne s’écrit que dans une base vide") {
				t.Fatalf("second seed: %v", err)
			}
			if out.Len() != 0 {
				t.Errorf("the refusal printed %q", out.String())
			}
		})
	}
}

func TestSeedSyntheticRefusals(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		fr, en string
	}{
		{[]string{"--synthetic", "ville"}, "ne connaît que «\u00a0province\u00a0» (reçu\u00a0: ville)", `knows only "province"`},
		{[]string{"--synthetic", "province", "--scale", "0"}, "plus grande que 0 et au plus 10 (reçu\u00a0: 0)", "more than 0 and at most 10"},
		{[]string{"--synthetic", "province", "--scale", "12"}, "(reçu\u00a0: 12)", "(got 12)"},
		{[]string{"--scale", "0.5"}, "ne sert qu’avec --synthetic province", "used only with --synthetic province"},
		{[]string{"--demo", "--synthetic", "province"}, "Choisissez --demo ou --synthetic", "Choose --demo or --synthetic"},
	} {
		err := run(context.Background(), append([]string{"seed", "--data-dir", dir}, c.args...), nil, &bytes.Buffer{})
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		if fr := explain(err, "fr"); !strings.Contains(fr, c.fr) {
			t.Errorf("%v: %q does not say %q", c.args, fr, c.fr)
		}
		if en := explain(err, "en"); !strings.Contains(en, c.en) {
			t.Errorf("%v: %q does not say %q", c.args, en, c.en)
		}
	}
}
