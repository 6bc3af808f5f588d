package bench

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"implique/internal/i18n"
)

// Write prints the report in lang: the date and the machine, then one
// table aligned in columns, or in Markdown for the README.
func (r *Report) Write(w io.Writer, cat i18n.Catalogs, lang string, markdown bool) error {
	t := func(x Text) string { return cat.T(lang, x.Key, r.args(cat, lang, x.Args)...) }
	m := r.Machine
	head := []string{
		t(T("cli.bench.title", i18n.DateTime(lang, r.Date.UTC())+" UTC")),
		t(T("cli.bench.machine", m.Cores, m.OS+"/"+m.Arch, m.GoVersion, m.CPU)),
		t(T("cli.bench.method", r.Connections, r.Duration, r.Warmup)),
	}
	cols := []string{t(T("cli.bench.col.measure")), t(T("cli.bench.col.figure")), t(T("cli.bench.col.goal")), t(T("cli.bench.col.verdict"))}
	cells := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		cells[i] = []string{t(row.Measure), t(row.Figure), t(row.Goal), t(T(verdictKey[row.Verdict]))}
	}
	bw := bufio.NewWriter(w)
	if markdown {
		for _, h := range head {
			fmt.Fprintf(bw, "%s  \n", h)
		}
		fmt.Fprintln(bw)
		mdRow := func(c []string) {
			esc := make([]string, len(c))
			for i, s := range c {
				esc[i] = strings.ReplaceAll(s, "|", `\|`)
			}
			fmt.Fprintf(bw, "| %s |\n", strings.Join(esc, " | "))
		}
		mdRow(cols)
		fmt.Fprintln(bw, "| --- | --- | --- | --- |")
		for _, c := range cells {
			mdRow(c)
		}
		return bw.Flush()
	}
	for _, h := range head {
		fmt.Fprintln(bw, h)
	}
	fmt.Fprintln(bw)
	width := make([]int, len(cols))
	for _, c := range append([][]string{cols}, cells...) {
		for i, s := range c {
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	line := func(c []string) {
		var b strings.Builder
		for i, s := range c {
			b.WriteString(s)
			if i < len(c)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(s)+2))
			}
		}
		fmt.Fprintln(bw, b.String())
	}
	line(cols)
	rule := make([]string, len(cols))
	for i := range cols {
		rule[i] = strings.Repeat("─", width[i])
	}
	line(rule)
	for _, c := range cells {
		line(c)
	}
	return bw.Flush()
}

var verdictKey = map[Verdict]string{
	NotMeasured: "cli.bench.v.not_measured",
	Reached:     "cli.bench.v.reached",
	Missed:      "cli.bench.v.missed",
	Reported:    "cli.bench.v.reported",
}

// args writes numbers and durations the way lang does; a Text argument
// is translated.
func (r *Report) args(cat i18n.Catalogs, lang string, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case float64:
			digits := 1
			if math.Abs(v) >= 100 {
				digits = 0
			}
			out[i] = i18n.Decimal(lang, v, digits)
		case int:
			out[i] = i18n.Number(lang, int64(v))
		case time.Duration:
			out[i] = duration(lang, v)
		case Text:
			out[i] = cat.T(lang, v.Key, r.args(cat, lang, v.Args)...)
		default:
			out[i] = a
		}
	}
	return out
}

// duration is a measured time: "3,2 ms", "250 ms", "1,42 s" in French.
func duration(lang string, d time.Duration) string {
	sep := i18n.NBSP
	if lang == "en" {
		sep = " "
	}
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d >= time.Second && d%time.Second == 0:
		return i18n.Decimal(lang, d.Seconds(), 0) + sep + "s"
	case d >= time.Second:
		return i18n.Decimal(lang, d.Seconds(), 2) + sep + "s"
	case ms >= 100 || (ms >= 10 && d%time.Millisecond == 0):
		return i18n.Decimal(lang, ms, 0) + sep + "ms"
	case ms >= 10:
		return i18n.Decimal(lang, ms, 1) + sep + "ms"
	default:
		return i18n.Decimal(lang, ms, 2) + sep + "ms"
	}
}

// machine says where the bench runs.
func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH, GoVersion: runtime.Version(), CPU: "?"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}
