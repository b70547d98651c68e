package web

import (
	"context"

	"github.com/consentry/consentry/internal/consent"
	"github.com/consentry/consentry/internal/shown"
)

type snapshotKey struct {
	site string
	rev  int
	lang string
}

// snapshot returns the hash of the texts snapshot that a visitor of site was
// shown at revision rev in lang: the proof an event records. It is in memory
// after the first time; before, one index probe finds the snapshot stored at
// publish. A language the i18n bundle gained after the revision was published
// has none: its snapshot is made now from that revision's frozen
// configuration (what the banner of that revision shows in that language)
// and stored; the first one stored wins, so instances agree.
func (s *Server) snapshot(ctx context.Context, site string, rev int, lang string) ([32]byte, error) {
	key := snapshotKey{site, rev, lang}
	if h, ok := s.texts.Load(key); ok {
		return h.([32]byte), nil
	}
	snap, err := s.cfg.Store.Snapshot(ctx, site, rev, lang)
	if consent.ErrorCode(err) == consent.ENotFound {
		var frozen *consent.Site
		if frozen, err = s.cfg.Store.Revision(ctx, site, rev); err != nil {
			return [32]byte{}, err
		}
		snap, err = s.cfg.Store.AddSnapshot(ctx, shown.Snapshot(s.cfg.I18n, frozen, lang))
	}
	if err != nil {
		return [32]byte{}, err
	}
	s.texts.Store(key, snap.Hash)
	return snap.Hash, nil
}
