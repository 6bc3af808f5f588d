package bench

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/events"
	"implique/internal/i18n"
)

// fairRush is what a right rush of 5 people for 3 seats leaves: the
// answers each person got and the registrations the store lists.
func fairRush() ([]answer, []events.Registration) {
	answers := make([]answer, 5)
	var regs []events.Registration
	for i := range 5 {
		r := events.Registration{ID: int64(10 + i), Email: rushEmail(i), Status: events.Confirmed}
		answers[i] = answer{status: http.StatusCreated, state: events.Confirmed}
		if i >= 3 {
			r.Status, r.WaitlistPosition = events.Waitlisted, i-2
			answers[i] = answer{status: http.StatusCreated, state: events.Waitlisted, position: i - 2}
		}
		regs = append(regs, r)
	}
	return answers, regs
}

func TestRushCheck(t *testing.T) {
	check := func(answers []answer, regs []events.Registration) Rush {
		r := Rush{Size: 5, Capacity: 3}
		r.check(answers, regs)
		return r
	}
	t.Run("exact", func(t *testing.T) {
		r := check(fairRush())
		if !r.Exact || r.Confirmed != 3 || r.Waitlisted != 2 {
			t.Errorf("%+v, want exact, 3 confirmed, 2 waiting", r)
		}
	})
	t.Run("one seat too many", func(t *testing.T) {
		answers, regs := fairRush()
		regs[3].Status, regs[3].WaitlistPosition = events.Confirmed, 0
		regs[4].WaitlistPosition = 1
		answers[4].position = 1
		if r := check(answers, regs); r.Exact || r.Problem.Key != "cli.bench.rush_counts" {
			t.Errorf("%+v, want the counts wrong", r)
		}
	})
	t.Run("wait-list out of order", func(t *testing.T) {
		answers, regs := fairRush()
		answers[3].position, answers[4].position = 2, 1
		if r := check(answers, regs); r.Exact || r.Problem.Key != "cli.bench.rush_order" {
			t.Errorf("%+v, want the order wrong", r)
		}
	})
	t.Run("a seat to a late comer", func(t *testing.T) {
		answers, regs := fairRush()
		regs[2].ID = 99 // confirmed, yet registered after those waiting
		if r := check(answers, regs); r.Exact || r.Problem.Key != "cli.bench.rush_seat_order" {
			t.Errorf("%+v, want a seat out of order", r)
		}
	})
	t.Run("refused", func(t *testing.T) {
		answers, regs := fairRush()
		answers[1].status = http.StatusTooManyRequests
		if r := check(answers, regs); r.Exact || r.Problem.Key != "cli.bench.rush_refused" {
			t.Errorf("%+v, want the refusals said", r)
		}
	})
}

func TestWriteTable(t *testing.T) {
	r := &Report{Date: time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC), Machine: Machine{Cores: 2, OS: "linux", Arch: "amd64", GoVersion: "go1", CPU: "X"},
		Connections: 64, Duration: 10 * time.Second, Warmup: time.Second,
		Rows: []Row{
			{Measure: T("cli.bench.m.dinners", "/soupers"), Figure: T("cli.bench.f.page", 45.26, 1234.0, 2727.0, 3200*time.Microsecond, 21*time.Millisecond),
				Goal: T("cli.bench.g.dinners", 40, 25*time.Millisecond), Verdict: Reached},
			{Measure: T("cli.bench.m.mem_idle"), Figure: T("cli.bench.f.mem", 24.5), Goal: T("cli.bench.g.mem", 30), Verdict: Reached},
		}}
	cat := i18n.MustLoad()
	for _, c := range []struct {
		lang     string
		markdown bool
		want     []string
	}{
		{"fr", false, []string{"Machine : 2 cœurs", "45,3 % du serveur nu (1 234 contre 2 727 req/s); p50 3,20 ms, p99 21 ms", "24,5 Mo", "oui"}},
		{"en", true, []string{"| Measure | Result | Goal | Reached |", "| 45.3 % of the bare server (1,234 vs 2,727 req/s); p50 3.20 ms, p99 21 ms |", "24.5 MB", "| yes |"}},
	} {
		var b bytes.Buffer
		if err := r.Write(&b, cat, c.lang, c.markdown); err != nil {
			t.Fatal(err)
		}
		out := strings.ReplaceAll(b.String(), i18n.NBSP, " ")
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in:\n%s", c.lang, w, out)
			}
		}
		if strings.Contains(out, "cli.bench.") {
			t.Errorf("%s: a key rather than words:\n%s", c.lang, out)
		}
	}
}

// TestEveryKeyIsInTheCatalogs reads the package's code for the keys of its sentences.
func TestEveryKeyIsInTheCatalogs(t *testing.T) {
	cat := i18n.MustLoad()
	re := regexp.MustCompile(`"(cli\.bench\.[a-z_.]+[a-z])"`)
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if !cat.Has(m[1]) {
				t.Errorf("%s: %s is not in the catalogs", f, m[1])
			}
		}
	}
	if n < 30 {
		t.Fatalf("found only %d keys: the scan is broken", n)
	}
}
