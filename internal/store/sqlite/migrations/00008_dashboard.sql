-- +goose Up
-- The daily rollup by policy revision, so the dashboard can compare two
-- revisions: dim 'revision', key 'N:action:ACTION' and 'N:granted:CATEGORY'
-- (consent.RevisionKey), written by the ledger writer from now on and
-- backfilled here from the events. The events are counted once by site, day
-- and choice (an integer: what was shown and chosen, migration 00007); only
-- those groups, a few a day, meet the choices table and have their granted
-- list split into categories. Category keys are [a-z0-9_], so the list
-- becomes a JSON array by quoting.
WITH e AS MATERIALIZED (
    SELECT site_id, time / 86400000000 AS day, choice_id, count(*) AS n
    FROM events GROUP BY site_id, day, choice_id
), g AS MATERIALIZED (
    SELECT e.site_id, e.day, c.revision, c.action, c.granted, sum(e.n) AS n
    FROM e JOIN choices c ON c.id = e.choice_id
    GROUP BY e.site_id, e.day, c.revision, c.action, c.granted
)
INSERT INTO daily (site_id, day, dim, key, n)
SELECT site_id, day, 'revision', revision || ':action:' || action, sum(n)
FROM g GROUP BY site_id, day, revision, action
UNION ALL
SELECT site_id, day, 'revision', revision || ':granted:' || c.value, sum(n)
FROM g, json_each('["' || replace(g.granted, ',', '","') || '"]') AS c
WHERE g.granted <> ''
GROUP BY site_id, day, revision, c.value;
-- A revision's counts over every day are one range of this index.
CREATE INDEX daily_revision ON daily (site_id, key) WHERE dim = 'revision';

-- +goose Down
DROP INDEX daily_revision;
DELETE FROM daily WHERE dim = 'revision';
