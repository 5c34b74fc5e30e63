-- Insights raised by the rules of a twin's owner. One row per episode of a condition.
CREATE TABLE insight (
    id                  VARCHAR(36)      PRIMARY KEY,
    twin_id             VARCHAR(63)      NOT NULL,
    rule                VARCHAR(63)      NOT NULL,
    rule_kind           INTEGER          NOT NULL,
    severity            INTEGER          NOT NULL,
    state               INTEGER          NOT NULL,
    summary             VARCHAR(512)     NOT NULL,
    node_id             VARCHAR(400)     NOT NULL,
    point_id            VARCHAR(512)     NOT NULL,
    observed_value      DOUBLE PRECISION NOT NULL,
    threshold_value     DOUBLE PRECISION NOT NULL,
    first_seen          TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen           TIMESTAMP WITH TIME ZONE NOT NULL,
    resolve_time        TIMESTAMP WITH TIME ZONE,
    acknowledged_by     VARCHAR(256)     NOT NULL,
    acknowledge_comment VARCHAR(4096)    NOT NULL,
    acknowledge_time    TIMESTAMP WITH TIME ZONE,
    version             BIGINT           NOT NULL,
    create_time         TIMESTAMP WITH TIME ZONE NOT NULL,
    update_time         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX insight_twin_last_seen ON insight (twin_id, last_seen);
