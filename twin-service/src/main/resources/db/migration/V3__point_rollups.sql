-- One-minute roll-ups of telemetry per point. The owner of a twin writes a minute once it has
-- closed; a replay of the same minute after a crash or failover is ignored by the key.
CREATE TABLE point_rollup (
    twin_id      VARCHAR(63)              NOT NULL,
    point_id     VARCHAR(512)             NOT NULL,
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    min_value    DOUBLE PRECISION         NOT NULL,
    mean_value   DOUBLE PRECISION         NOT NULL,
    max_value    DOUBLE PRECISION         NOT NULL,
    sample_count INTEGER                  NOT NULL,
    PRIMARY KEY (twin_id, point_id, minute_start)
);
