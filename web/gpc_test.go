package web_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestGPCSupportResource: the origin publishes /.well-known/gpc.json as the
// GPC specification asks, served as application/json, {"gpc": true} with
// lastUpdate an RFC 3339 date, not one to come.
func TestGPCSupportResource(t *testing.T) {
	a := newApp(t, 0)
	rec := do(a, req{"GET", "/.well-known/gpc.json", "", nil})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /.well-known/gpc.json: %d, %q; want 200 application/json:\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var got struct {
		GPC        *bool  `json:"gpc"`
		LastUpdate string `json:"lastUpdate"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("gpc.json: %v:\n%s", err, rec.Body)
	}
	if got.GPC == nil || !*got.GPC {
		t.Errorf("gpc.json says gpc %v, want true:\n%s", got.GPC, rec.Body)
	}
	if d, err := time.Parse(time.DateOnly, got.LastUpdate); err != nil || d.After(time.Now()) {
		t.Errorf("gpc.json's lastUpdate %q is not a past RFC 3339 date (%v)", got.LastUpdate, err)
	}
}
