-- +goose NO TRANSACTION
-- +goose Up
-- The opt-out a Global Privacy Control signal makes by itself (source gpc)
-- is an outcome of its own, gpc (consent.Outcome), whatever action it was
-- stored with: accept_all before 2 December 2026, custom since.
--
-- Each such event's row is marked (flags bit 4, store.FlagGPCOptOut; the
-- ledger chains over bits 1 and 2 only), and the daily rollup, which
-- counted them under their stored action and their grants as granted
-- (consent.Rollup now counts them under gpc, granting nothing), has their
-- counts moved in the same statement: minus under the old cells, plus under
-- gpc, by site, day, revision and what was stored. A row marked already is
-- not counted again, so a run cut short and run again moves each once. Only
-- the counts of the events held are moved; the rollup keeps counting
-- events that retention has purged, and of those nothing tells a GPC
-- opt-out apart: they stay where they were counted (the rollup is not
-- recomputed, which would lose them).
WITH m AS (
    UPDATE events e SET flags = e.flags | 4 FROM choices c
    WHERE c.id = e.choice_id AND c.source = 'gpc' AND (e.flags & 4) = 0
    RETURNING e.site_id, e.time / 86400000000 AS day, c.revision, c.action, c.granted
), g AS (
    SELECT site_id, day, revision, action, granted, count(*) AS n FROM m GROUP BY 1, 2, 3, 4, 5
), d (site_id, day, dim, key, n) AS (
    SELECT site_id, day, 'action', action, -n FROM g
    UNION ALL
    SELECT site_id, day, 'action', 'gpc', n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:' || action, -n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:gpc', n FROM g
    UNION ALL
    SELECT site_id, day, 'granted', c, -n FROM g, unnest(string_to_array(g.granted, ',')) AS c WHERE g.granted <> ''
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':granted:' || c, -n
    FROM g, unnest(string_to_array(g.granted, ',')) AS c WHERE g.granted <> ''
)
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, dim, key, sum(n) FROM d GROUP BY 1, 2, 3, 4
ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = daily.n + excluded.n;
DELETE FROM daily WHERE n <= 0;
-- Two partial indexes hold the marked rows, so that the log's filter
-- "Opted out by GPC" reads them newest first, of every site or of one,
-- instead of walking the log. Built CONCURRENTLY, outside a transaction, so
-- consents go on being recorded meanwhile (a half-built one from an
-- interrupted run is dropped first).
DROP INDEX CONCURRENTLY IF EXISTS events_gpc_optout;
CREATE INDEX CONCURRENTLY events_gpc_optout ON events (seq) WHERE (flags & 4) <> 0;
DROP INDEX CONCURRENTLY IF EXISTS events_gpc_optout_site;
CREATE INDEX CONCURRENTLY events_gpc_optout_site ON events (site_id, seq) WHERE (flags & 4) <> 0;
-- Without statistics of the mark, the planner takes (flags & 4) <> 0 to be
-- true of nearly every row, and so the first index as good as the second
-- for one site's, or a site's own index as good as either when another
-- filter joins in. These tell it how few rows are marked, once the table
-- is analyzed: now, when it holds events (an empty one analyzed is taken
-- for empty until autovacuum looks again, and its tiny plans with it).
CREATE STATISTICS IF NOT EXISTS events_gpc_optout_share ON (flags & 4) FROM events;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM events) THEN
        ANALYZE events;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Back to counting a GPC opt-out under its stored action, with its grants:
-- the counts of the events held move back as their marks are taken off;
-- what is left under gpc (events purged since) goes to custom, the action
-- such an opt-out is stored as since 2 December 2026 (its grants are not
-- known), in the statement that deletes the gpc cells.
WITH m AS (
    UPDATE events e SET flags = e.flags & ~4 FROM choices c
    WHERE c.id = e.choice_id AND (e.flags & 4) <> 0
    RETURNING e.site_id, e.time / 86400000000 AS day, c.revision, c.action, c.granted
), g AS (
    SELECT site_id, day, revision, action, granted, count(*) AS n FROM m GROUP BY 1, 2, 3, 4, 5
), d (site_id, day, dim, key, n) AS (
    SELECT site_id, day, 'action', action, n FROM g
    UNION ALL
    SELECT site_id, day, 'action', 'gpc', -n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:' || action, n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:gpc', -n FROM g
    UNION ALL
    SELECT site_id, day, 'granted', c, n FROM g, unnest(string_to_array(g.granted, ',')) AS c WHERE g.granted <> ''
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':granted:' || c, n
    FROM g, unnest(string_to_array(g.granted, ',')) AS c WHERE g.granted <> ''
)
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, dim, key, sum(n) FROM d GROUP BY 1, 2, 3, 4
ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = daily.n + excluded.n;
WITH gone AS (
    DELETE FROM daily WHERE (dim = 'action' AND key = 'gpc') OR (dim = 'revision' AND key LIKE '%:action:gpc')
    RETURNING site_id, day, dim, key, n
)
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, dim, left(key, -3) || 'custom', n FROM gone WHERE n > 0
ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = daily.n + excluded.n;
DELETE FROM daily WHERE n <= 0;
DROP STATISTICS IF EXISTS events_gpc_optout_share;
DROP INDEX CONCURRENTLY IF EXISTS events_gpc_optout_site;
DROP INDEX CONCURRENTLY IF EXISTS events_gpc_optout;
