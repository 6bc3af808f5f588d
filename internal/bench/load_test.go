package bench

import (
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A product that compresses its JSON still shows the bench its soupers.
func TestSouperPathReadsCompressedJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("kind") != "citizen_dinner" || r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write([]byte(`{"events":[{"slug":"souper-becancour"}]}`))
		_ = zw.Close()
	}))
	defer srv.Close()
	c := &http.Client{Transport: newTransport(1)}
	got, err := souperPath(context.Background(), c, srv.URL)
	if err != nil || got != "/evenements/souper-becancour" {
		t.Fatalf("souperPath = %q, %v", got, err)
	}
}

// The bare handler answers the bytes and headers it was given, and the
// load counts its answers.
func TestBareAnswersTheSameBytes(t *testing.T) {
	b, err := startBare()
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	want := response{status: http.StatusOK, contentType: "text/html; charset=utf-8", contentEncoding: "gzip", body: []byte("\x1f\x8bpas vraiment")}
	b.resp.Store(&want)
	c := &http.Client{Transport: newTransport(1)}
	got, err := fetch(context.Background(), c, b.url)
	if err != nil {
		t.Fatal(err)
	}
	if got.status != want.status || got.contentType != want.contentType || got.contentEncoding != want.contentEncoding || string(got.body) != string(want.body) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	r, err := load(context.Background(), b.url, http.StatusOK, 2, 0, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.errors != 0 || r.requests == 0 || r.p99 < r.p50 {
		t.Errorf("load: %+v", r)
	}
}
