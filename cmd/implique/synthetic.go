package main

import (
	"context"
	"errors"
	"flag"
	"strconv"
	"time"

	"implique/internal/app"
	"implique/internal/i18n"
	"implique/internal/synthetic"
)

// syntheticFlags are the seed command's --synthetic and --scale.
type syntheticFlags struct {
	kind  string
	scale float64
}

func addSyntheticFlags(fs *flag.FlagSet) *syntheticFlags {
	f := &syntheticFlags{}
	fs.StringVar(&f.kind, "synthetic", "", "fill an empty database with a made-up province (province)")
	fs.Float64Var(&f.scale, "scale", 1, "with --synthetic: multiply every count (0.001 for a test)")
	return f
}

// check refuses what --synthetic cannot do.
func (f *syntheticFlags) check(withDemo bool) error {
	switch {
	case f.kind == "" && f.scale != 1:
		return fail("cli.synthetic.scale_alone")
	case f.kind == "":
		return nil
	case f.kind != "province":
		return fail("cli.synthetic.unknown", f.kind)
	case withDemo:
		return fail("cli.synthetic.with_demo")
	case !(f.scale > 0 && f.scale <= 10):
		return fail("cli.synthetic.scale", strconv.FormatFloat(f.scale, 'g', -1, 64))
	}
	return nil
}

// seedSynthetic fills an empty database with the synthetic province at
// scale, saying how far it is.
func seedSynthetic(ctx context.Context, a *app.App, scale float64, u *ui) error {
	began := time.Now()
	size := synthetic.Province.Scaled(scale)
	num := func(n int) string { return i18n.Number(u.lang, int64(n)) }
	last := began
	got, err := synthetic.Seed(ctx, a, scale, func(step string, done, total int) {
		if step == "start" {
			u.say("cli.synthetic.start", num(size.Territories), num(size.People), num(size.Registrations))
			return
		}
		// Every territory while there are few, then every tenth.
		if total > 20 && done%10 != 0 && done != total {
			return
		}
		u.say("cli.synthetic.step."+step, num(done), num(total), elapsed(time.Since(last)))
		last = time.Now()
	})
	if errors.Is(err, synthetic.ErrNotEmpty) {
		return fail("cli.synthetic.not_empty")
	}
	if err != nil {
		return fail("cli.synthetic.failed").and("cli.detail", err.Error())
	}
	u.say("cli.synthetic.done", elapsed(time.Since(began)), num(got.Territories), num(got.Places), num(got.People),
		num(got.Organizations), num(got.Seats), num(got.Opportunities), num(got.Applications), num(got.Hours), num(got.Events),
		num(got.Registrations), num(got.Responses))
	return nil
}

// elapsed is a duration to the tenth of a second.
func elapsed(d time.Duration) string { return d.Round(100 * time.Millisecond).String() }
