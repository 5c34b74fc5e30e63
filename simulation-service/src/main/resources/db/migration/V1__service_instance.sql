-- Every process of simulation-service that has run against this database (see InstanceRegistry).
-- Written for PostgreSQL; the embedded build runs it on H2 in PostgreSQL mode.
CREATE TABLE service_instance (
    id           UUID                        NOT NULL PRIMARY KEY,
    service      VARCHAR(32)                 NOT NULL,
    host         VARCHAR(255)                NOT NULL,
    pid          BIGINT                      NOT NULL,
    started_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    stopped_at   TIMESTAMP(6) WITH TIME ZONE
);
