package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"implique/internal/db/dbtest"
)

// runBench runs `implique bench` briefly: the children it starts are this
// test binary, which runs main (see TestMain).
func runBench(t *testing.T, args ...string) string {
	t.Helper()
	clearEnv(t)
	t.Setenv("IMPLIQUE_TEST_RUN_MAIN", "1")
	t.Setenv("IMPLIQUE_BENCH_POSTGRES", "")
	var out bytes.Buffer
	all := append([]string{"bench", "--duration", "200ms", "--rush-size", "50", "--rush-capacity", "30", "--markdown"}, args...)
	if err := run(context.Background(), all, nil, &out); err != nil {
		t.Fatalf("bench: %v", err)
	}
	// French typography puts no-break spaces before colons and in « »:
	// the checks below read plain spaces.
	return strings.ReplaceAll(out.String(), "\u00a0", " ")
}

// row returns the Markdown row of the table that starts with measure.
func row(t *testing.T, table, measure string) string {
	t.Helper()
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, "| "+measure) {
			return l
		}
	}
	t.Fatalf("no row %q in:\n%s", measure, table)
	return ""
}

// exact is what a rush row says when the seats and the wait-list are right.
const exact = "30 confirmées, 20 en liste d’attente dans l’ordre d’arrivée : exact"

func TestBenchSQLite(t *testing.T) {
	table := runBench(t, "--pages", "/soupers,souper")
	for _, want := range []string{"Banc d’essai d’Implique", "Machine : ", "| Mesure | Résultat | Objectif | Atteint |"} {
		if !strings.Contains(table, want) {
			t.Errorf("no %q in:\n%s", want, table)
		}
	}
	for _, measure := range []string{"Liste des soupers (/soupers)", "Page d’un souper (/evenements/", "Mémoire résidente au repos",
		"Mémoire résidente de pointe sous la charge", "Démarrage de « serve --demo »", "Requêtes à l’échelle de la province"} {
		row(t, table, measure)
	}
	// So brief a load may see no answer end on a busy machine: the row
	// then says so. Either way it is a figure, never « non mesuré ».
	if r := row(t, table, "Liste des soupers"); !(strings.Contains(r, "% du serveur nu") && strings.Contains(r, "p99")) &&
		!strings.Contains(r, "aucune réponse complète") {
		t.Errorf("the soupers' row gives no ratio and p99: %s", r)
	}
	if r := row(t, table, "50 inscriptions à la fois, SQLite"); !strings.Contains(r, exact) {
		t.Errorf("the SQLite rush is not exact: %s", r)
	}
	if r := row(t, table, "50 inscriptions à la fois, PostgreSQL"); !strings.Contains(r, "non mesuré") {
		t.Errorf("without --postgres, the PostgreSQL rush should not be measured: %s", r)
	}
	if strings.Count(table, "\n| ") != 2+8 { // header, rule, 8 rows
		t.Errorf("want 8 rows:\n%s", table)
	}
}

func TestBenchPostgresTwoInstances(t *testing.T) {
	url := dbtest.PostgresURL(t)
	table := runBench(t, "--skip-pages", "--postgres", url)
	if r := row(t, table, "50 inscriptions à la fois, PostgreSQL, deux instances"); !strings.Contains(r, exact) {
		t.Errorf("the PostgreSQL rush is not exact: %s", r)
	}
	if r := row(t, table, "50 inscriptions à la fois, SQLite"); !strings.Contains(r, exact) {
		t.Errorf("the SQLite rush is not exact: %s", r)
	}
	if strings.Contains(table, "Liste des soupers") || strings.Contains(table, "sous la charge des pages") {
		t.Errorf("--skip-pages still loaded the pages:\n%s", table)
	}
}

func TestBenchRefusesBadOptions(t *testing.T) {
	clearEnv(t)
	t.Setenv("IMPLIQUE_BENCH_POSTGRES", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--pages", "/soupers,soupers"}, "« soupers » n’est ni un chemin"},
		{[]string{"--postgres", "mysql://root@localhost/test"}, "--postgres"},
		{[]string{"--duration", "1ms"}, "--duration"},
		{[]string{"--rush-size", "10", "--rush-capacity", "20"}, "--rush-capacity"},
		{[]string{"--vite"}, "--vite"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			err := run(context.Background(), append([]string{"bench"}, c.args...), nil, io.Discard)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := explain(err, "fr")
			if !strings.Contains(strings.ReplaceAll(msg, "\u00a0", " "), c.want) {
				t.Errorf("want %q in %q", c.want, msg)
			}
			sentence(t, msg, "fr")
		})
	}
}
