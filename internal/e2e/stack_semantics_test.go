package e2e

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axTable is a table as Chromium's accessibility tree gives it to a screen
// reader: its role, and each row's children's roles and names.
type axTable struct {
	Role string
	Rows [][]axCell
}

// axCell is one child of a row in the accessibility tree.
type axCell struct{ Role, Name string }

// axValue is a role's or a name's value as a string.
func axValue(v *accessibility.Value) string {
	if v == nil {
		return ""
	}
	var s string
	if json.Unmarshal(v.Value, &s) != nil {
		return string(v.Value)
	}
	return s
}

// axTableOf reads the table matched by selector from Chromium's
// accessibility tree: the rows are its descendants of role row, looking
// through ignored nodes and row groups.
func (b *browser) axTableOf(selector string) axTable {
	b.t.Helper()
	// The element is found as a JavaScript object, not by a DOM node ID:
	// chromedp asks for the document again as pages change, which makes
	// node IDs got before that unknown ("Could not find node with given id").
	q, err := chromedp.Call(b.ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: `document.querySelector(` + strconv.Quote(selector) + `)`})
	if err != nil || q.ExceptionDetails != nil || q.Result.ObjectID == "" {
		b.t.Fatalf("no %s on the page: %v", selector, err)
	}
	desc, err := chromedp.Call(b.ctx, dom.DescribeNode, dom.DescribeNodeParams{ObjectID: q.Result.ObjectID})
	if err != nil {
		b.t.Fatalf("DOM.describeNode: %v", err)
	}
	full, err := chromedp.Call(b.ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		b.t.Fatalf("Accessibility.getFullAXTree: %v", err)
	}
	byID := map[accessibility.NodeID]*accessibility.Node{}
	var table *accessibility.Node
	for _, n := range full.Nodes {
		byID[n.NodeID] = n
		if n.BackendDOMNodeID == desc.Node.BackendNodeID {
			table = n
		}
	}
	if table == nil {
		b.t.Fatalf("%s has no node in the accessibility tree", selector)
	}
	t := axTable{Role: axValue(table.Role)}
	// children are a node's unignored children, an ignored one's in its place.
	var children func(n *accessibility.Node) []*accessibility.Node
	children = func(n *accessibility.Node) []*accessibility.Node {
		var out []*accessibility.Node
		for _, id := range n.ChildIDs {
			c := byID[id]
			if c == nil {
				continue
			}
			if c.Ignored || axValue(c.Role) == "rowgroup" || axValue(c.Role) == "generic" {
				out = append(out, children(c)...)
				continue
			}
			out = append(out, c)
		}
		return out
	}
	for _, r := range children(table) {
		if axValue(r.Role) == "caption" {
			continue
		}
		if axValue(r.Role) != "row" {
			t.Rows = append(t.Rows, []axCell{{Role: "not a row: " + axValue(r.Role), Name: axValue(r.Name)}})
			continue
		}
		var row []axCell
		for _, c := range children(r) {
			row = append(row, axCell{Role: axValue(c.Role), Name: axValue(c.Name)})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// TestStackedTablesKeepTheirRoles: at 320 px, where the log, the audit
// trail and the requests stack each row's cells under its column's name,
// Chromium's accessibility tree still has a table of rows, a row of column
// headers named as the columns and, in every other row, one cell for each
// column, whose name does not repeat its column's (the name shown above it
// on screen is for the eye); a screen reader names each cell's column as on
// a desktop, in English and Arabic.
func TestStackedTablesKeepTheirRoles(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			b, c := axeConsole(t)
			b.signIn("/admin/log")
			b.open(c.consent) // an entry in the trail with a target and a detail
			b.do("narrowing the viewport", chromedp.EmulateViewport(320, 640))
			b.do("choosing the console's language", chromedp.SetValue(chromedp.CSS(`form[data-testid="me"] select[name="lang"]`), lang))
			b.clickTo("Save", `document.querySelector('form[data-testid="me"] button[type="submit"]')`)
			for _, p := range []struct{ path, table string }{{"/admin/log", "log"}, {"/admin/audit", "audit"}, {"/admin/requests", "requests"}} {
				b.open(p.path)
				sel := `[data-testid=` + strconv.Quote(p.table) + `]`
				if !eval[bool](b, `getComputedStyle(document.querySelector(`+strconv.Quote(sel+` tbody td`)+`)).display === "block"`) {
					t.Fatalf("at 320 px (%s), %s does not stack", lang, p.path)
				}
				heads := eval[[]string](b, `[...document.querySelectorAll(`+strconv.Quote(sel+` thead th`)+`)].map(th => th.textContent.trim())`)
				if os.Getenv("CONSENTRY_SCREENSHOTS") != "" {
					eval[bool](b, `(document.querySelector(`+strconv.Quote(sel)+`).scrollIntoView(), true)`)
					b.shotIfAsked("stacked-" + p.table + "-" + lang + ".png")
				}
				ax := b.axTableOf(sel)
				var bad []string
				// Safari drops a table part's semantics when its display
				// changes: each one the stacked layout changes, and the table
				// and row groups around them, says its role itself.
				bad = append(bad, eval[[]string](b, `((t) => {
					const native = {TABLE: ["table", "table"], THEAD: ["rowgroup", "table-header-group"], TBODY: ["rowgroup", "table-row-group"],
						TR: ["row", "table-row"], TH: ["columnheader", "table-cell"], TD: ["cell", "table-cell"]};
					const parts = [t, ...t.querySelectorAll("thead, tbody, tr, th, td")];
					const changed = parts.some(e => getComputedStyle(e).display !== native[e.tagName][1]);
					return parts.filter(e => e.getAttribute("role") !== native[e.tagName][0] && (changed && ["TABLE", "THEAD", "TBODY"].includes(e.tagName) || getComputedStyle(e).display !== native[e.tagName][1]))
						.slice(0, 4).map(e => "a " + e.tagName.toLowerCase() + " shown as " + getComputedStyle(e).display + " has role " + JSON.stringify(e.getAttribute("role")) + ", not " + native[e.tagName][0]);
				})(document.querySelector(`+strconv.Quote(sel)+`))`)...)
				if ax.Role != "table" {
					bad = append(bad, "the table's role is "+strconv.Quote(ax.Role))
				}
				if len(ax.Rows) < 2 {
					bad = append(bad, strconv.Itoa(len(ax.Rows))+" rows")
				}
				for i, row := range ax.Rows {
					if len(row) != len(heads) {
						bad = append(bad, "row "+strconv.Itoa(i)+" has "+strconv.Itoa(len(row))+" children for "+strconv.Itoa(len(heads))+" columns")
						continue
					}
					for j, cell := range row {
						switch {
						case i == 0 && (cell.Role != "columnheader" || cell.Name != heads[j]):
							bad = append(bad, "header "+strconv.Itoa(j)+" is a "+cell.Role+" named "+strconv.Quote(cell.Name)+", want a columnheader named "+strconv.Quote(heads[j]))
						case i > 0 && cell.Role != "cell":
							bad = append(bad, "row "+strconv.Itoa(i)+" cell "+strconv.Itoa(j)+" is a "+cell.Role)
						case i > 0 && heads[j] != "" && strings.HasPrefix(cell.Name, heads[j]):
							bad = append(bad, "row "+strconv.Itoa(i)+" cell "+strconv.Itoa(j)+" is named "+strconv.Quote(cell.Name)+", its column's name again")
						}
					}
				}
				if len(bad) > 0 {
					t.Errorf("at 320 px (%s), %s in the accessibility tree: %s", lang, p.path, strings.Join(bad[:min(len(bad), 6)], "; "))
				}
			}
		})
	}
}
