package scaletest

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
)

// Step is one migration step Upgrade timed, and the store after it.
type Step struct {
	Name string
	Took time.Duration
	// Before and Size are the store's size on disk before and after the
	// step; Note says what else
	// the step needed (SQLite: its write-ahead log; PostgreSQL: the WAL it
	// wrote).
	Before, Size int64
	Note         string
}

// Upgrade times the upgrade of a store across migrations 00007 (events
// name their choice and page by number: a rewrite of the events table) and
// 00008 (the revision rollup, backfilled from the events). p is the store's
// goose provider on a store filled by Fill at the newest schema: Upgrade
// first takes it down to 00006 with the migrations' own Down, which writes
// the events back in the shape they had before 00007 (the store an
// upgrade starts from, as a server that ran 00006 for a long time left it,
// events in seq order), then times each step up. size reports the store's
// size after each step and anything else it took. settle, when set, runs
// after the store is taken down, as autovacuum would have done over time.
// Each migration after 00008 is timed on its own.
func Upgrade(ctx context.Context, p *goose.Provider, size func(ctx context.Context) (int64, string, error),
	settle func(ctx context.Context) error, logf func(format string, args ...any)) ([]Step, error) {
	steps := []struct {
		name string
		run  func() error
	}{
		{"down to 00006 (makes the old shape; not part of an upgrade)", func() error { _, err := p.DownTo(ctx, 6); return err }},
		{"up 00007 scale", func() error { _, err := p.UpTo(ctx, 7); return err }},
		{"up 00008 dashboard", func() error { _, err := p.UpTo(ctx, 8); return err }},
	}
	// Every later migration on its own: some build an index over every event.
	for _, src := range p.ListSources() {
		if v := src.Version; v > 8 {
			steps = append(steps, struct {
				name string
				run  func() error
			}{"up " + strings.TrimSuffix(filepath.Base(src.Path), ".sql"), func() error { _, err := p.UpTo(ctx, v); return err }})
		}
	}
	var out []Step
	for i, s := range steps {
		if i == 1 && settle != nil {
			start := time.Now()
			if err := settle(ctx); err != nil {
				return out, err
			}
			logf("settled the old shape in %s", time.Since(start).Round(time.Millisecond))
		}
		before, _, err := size(ctx) // also a clean start for the step's note
		if err != nil {
			return out, err
		}
		start := time.Now()
		if err := s.run(); err != nil {
			return out, fmt.Errorf("%s: %w", s.name, err)
		}
		st := Step{Name: s.name, Took: time.Since(start), Before: before}
		if st.Size, st.Note, err = size(ctx); err != nil {
			return out, err
		}
		logf("%s: %s, %.0f MB before, %.0f MB after, %s", st.Name, st.Took.Round(time.Millisecond), float64(st.Before)/1e6, float64(st.Size)/1e6, st.Note)
		out = append(out, st)
	}
	return out, nil
}

// PrintUpgrade writes Upgrade's steps as a table.
func PrintUpgrade(w io.Writer, name string, events int64, steps []Step) {
	fmt.Fprintf(w, "\n%s, %d events: migrations timed one at a time\n", name, events)
	fmt.Fprintf(w, "| step | took | per 1M events | size before → after | also |\n|---|---|---|---|---|\n")
	for _, s := range steps {
		fmt.Fprintf(w, "| %s | %s | %.1f s | %.0f → %.0f MB | %s |\n", s.Name, s.Took.Round(100*time.Millisecond),
			s.Took.Seconds()/float64(events)*1e6, float64(s.Before)/1e6, float64(s.Size)/1e6, s.Note)
	}
}
