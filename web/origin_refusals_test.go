package web

import (
	"strconv"
	"testing"
	"time"
)

// TestOriginRefusalsLoggedSparingly: one site and origin is logged once a
// minute, and made-up origins, however many, at most originRefusalLines
// (60) times a minute in all.
func TestOriginRefusalsLoggedSparingly(t *testing.T) {
	var r originRefusals
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	if !r.due("demo", "https://a.example", now) || r.due("demo", "https://a.example", now.Add(59*time.Second)) {
		t.Fatal("one origin: want a line, then none within the minute")
	}
	if !r.due("demo", "https://a.example", now.Add(61*time.Second)) {
		t.Fatal("one origin: want a line again after a minute")
	}
	logged := 0
	for i := range 10_000 {
		if r.due("demo", "https://"+strconv.Itoa(i)+".example", now.Add(62*time.Second)) {
			logged++
		}
	}
	if logged != 59 { // 60 a minute, a.example's at 61 s one of them
		t.Errorf("10,000 made-up origins in a minute: %d lines, want 59", logged)
	}
	if !r.due("demo", "https://b.example", now.Add(122*time.Second)) {
		t.Error("a new minute: want a line")
	}
}
