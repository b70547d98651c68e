package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
)

// names collects the user agent and page numbers that erased or purged
// events named: the rows that may now be named by no event.
type names struct{ agents, pages []int64 }

// add notes an event's agent and page numbers (NULL is none).
func (n *names) add(agent, page sql.NullInt64) {
	if agent.Valid {
		n.agents = append(n.agents, agent.Int64)
	}
	if page.Valid {
		n.pages = append(n.pages, page.Int64)
	}
}

// readNames reads the agent and page numbers of rows (closing them) and
// counts the rows.
func readNames(rows *sql.Rows, err error) (n names, count int, _ error) {
	if err != nil {
		return n, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var agent, page sql.NullInt64
		if err := rows.Scan(&agent, &page); err != nil {
			return n, count, err
		}
		n.add(agent, page)
		count++
	}
	return n, count, rows.Err()
}

// removeNames deletes those of n's user agents and pages that no event names
// any more, in tx, the transaction that erased or removed the events naming
// them: they are personal data (a browser's string, a page's address), and
// neither an erasure nor a purge may leave them behind. Each is one probe of
// events_agent or events_page. When any was removed it counts the removal in
// ledger_head.names_removed, which every writer reads with the head, so that
// none writes a cached number of a removed row.
func removeNames(ctx context.Context, tx *sql.Tx, n names) error {
	removed := int64(0)
	for _, d := range []struct {
		ids           []int64
		table, column string
	}{{n.agents, "agents", "agent_id"}, {n.pages, "pages", "page_id"}} {
		if len(d.ids) == 0 {
			continue
		}
		slices.Sort(d.ids)
		list, err := json.Marshal(slices.Compact(d.ids))
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM "+d.table+" WHERE id IN (SELECT value FROM json_each(?)) "+
			"AND NOT EXISTS (SELECT 1 FROM events WHERE events."+d.column+" = "+d.table+".id)", string(list))
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return err
		}
		removed += k
	}
	if removed == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE ledger_head SET names_removed = names_removed + 1 WHERE id = 1")
	return err
}
