package web_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/consentry/consentry/internal/i18n"
	"github.com/consentry/consentry/web"
)

// TestReadmeSaysWhatTheDemoVideoShows: the README's words on a blocked
// iframe's placeholder say what the demo shows, its video named by its
// service (web.DemoVideo, as TestDemoVideoPlaceholderNamesItsService sees
// in a browser); it said the placeholder named the host "as the demo's
// video is here", which the demo stopped doing when the video was given
// its data-service.
func TestReadmeSaysWhatTheDemoVideoShows(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)\nA blocked iframe shows a click-to-load placeholder.*?\n\n`).Find(readme)
	if m == nil {
		t.Fatal("the README does not describe a blocked iframe's placeholder")
	}
	para := strings.Join(strings.Fields(string(m)), " ")
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	blocked := b.For("en").TData("ph_blocked", map[string]any{"Service": web.DemoVideo, "Category": "Marketing"})
	shown, _, _ := strings.Cut(blocked, " until")
	for _, want := range []string{`data-service="` + web.DemoVideo + `"`, shown} {
		if !strings.Contains(para, want) {
			t.Errorf("the README's placeholder paragraph lacks %q: %s", want, para)
		}
	}
	if strings.Contains(para, "as the demo's video is here") {
		t.Errorf("the README says the demo's video is named by its host: %s", para)
	}
}
