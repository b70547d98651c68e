package scaletest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/ledger"
	"github.com/google/uuid"
)

// Sites and languages the generated events use; each (site, language) has a
// texts snapshot of revision 1, published by Fill.
var (
	sites = []weighted{{"shop", 75, nil}, {"blog", 25, nil}}
	langs = []weighted{
		{"en", 30, []string{"GB", "IE", "US", "US", "CA", "AU"}}, {"de", 15, []string{"DE", "AT", "CH"}},
		{"fr", 15, []string{"FR", "BE", "CH"}}, {"es", 10, []string{"ES", "MX", "AR"}}, {"it", 8, []string{"IT"}},
		{"nl", 6, []string{"NL", "BE"}}, {"pl", 5, []string{"PL"}}, {"pt", 4, []string{"PT", "BR"}},
		{"sv", 4, []string{"SE"}}, {"ar", 3, []string{"AE", "SA", "EG"}},
	}
	optOut   = map[string]bool{"US": true, "CA": true, "AU": true, "MX": true, "AR": true, "BR": true}
	notice   = map[string]bool{"AE": true, "SA": true, "EG": true}
	agentSet = func() []string {
		var out []string
		for i := range 200 {
			switch i % 4 {
			case 0:
				out = append(out, fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.0 Safari/537.36", 100+i%40, i))
			case 1:
				out = append(out, fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Mobile/15E148 Safari/604.1", i%8, i))
			case 2:
				out = append(out, fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", 100+i, 100+i))
			default:
				out = append(out, fmt.Sprintf("Mozilla/5.0 (Linux; Android 14; SM-S9%02d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36", i%100, 100+i%40))
			}
		}
		return out
	}()
)

// gen makes events as the HTTP layer would for a realistic mix of visitors:
// two sites, ten languages, most visitors new (their consent ID is the
// event's ID), a fifth returning to change their choice, the actions,
// sources, countries, agents and pages in proportions a busy shop sees.
type gen struct {
	rng   *rand.Rand
	texts map[string][32]byte // site + "/" + lang → snapshot hash
	// recent and old hold consent IDs returning visitors come back with:
	// most come back soon, some months later.
	recent [100000]uuid.UUID
	old    [10000]uuid.UUID
	seen   int
}

func newGen(seed uint64) *gen {
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0x5ca1e)), texts: map[string][32]byte{}}
	for _, s := range sites {
		for _, l := range langs {
			g.texts[s.name+"/"+l.name] = snapshot(s.name, l.name).Hash
		}
	}
	return g
}

// snapshot is the texts snapshot of revision 1 of site in lang.
func snapshot(site, lang string) consent.Snapshot {
	return consent.NewSnapshot(consent.Texts{Site: site, Revision: 1, Lang: lang,
		Messages: map[string]string{"banner_title": "Cookies on " + site + " (" + lang + ")"}})
}

// v7 is a UUIDv7 of time t, random otherwise.
func (g *gen) v7(t time.Time) uuid.UUID {
	var u uuid.UUID
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(u[:6], ms[2:])
	binary.LittleEndian.PutUint64(u[6:14], g.rng.Uint64())
	binary.LittleEndian.PutUint16(u[14:], uint16(g.rng.Uint32()))
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return u
}

// weighted is a site, or a language and its visitors' countries, with how
// often it comes up.
type weighted struct {
	name      string
	weight    int
	countries []string
}

func (g *gen) pick(items []weighted) weighted {
	total := 0
	for _, it := range items {
		total += it.weight
	}
	n := g.rng.IntN(total)
	for _, it := range items {
		if n -= it.weight; n < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

// event makes one event at time t, sealed for its personal fields as the
// HTTP layer seals it; withRequest gives it a request ID, as the snippet
// sends (time-ordered, like the snippet's).
func (g *gen) event(t time.Time, withRequest bool) *consent.Event {
	site, l := g.pick(sites).name, g.pick(langs)
	country := l.countries[g.rng.IntN(len(l.countries))]
	rule := "opt-in"
	switch {
	case optOut[country]:
		rule = "opt-out"
	case notice[country]:
		rule = "notice"
	}
	id := g.v7(t)
	cid := id
	switch r := g.rng.IntN(100); {
	case r < 17 && g.seen > 0:
		cid = g.recent[g.rng.IntN(min(g.seen, len(g.recent)))]
	case r < 20 && g.seen > 0:
		cid = g.old[g.rng.IntN(min(g.seen, len(g.old)))]
	}
	g.recent[g.seen%len(g.recent)] = cid
	if g.seen < len(g.old) {
		g.old[g.seen] = cid
	} else if j := g.rng.IntN(g.seen); j < len(g.old) {
		g.old[j] = cid
	}
	g.seen++
	var (
		action  consent.Action
		granted []string
		source  = consent.SourceBanner
	)
	switch r := g.rng.IntN(100); {
	case r < 55:
		action, granted = consent.AcceptAll, []string{"analytics", "marketing", "necessary", "preferences"}
	case r < 85:
		action, granted = consent.RejectAll, []string{"necessary"}
	case r < 97:
		action, granted = consent.Custom, []string{"analytics", "necessary"}
		if g.rng.IntN(2) == 0 {
			granted = []string{"necessary", "preferences"}
		}
	default:
		action, granted = consent.Withdraw, []string{"necessary"}
	}
	switch r := g.rng.IntN(100); {
	case r < 10:
		source = consent.SourcePreferences
	case r < 12:
		source = consent.SourceNoJS
	case r < 13:
		source = consent.SourceAPI
	case r < 15:
		source, action, granted = consent.SourceGPC, consent.RejectAll, []string{"necessary"}
	}
	page := "https://" + site + ".example/"
	switch r := g.rng.IntN(10); {
	case r < 5:
		page += fmt.Sprintf("products/%d", g.rng.IntN(20000))
	case r < 8:
		page += fmt.Sprintf("category/%d", g.rng.IntN(300))
	case r < 9:
		page += "checkout"
	}
	e := &consent.Event{
		ID: id, ConsentID: cid, Site: site, Revision: 1, Action: action, Granted: granted, Source: source,
		Lang: l.name, Country: country, Rule: rule, GPC: source == consent.SourceGPC || g.rng.IntN(20) == 0,
		DNT: g.rng.IntN(10) == 0, TextsHash: g.texts[site+"/"+l.name],
		Time: t, Expires: t.Add(consent.DefaultLifetime),
		Personal: consent.Personal{
			IP:        fmt.Sprintf("%d.%d.%d.0", 1+g.rng.IntN(223), g.rng.IntN(256), g.rng.IntN(256)),
			UserAgent: agentSet[g.rng.IntN(len(agentSet))],
			Page:      page,
		},
	}
	if withRequest {
		e.RequestID = g.v7(t)
	}
	ledger.SealPersonal(e)
	return e
}
