package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/consentry/consentry/internal/auth"
	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/export"
	"github.com/consentry/consentry/templates"
)

// exportFilters are the console log's filters (consent.QueryKeys) that
// export takes as flags, each with its help; before, the log's page cursor,
// is not one.
var exportFilters = []struct{ key, help string }{
	{"site", "only this site's events (a site ID; an unknown site is an error)"},
	{"from", "only events on or after this day, YYYY-MM-DD (UTC)"},
	{"to", "only events on or before this day, YYYY-MM-DD (UTC, inclusive)"},
	{"action", "only decisions with this outcome: accept_all, reject_all, custom, withdraw, or gpc (opted out by the Global Privacy Control signal, whatever action it was stored with; the others never include those)"},
	{"granted", "only decisions that granted this category key"},
	{"denied", "only decisions that denied this category key"},
	{"source", "only decisions from this source: banner, preferences, nojs, api or gpc"},
	{"country", "only visitors from this country, a two-letter code such as FR"},
	{"lang", "only decisions made in this language, such as fr"},
	{"gpc", "only decisions with (1) or without (0) Global Privacy Control"},
}

// exportFlags streams the events matching the filters, oldest first.
func exportFlags(fs *flag.FlagSet) runner {
	db := dbFlag(fs)
	v := url.Values{}
	for _, f := range exportFilters {
		fs.Func(f.key, f.help, func(s string) error { v.Set(f.key, s); return nil })
	}
	format := fs.String("format", "csv", "the output: csv or ndjson (one JSON object a line)")
	return func(ctx context.Context, e *cmdEnv) error {
		q, err := consent.ParseLogQuery(v, time.UTC)
		if err != nil {
			return badUsage(err)
		}
		if !slices.Contains(export.Formats, *format) {
			return fmt.Errorf("%w: --format: %q is not an export format: use csv or ndjson", errUsage, *format)
		}
		st, err := openExisting(ctx, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		w := bufio.NewWriterSize(e.stdout, 64<<10)
		enc, err := export.NewEncoder(w, *format, export.NewCatalog(ctx, st))
		if err != nil {
			return err
		}
		if site := v.Get("site"); site != "" {
			if err := siteExists(ctx, st, site); err != nil {
				return err
			}
		}
		// An export from the command line is audited as one from the console.
		if err := st.Audit(ctx, auth.AuditEntry{Time: time.Now().UTC(), Actor: "cli", Action: "export", Target: *format,
			Detail: q.Values(time.UTC).Encode(), Words: templates.LogFilterWords(q.Values(time.UTC)), IP: "-"}); err != nil {
			return err
		}
		if err := st.Export(ctx, q, enc.Encode); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "exported %d events\n", enc.Count())
		return w.Flush()
	}

}
