package consent

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Change is one difference between two configurations of a site: the path
// of a field, its old value and its new one ("" where there was none).
type Change struct {
	Path     string
	Old, New string
}

// Diff lists what differs between two configurations, field by field, in
// path order. Revision numbers are not compared.
func Diff(a, b *Site) []Change {
	fa, fb := flatten(a), flatten(b)
	var out []Change
	for p, v := range fa {
		if w, ok := fb[p]; !ok || w != v {
			out = append(out, Change{Path: p, Old: v, New: fb[p]})
		}
	}
	for p, w := range fb {
		if _, ok := fa[p]; !ok {
			out = append(out, Change{Path: p, New: w})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func flatten(s *Site) map[string]string {
	out := map[string]string{}
	if s == nil {
		return out
	}
	b, _ := json.Marshal(s) // a Site always marshals
	var v any
	json.Unmarshal(b, &v)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case nil:
		default:
			out[path] = fmt.Sprint(x)
		}
	}
	if m, ok := v.(map[string]any); ok {
		// How a revision was published is not part of what it says.
		delete(m, "editorial")
		delete(m, "material_revision")
	}
	walk("", v)
	return out
}
