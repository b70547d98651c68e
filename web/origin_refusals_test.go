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

// TestRefusalCountsBounded: however many made-up origins a site's refused
// decisions come from, an instance counts at most refusedPerSite of them
// between two flushes, those it counts first keep counting, and a flush
// takes the counts and starts afresh.
func TestRefusalCountsBounded(t *testing.T) {
	var r originRefusals
	r.count("demo", "http://shop.example", 1)
	for i := range 10_000 {
		r.count("demo", "https://"+strconv.Itoa(i)+".example", 1)
	}
	r.count("demo", "http://shop.example", 1)
	r.count("blog", "http://blog.example", 1)
	got := r.take()
	perSite := map[string]int{}
	for _, c := range got {
		perSite[c.Site]++
		if c.Origin == "http://shop.example" && c.Count != 2 {
			t.Errorf("http://shop.example counted %d, want 2", c.Count)
		}
	}
	if perSite["demo"] != refusedPerSite || perSite["blog"] != 1 {
		t.Errorf("origins counted: %v, want demo %d, blog 1", perSite, refusedPerSite)
	}
	if again := r.take(); len(again) != 0 {
		t.Errorf("a second take: %v, want nothing", again)
	}
}
