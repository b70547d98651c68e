-- +goose Up
-- The daily rollup by policy revision, so the dashboard can compare two
-- revisions: dim 'revision', key 'N:action:ACTION' and 'N:granted:CATEGORY'
-- (consent.RevisionKey), written by the ledger writer from now on and
-- backfilled here from the events. The events are counted once by site, day
-- and choice (an integer: what was shown and chosen, migration 00007); only
-- those groups, a few a day, meet the choices table and have their granted
-- list split into categories.
WITH e AS MATERIALIZED (
    SELECT site_id, time / 86400000000 AS day, choice_id, count(*) AS n
    FROM events GROUP BY 1, 2, 3
), g AS MATERIALIZED (
    SELECT e.site_id, e.day, c.revision, c.action, c.granted, sum(e.n) AS n
    FROM e JOIN choices c ON c.id = e.choice_id
    GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, 'revision', revision || ':action:' || action, sum(n)
FROM g GROUP BY site_id, day, revision, action
UNION ALL
SELECT site_id, day, 'revision', revision || ':granted:' || c, sum(n)
FROM g, unnest(string_to_array(g.granted, ',')) AS c
WHERE g.granted <> ''
GROUP BY site_id, day, revision, c;
-- A revision's counts over every day are one range of this index (bytewise,
-- whatever the database's collation, so "3:" to "3;" holds revision 3 only).
CREATE INDEX daily_revision ON daily (site_id, key COLLATE "C") WHERE dim = 'revision';

-- +goose Down
DROP INDEX daily_revision;
DELETE FROM daily WHERE dim = 'revision';
