-- +goose Up
-- Decisions refused because the page's origin is not one its site allows
-- (store.Refusals): a count per site, origin (scheme://host[:port], never a
-- path) and hour (Unix time / 3600), kept a week, at most
-- store.MaxRefusedOrigins origins per site and hour. Nothing personal.
-- Logged, unlike rate_counts: a week of counts should outlive a crash or a
-- failover.
CREATE TABLE refusals (
    site    text   NOT NULL,
    origin  text   NOT NULL,
    hour    bigint NOT NULL,
    refused bigint NOT NULL,
    PRIMARY KEY (site, hour, origin)
);
CREATE INDEX refusals_hour ON refusals (hour);

-- +goose Down
DROP TABLE refusals;
