package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"implique/internal/app"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/web"
)

// Rush is many people signing up at once for an event that cannot seat
// them all: the first Capacity get a seat, the others wait in the order
// they arrived.
type Rush struct {
	Engine         string // "sqlite" or "postgres"
	Instances      int
	Size, Capacity int
	Elapsed        time.Duration
	// Confirmed and Waitlisted are counted in the database afterwards;
	// Refused are the requests not answered 201.
	Confirmed, Waitlisted, Refused int
	// Exact: exactly Capacity confirmed, the rest on the wait-list, every
	// seat to someone who arrived before everyone waiting, and the
	// wait-list in the order of arrival.
	Exact bool
	// Problem says, when not exact, the first thing found wrong.
	Problem Text
}

// PerSec is the sign-ups per second.
func (r Rush) PerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Size) / r.Elapsed.Seconds()
}

// answer is what the API said to one person.
type answer struct {
	status   int
	state    string
	position int
}

// rush creates an event of cfg.RushCapacity seats in the database d (the
// one the children serve) and has cfg.RushSize people sign up through the
// API at once, cfg.Connections at a time, the requests shared in turn
// between bases (one per instance).
func rush(ctx context.Context, cfg *Config, d *db.DB, engine string, bases []string) (Rush, error) {
	r := Rush{Engine: engine, Instances: len(bases), Size: cfg.RushSize, Capacity: cfg.RushCapacity}
	a, err := app.New(app.Config{DB: d, Web: web.Config{BaseURL: bases[0]}, From: "Implique <ne-pas-repondre@localhost.localdomain>"})
	if err != nil {
		return r, err
	}
	t, _, err := demo.Base(ctx, a.Territories)
	if err != nil {
		return r, err
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	capacity := cfg.RushCapacity
	ev, err := a.Events.Create(ctx, t.ID, 0, events.Input{Kind: events.Forum, Title: "Banc d’essai : la ruée",
		PlaceSlug: "becancour", VenueName: "Salle municipale", StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: &capacity})
	if err != nil {
		return r, fmt.Errorf("rush event: %w", err)
	}
	if err := a.Events.Publish(ctx, t.ID, ev.ID, time.Time{}); err != nil {
		return r, fmt.Errorf("rush event: %w", err)
	}

	tr := newTransport(cfg.Connections)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	answers := make([]answer, cfg.RushSize)
	var next atomic.Int64
	var wg sync.WaitGroup
	begin := time.Now()
	for range cfg.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= cfg.RushSize || ctx.Err() != nil {
					return
				}
				answers[i] = signUp(ctx, client, fmt.Sprintf("%s/api/v1/events/%d/registrations", bases[i%len(bases)], ev.ID), i)
			}
		}()
	}
	wg.Wait()
	r.Elapsed = time.Since(begin)
	if err := ctx.Err(); err != nil {
		return r, err
	}

	regs, err := a.Events.Registrations(ctx, t.ID, ev.ID)
	if err != nil {
		return r, err
	}
	r.check(answers, regs)
	return r, nil
}

// signUp is person i signing up, from an address of their own, ready to
// wait for a seat.
func signUp(ctx context.Context, c *http.Client, url string, i int) answer {
	body := fmt.Sprintf(`{"name":"Personne %d","email":"%s","party_size":1,"waitlist":true}`, i, rushEmail(i))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		return answer{}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
	res, err := c.Do(req)
	if err != nil {
		return answer{}
	}
	defer res.Body.Close()
	var out struct {
		Status   string `json:"status"`
		Position *int   `json:"waitlist_position"`
	}
	b, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode}
	if json.Unmarshal(b, &out) == nil {
		a.state = out.Status
		if out.Position != nil {
			a.position = *out.Position
		}
	}
	return a
}

func rushEmail(i int) string { return fmt.Sprintf("ruee-%d@exemple.org", i) }

// check compares what the API answered with what the database holds.
func (r *Rush) check(answers []answer, regs []events.Registration) {
	person := map[string]int{}
	for i := range answers {
		person[rushEmail(i)] = i
		if answers[i].status != http.StatusCreated {
			r.Refused++
		}
	}
	var confirmedMax, waitMin int64 = 0, -1
	pos := 0
	for _, reg := range regs {
		switch reg.Status {
		case events.Confirmed:
			r.Confirmed++
			confirmedMax = max(confirmedMax, reg.ID)
		case events.Waitlisted:
			r.Waitlisted++
			pos++
			if waitMin < 0 {
				waitMin = reg.ID
			}
			// Registrations lists the wait-list in its order: the position
			// each one was told on arrival, and the order of arrival.
			i, ok := person[reg.Email]
			if r.Problem.Key == "" && (!ok || answers[i].position != pos || reg.WaitlistPosition != pos) {
				r.Problem = T("cli.bench.rush_order", pos)
			}
		}
	}
	wantWait := r.Size - r.Capacity
	switch {
	case r.Refused > 0:
		r.Problem = T("cli.bench.rush_refused", r.Refused)
	case r.Confirmed != r.Capacity || r.Waitlisted != wantWait:
		r.Problem = T("cli.bench.rush_counts", r.Confirmed, r.Capacity, r.Waitlisted, wantWait)
	case waitMin >= 0 && confirmedMax > waitMin:
		r.Problem = T("cli.bench.rush_seat_order")
	}
	r.Exact = r.Problem.Key == ""
}
