package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// response is what a page answered, kept to be served again by the bare
// handler: the same status, bytes and headers that shape them.
type response struct {
	status          int
	contentType     string
	contentEncoding string
	body            []byte
}

// loadResult is one target loaded for the measured duration.
type loadResult struct {
	requests int
	errors   int // transport errors and answers other than the expected status
	perSec   float64
	p50, p99 time.Duration
}

// newTransport is the client side of the load: conns keep-alive
// connections, no transparent decompression (bytes are counted as sent).
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxConnsPerHost:     conns,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// fetch gets url once as the load does, and keeps its answer.
func fetch(ctx context.Context, c *http.Client, url string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: res.StatusCode, contentType: res.Header.Get("Content-Type"),
		contentEncoding: res.Header.Get("Content-Encoding"), body: body}, nil
}

// load sends GET url from conns goroutines, each with its keep-alive
// connection, for warmup then duration; the answers that end within the
// duration count (the throughput of a steady flow).
func load(ctx context.Context, url string, status, conns int, warmup, duration time.Duration) (loadResult, error) {
	tr := newTransport(conns)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	begin := time.Now()
	from, to := begin.Add(warmup), begin.Add(warmup+duration)
	var errCount atomic.Int64
	lat := make([][]time.Duration, conns)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := make([]time.Duration, 0, 4096)
			for {
				start := time.Now()
				if !start.Before(to) || ctx.Err() != nil {
					break
				}
				ok := once(ctx, client, url, status)
				end := time.Now()
				if end.Before(from) || end.After(to) {
					continue
				}
				if !ok {
					errCount.Add(1)
					continue
				}
				own = append(own, end.Sub(start))
			}
			lat[i] = own
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return loadResult{}, err
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r := loadResult{requests: len(all), errors: int(errCount.Load()), perSec: float64(len(all)) / duration.Seconds()}
	r.p50, r.p99 = percentile(all, 50), percentile(all, 99)
	return r, nil
}

// once sends one request and reads the whole answer; ok is an answer of
// the expected status.
func once(ctx context.Context, c *http.Client, url string, status int) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := c.Do(req)
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return err == nil && res.StatusCode == status
}

// percentile of sorted durations (nearest rank); 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return sorted[min(i, len(sorted))-1]
}

// bare is the baseline: a plain net/http server answering from memory the
// response it is given, with the same headers.
type bare struct {
	srv  *http.Server
	url  string
	resp atomic.Pointer[response]
}

func startBare() (*bare, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &bare{url: "http://" + ln.Addr().String() + "/"}
	b.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp := b.resp.Load()
		if resp == nil {
			http.NotFound(w, r)
			return
		}
		if resp.contentType != "" {
			w.Header().Set("Content-Type", resp.contentType)
		}
		if resp.contentEncoding != "" {
			w.Header().Set("Content-Encoding", resp.contentEncoding)
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(resp.body)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
	})}
	go func() { _ = b.srv.Serve(ln) }()
	return b, nil
}

func (b *bare) close() { _ = b.srv.Close() }
