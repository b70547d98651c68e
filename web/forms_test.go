package web_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// formFields is what a browser submits for a form left as the page showed
// it: every named input, checked box, selected option and textarea, in
// document order, with line breaks sent as CRLF (the HTML standard's form
// submission), a colour in lower case and the first option of a select
// where none is selected. The form is the one whose data-testid is testid;
// action is where it posts.
func formFields(t *testing.T, page, testid string) (action string, fields url.Values) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var form *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "form" && attr(n, "data-testid") == testid {
			form = n
			break
		}
	}
	if form == nil {
		t.Fatalf("no form %q on the page", testid)
	}
	action = attr(form, "action")
	out := url.Values{}
	add := func(name, value string) {
		value = strings.ReplaceAll(strings.ReplaceAll(value, "\r\n", "\n"), "\n", "\r\n")
		out.Add(name, value)
	}
	for n := range form.Descendants() {
		name := attr(n, "name")
		if n.Type != html.ElementNode || name == "" || hasAttr(n, "disabled") {
			continue
		}
		switch n.Data {
		case "input":
			switch typ := strings.ToLower(attr(n, "type")); typ {
			case "checkbox", "radio":
				if hasAttr(n, "checked") {
					add(name, cmpOr(attr(n, "value"), "on"))
				}
			case "submit", "button", "reset", "image", "file":
			case "color":
				add(name, strings.ToLower(cmpOr(attr(n, "value"), "#000000")))
			default:
				add(name, attr(n, "value"))
			}
		case "textarea":
			add(name, textOf(n))
		case "select":
			var first, chosen *html.Node
			for o := range n.Descendants() {
				if o.Type == html.ElementNode && o.Data == "option" {
					if first == nil {
						first = o
					}
					if hasAttr(o, "selected") {
						chosen = o
					}
				}
			}
			if chosen == nil {
				chosen = first
			}
			if chosen != nil {
				v, ok := attrOK(chosen, "value")
				if !ok {
					v = strings.Join(strings.Fields(textOf(chosen)), " ")
				}
				add(name, v)
			}
		}
	}
	return action, out
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string { v, _ := attrOK(n, key); return v }

func hasAttr(n *html.Node, key string) bool { _, ok := attrOK(n, key); return ok }

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// rowTexts are the rows of the table whose data-testid is testid, each as
// its cells' text joined by " | ".
func rowTexts(t *testing.T, page, testid string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "table" || attr(n, "data-testid") != testid {
			continue
		}
		for tr := range n.Descendants() {
			if tr.Type != html.ElementNode || tr.Data != "tr" {
				continue
			}
			var cells []string
			for td := range tr.ChildNodes() {
				if td.Type == html.ElementNode && (td.Data == "td" || td.Data == "th") {
					cells = append(cells, strings.Join(strings.Fields(textOf(td)), " "))
				}
			}
			out = append(out, strings.Join(cells, " | "))
		}
	}
	return out
}
