-- +goose Up
-- Decisions refused because the page's origin is not one its site allows
-- (store.Refusals): a count per site, origin (scheme://host[:port], never a
-- path) and hour (Unix time / 3600), kept a week, at most
-- store.MaxRefusedOrigins origins per site and hour. Nothing personal.
CREATE TABLE refusals (
    site    TEXT    NOT NULL,
    origin  TEXT    NOT NULL,
    hour    INTEGER NOT NULL,
    refused INTEGER NOT NULL,
    PRIMARY KEY (site, hour, origin)
) WITHOUT ROWID;
CREATE INDEX refusals_hour ON refusals (hour);

-- +goose Down
DROP TABLE refusals;
