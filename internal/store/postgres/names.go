package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// removeNames deletes those of the user agents and pages numbered agents and
// pages that no event names any more, in tx, the transaction that erased or
// removed the events naming them: they are personal data (a browser's
// string, a page's address), and neither an erasure nor a purge may leave
// them behind. Each is one probe of events_agent or events_page.
//
// It first takes the ledger head's row lock, which every batch holds from
// before it inserts its events until it commits: the check then sees every
// batch committed before it, and none can insert meanwhile. When it removes
// any it counts that in ledger_head.names_removed, which each batch reads
// under the same lock, so that no instance writes a number it cached of a
// row that is gone (Store.appendLocked). Erasures and purges are what take
// the lock: appends wait for the rest of their transaction.
func removeNames(ctx context.Context, tx pgx.Tx, agents, pages []int64) error {
	if len(agents) == 0 && len(pages) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, "SELECT 1 FROM ledger_head WHERE id = 1 FOR UPDATE"); err != nil {
		return err
	}
	// A statement of its own after the lock: its snapshot sees what the
	// batches that held it before committed.
	_, err := tx.Exec(ctx, `WITH
	a AS (DELETE FROM agents WHERE id = ANY($1::bigint[])
		AND NOT EXISTS (SELECT 1 FROM events WHERE events.agent_id = agents.id) RETURNING 1),
	p AS (DELETE FROM pages WHERE id = ANY($2::integer[])
		AND NOT EXISTS (SELECT 1 FROM events WHERE events.page_id = pages.id) RETURNING 1)
UPDATE ledger_head SET names_removed = names_removed + 1
	WHERE id = 1 AND EXISTS (SELECT 1 FROM a UNION ALL SELECT 1 FROM p)`, agents, pages)
	return err
}
