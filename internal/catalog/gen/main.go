// Command gen builds the service catalog (catalog.json) from Consentry's
// own service list (services.txt: names, categories, purposes and the hosts
// each service loads from) and the facts of the Open Cookie Database
// (ocd/open-cookie-database.csv: cookie names, prefixes and lifetimes).
// The database's descriptions are not used: purposes are Consentry's own
// visitor texts. Run it with `go generate ./internal/catalog`.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/consentry/consentry/internal/catalog"
	"github.com/consentry/consentry/internal/consent"
)

func main() {
	if err := run("services.txt", "ocd/open-cookie-database.csv", "catalog.json"); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type row struct {
	id, platform, category, name, domain, retention, controller, privacy string
	prefix                                                               bool
}

var (
	cookieName = regexp.MustCompile(`^[!#$%&'+\-.^_` + "`" + `|~0-9A-Za-z]+$`)
	domainName = regexp.MustCompile(`^\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

var span = regexp.MustCompile(`(?i)(\d+)\s*(seconds?|secs?|minutes?|mins?|hours?|days?|weeks?|w|months?|years?|y)\b`)

// lifetime reads the database's retention text: its longest stated span
// ("30 seconds till 1 year" is a year), "session", or no end ("forever":
// ten years). Anything else ("Unknown", "Varies") is not a fact to ship.
func lifetime(s string) (days int, session, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := span.FindAllStringSubmatch(s, -1); m != nil {
		last := m[len(m)-1]
		return consent.ParseDays(last[1] + " " + last[2])
	}
	switch {
	case strings.Contains(s, "session") || s == "seesion":
		return 0, true, true
	case slices.Contains([]string{"forever", "unlimited", "permanent", "persistent", "no expiration"}, s):
		return 3650, false, true
	}
	return 0, false, false
}

// kinds are the database's categories that fit each of ours.
var kinds = map[string][]string{
	"necessary":   {"Necessary", "Functional"},
	"preferences": {"Functional", "Personalization"},
	"analytics":   {"Analytics"},
	"marketing":   {"Marketing"},
}

// purpose is a cookie's purpose text, unless services.txt names one
// (name=purpose_…): the service's own when the database files the cookie
// under the service's kind, else the generic one of the database's
// category. A functional or personalisation cookie of an analytics or
// marketing service is anything from a login to a test bucket (the
// database's own descriptions say so): it gets purpose_function, true of
// each, which sends the visitor to the service's privacy policy, not
// purpose_settings ("language or player volume"), which was true of few.
func purpose(e catalog.Entry, ocdCategory string) string {
	if slices.Contains(kinds[e.Category], ocdCategory) {
		return e.DescriptionKey
	}
	switch ocdCategory {
	case "Security":
		return "purpose_security"
	case "Necessary":
		return "purpose_session"
	case "Analytics":
		return "purpose_visitor_id"
	case "Marketing":
		return "purpose_ads"
	}
	return "purpose_function"
}

func readOCD(path string) (map[string][]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	out := map[string][]row{}
	for _, r := range recs[1:] {
		name := strings.TrimSpace(r[3])
		prefix := r[9] == "1" || strings.HasSuffix(name, "*")
		name = strings.TrimRight(name, "*")
		out[r[1]] = append(out[r[1]], row{id: r[0], platform: r[1], category: r[2], name: name, domain: strings.ToLower(strings.TrimSpace(r[4])),
			retention: r[6], controller: r[7], privacy: r[8], prefix: prefix})
	}
	return out, nil
}

func run(services, ocdPath, out string) error {
	ocd, err := readOCD(ocdPath)
	if err != nil {
		return err
	}
	f, err := os.Open(services)
	if err != nil {
		return err
	}
	defer f.Close()
	var entries []catalog.Entry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 9 {
			return fmt.Errorf("%s:%d: want 9 fields, have %d", services, n, len(f))
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		e := catalog.Entry{ID: f[0], Name: f[1], Provider: f[2], Category: f[3], DescriptionKey: f[4], Hosts: strings.Fields(f[6]), PolicyURL: f[8]}
		var keep []string
		byCategory := ""
		purposes := map[string]string{} // a cookie's own purpose, where the service's or the database's category's would be wrong
		for _, k := range strings.Fields(f[7]) {
			if strings.HasPrefix(k, "@") {
				byCategory = k[1:]
				continue
			}
			if name, key, ok := strings.Cut(k, "="); ok {
				if !strings.HasPrefix(key, "purpose_") {
					return fmt.Errorf("%s:%d: %s: %q is no purpose", services, n, f[0], key)
				}
				k, purposes[name] = name, key
			}
			keep = append(keep, k)
		}
		seen := map[string]bool{}
		for _, p := range strings.Split(f[5], ",") {
			rows, ok := ocd[strings.TrimSpace(p)]
			if !ok {
				return fmt.Errorf("%s:%d: no platform %q in the Open Cookie Database", services, n, p)
			}
			for _, r := range rows {
				if (len(keep) > 0 && !slices.Contains(keep, r.name)) || (byCategory != "" && r.category != byCategory) ||
					seen[r.name] || !cookieName.MatchString(r.name) {
					continue
				}
				days, session, ok := lifetime(r.retention)
				if !ok {
					continue // an unknown lifetime is no fact to ship
				}
				seen[r.name] = true
				k := catalog.Cookie{Name: r.name, Days: min(days, 3650), Session: session, PurposeKey: purpose(e, r.category), Source: r.id}
				if key, ok := purposes[r.name]; ok {
					k.PurposeKey = key
				}
				if r.prefix {
					k.Name += "*"
				}
				if domainName.MatchString(r.domain) {
					k.Domain = r.domain
				}
				e.Cookies = append(e.Cookies, k)
				if e.PolicyURL == "" {
					e.PolicyURL = r.privacy
				}
			}
		}
		for _, k := range keep {
			if !seen[k] {
				return fmt.Errorf("%s:%d: %s: no cookie %q in %s", services, n, e.ID, k, f[5])
			}
		}
		if len(e.Cookies) == 0 && len(e.Hosts) == 0 {
			return fmt.Errorf("%s:%d: %s has neither cookies nor hosts", services, n, e.ID)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	// One entry a line: small, and a change reads well in a diff.
	var b strings.Builder
	b.WriteString("[\n")
	for i, e := range entries {
		if e.Cookies == nil {
			e.Cookies = []catalog.Cookie{}
		}
		j, err := json.Marshal(e)
		if err != nil {
			return err
		}
		b.Write(j)
		if i < len(entries)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return os.WriteFile(out, []byte(b.String()), 0o644)
}
