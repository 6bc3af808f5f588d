package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTerritoryAddAndList(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	ctx := context.Background()
	if err := run(ctx, []string{"seed", "--data-dir", dir}, nil, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	places := filepath.Join(t.TempDir(), "lieux.csv")
	if err := os.WriteFile(places, []byte("slug,name,kind\nnicolet,Nicolet,ville\nbaie-du-febvre,Baie-du-Febvre,municipalité\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(ctx, []string{"territory", "add", "--data-dir", dir, "--base-url", "https://implique.exemple.org:8443", "--name", "MRC de Nicolet-Yamaska",
		"--host", "nicolet.exemple.org", "--places", places, "--admin", "DG@nicolet.exemple.org", "--installation-admin"}, nil, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"MRC de Nicolet-Yamaska", "nicolet.exemple.org", "2 lieux", "Compte administrateur créé\u00a0: dg@nicolet.exemple.org",
		"dg@nicolet.exemple.org administre maintenant l’installation", "https://nicolet.exemple.org:8443/connexion/lien?jeton="} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no name", []string{"--host", "x.exemple.org", "--admin", "x@exemple.org"}, "--name\u00a0: Ce champ est obligatoire."},
		{"host already used", []string{"--name", "MRC X", "--host", "Nicolet.exemple.org", "--admin", "x@exemple.org"},
			"--host\u00a0: Un autre territoire est déjà servi à cette adresse"},
		{"bad host", []string{"--name", "MRC X", "--host", "https://x.exemple.org", "--admin", "x@exemple.org"}, "--host\u00a0: Entrez un nom de domaine"},
		{"no administrator", []string{"--name", "MRC X", "--host", "x.exemple.org"}, "--admin\u00a0: Ce champ est obligatoire."},
		{"no such file", []string{"--name", "MRC X", "--host", "x.exemple.org", "--admin", "x@exemple.org", "--places", filepath.Join(dir, "absent.csv")},
			"--places\u00a0: le fichier"},
		{"bad file", []string{"--name", "MRC X", "--host", "x.exemple.org", "--admin", "x@exemple.org", "--places", writeFile(t, "slug,name,kind\nx,X,ville\nx,Y,ville\n")},
			"--places\u00a0: Ligne 3 du fichier des lieux\u00a0: le slug «\u00a0x\u00a0» revient une deuxième fois."},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			err := run(ctx, append([]string{"territory", "add", "--data-dir", dir}, b.args...), nil, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("err = %v, want it to mention %q", err, b.want)
			}
		})
	}

	out.Reset()
	if err := run(ctx, []string{"territory", "list", "--data-dir", dir}, nil, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("list:\n%s", out.String())
	}
	for i, re := range []string{`^ID\s+TERRITOIRE\s+ADRESSE\s+LIEUX\s+PERSONNES$`, `^1\s+MRC de Bécancour\s+\(par défaut\)\s+19\s+0$`,
		`^2\s+MRC de Nicolet-Yamaska\s+nicolet\.exemple\.org\s+2\s+1$`} {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want %s", i+1, lines[i], re)
		}
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "lieux.csv")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
