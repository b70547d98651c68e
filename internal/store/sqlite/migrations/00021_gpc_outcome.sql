-- +goose Up
-- The opt-out a Global Privacy Control signal makes by itself (source gpc)
-- is an outcome of its own, gpc (consent.Outcome), whatever action it was
-- stored with: accept_all before 2 December 2026, custom since.
--
-- Each such event's row is marked (flags bit 4, store.FlagGPCOptOut; the
-- ledger chains over bits 1 and 2 only) and two partial indexes hold the
-- marked rows, so that the log's filter "Opted out by GPC" reads them
-- newest first, of every site or of one, instead of walking the log.
UPDATE events SET flags = flags | 4
WHERE (flags & 4) = 0 AND choice_id IN (SELECT id FROM choices WHERE source = 'gpc');
CREATE INDEX events_gpc_optout ON events (seq) WHERE (flags & 4) <> 0;
CREATE INDEX events_gpc_optout_site ON events (site_id, seq) WHERE (flags & 4) <> 0;

-- The daily rollup counted them under their stored action, and their grants
-- as granted (consent.Rollup now counts them under gpc, granting nothing).
-- Their counts move, from the events, by site, day, revision and what was
-- stored: minus under the old cells, plus under gpc. Only the counts of the
-- events held are moved; the rollup keeps counting events that retention
-- has purged, and of those nothing tells a GPC opt-out apart: they stay
-- where they were counted (the rollup is not recomputed, which would lose
-- them). Category keys are [a-z0-9_], so a granted list becomes a JSON
-- array by quoting.
WITH g AS MATERIALIZED (
    SELECT e.site_id, e.time / 86400000000 AS day, c.revision, c.action, c.granted, count(*) AS n
    FROM events e JOIN choices c ON c.id = e.choice_id
    WHERE (e.flags & 4) <> 0
    GROUP BY e.site_id, day, c.revision, c.action, c.granted
), d (site_id, day, dim, key, n) AS (
    SELECT site_id, day, 'action', action, -n FROM g
    UNION ALL
    SELECT site_id, day, 'action', 'gpc', n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:' || action, -n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:gpc', n FROM g
    UNION ALL
    SELECT g.site_id, g.day, 'granted', c.value, -g.n
    FROM g, json_each('["' || replace(g.granted, ',', '","') || '"]') AS c WHERE g.granted <> ''
    UNION ALL
    SELECT g.site_id, g.day, 'revision', g.revision || ':granted:' || c.value, -g.n
    FROM g, json_each('["' || replace(g.granted, ',', '","') || '"]') AS c WHERE g.granted <> ''
)
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, dim, key, sum(n) FROM d WHERE true GROUP BY site_id, day, dim, key
ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = n + excluded.n;
DELETE FROM daily WHERE n <= 0;

-- +goose Down
-- Back to counting a GPC opt-out under its stored action, with its grants:
-- the counts of the events held move back; what is left under gpc (events
-- purged since) goes to custom, the action such an opt-out is stored as
-- since 2 December 2026 (its grants are not known).
WITH g AS MATERIALIZED (
    SELECT e.site_id, e.time / 86400000000 AS day, c.revision, c.action, c.granted, count(*) AS n
    FROM events e JOIN choices c ON c.id = e.choice_id
    WHERE (e.flags & 4) <> 0
    GROUP BY e.site_id, day, c.revision, c.action, c.granted
), d (site_id, day, dim, key, n) AS (
    SELECT site_id, day, 'action', action, n FROM g
    UNION ALL
    SELECT site_id, day, 'action', 'gpc', -n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:' || action, n FROM g
    UNION ALL
    SELECT site_id, day, 'revision', revision || ':action:gpc', -n FROM g
    UNION ALL
    SELECT g.site_id, g.day, 'granted', c.value, g.n
    FROM g, json_each('["' || replace(g.granted, ',', '","') || '"]') AS c WHERE g.granted <> ''
    UNION ALL
    SELECT g.site_id, g.day, 'revision', g.revision || ':granted:' || c.value, g.n
    FROM g, json_each('["' || replace(g.granted, ',', '","') || '"]') AS c WHERE g.granted <> ''
)
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, dim, key, sum(n) FROM d WHERE true GROUP BY site_id, day, dim, key
ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = n + excluded.n;
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, dim, substr(key, 1, length(key) - 3) || 'custom', n FROM daily
WHERE n > 0 AND ((dim = 'action' AND key = 'gpc') OR (dim = 'revision' AND key LIKE '%:action:gpc'))
ON CONFLICT (site_id, day, dim, key) DO UPDATE SET n = n + excluded.n;
DELETE FROM daily WHERE n <= 0 OR (dim = 'action' AND key = 'gpc') OR (dim = 'revision' AND key LIKE '%:action:gpc');
UPDATE events SET flags = flags & ~4 WHERE (flags & 4) <> 0;
DROP INDEX events_gpc_optout_site;
DROP INDEX events_gpc_optout;
