-- The durable job queue (see "Jobs" in simulation-service/README.md). Written for PostgreSQL; the
-- embedded build runs it on H2 in PostgreSQL mode, which accepts the same types.

-- One row per job. state moves QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED, or QUEUED ->
-- CANCELLED. A worker owns a RUNNING job while lease_expiry lies in the future; another worker may
-- claim it once the lease has expired.
CREATE TABLE job (
    id                      VARCHAR(63)                 NOT NULL PRIMARY KEY,
    display_name            VARCHAR(200)                NOT NULL,
    kind                    VARCHAR(32)                 NOT NULL,
    state                   VARCHAR(16)                 NOT NULL,
    -- The submitted job (display_name and spec only) as serialized factorytwin.simulation.v1.Job.
    spec                    BYTEA                       NOT NULL,
    creator                 VARCHAR(255)                NOT NULL,
    -- Idempotency key of SubmitJob and the SHA-256 (hex) of the request it came with, so that
    -- SubmitJob detects a reuse of the key with another body.
    request_id              VARCHAR(64),
    request_hash            VARCHAR(64)                 NOT NULL,
    -- Change number: grows by one with every change of the row. It is the etag and the WatchJob
    -- sequence.
    version                 BIGINT                      NOT NULL,
    attempt_count           INTEGER                     NOT NULL,
    lease_owner             VARCHAR(128),
    lease_expiry            TIMESTAMP(6) WITH TIME ZONE,
    cancel_requested        BOOLEAN                     NOT NULL,
    progress_fraction       DOUBLE PRECISION,
    progress_message        VARCHAR(1000),
    progress_simulated_time TIMESTAMP(6) WITH TIME ZONE,
    progress_time           TIMESTAMP(6) WITH TIME ZONE,
    failure_reason          VARCHAR(64),
    failure_message         VARCHAR(4000),
    failure_subject         VARCHAR(255),
    create_time             TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    update_time             TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    start_time              TIMESTAMP(6) WITH TIME ZONE,
    end_time                TIMESTAMP(6) WITH TIME ZONE,
    -- No CHECK on state: H2 2.4.240 rejects every insert into a table with a CHECK constraint once
    -- the connection that created the constraint has closed ("Check constraint invalid: ... The
    -- database has been closed"). JobStore writes the column only from JobState names.
    CONSTRAINT job_request_unique UNIQUE (creator, request_id)
);

-- Workers claim the oldest QUEUED job, or a RUNNING one whose lease has expired.
CREATE INDEX job_claim_idx ON job (state, create_time, id);
-- ListJobs pages newest first.
CREATE INDEX job_create_time_idx ON job (create_time, id);

-- The stored outcome of a SUCCEEDED job: serialized factorytwin.simulation.v1.JobResult, with its
-- SeriesInfo list and warnings.
CREATE TABLE job_result (
    job_id      VARCHAR(63)                 NOT NULL PRIMARY KEY REFERENCES job (id),
    result      BYTEA                       NOT NULL,
    create_time TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- The down-sampled series of a result, one row per series: serialized
-- factorytwin.simulation.v1.Series with its timestamps and values. series_index keeps the order in
-- which the runner returned them; ListJobSeries, not built yet, must sort by name and labels.
CREATE TABLE job_series (
    job_id       VARCHAR(63) NOT NULL REFERENCES job (id),
    series_index INTEGER     NOT NULL,
    name         VARCHAR(128) NOT NULL,
    series       BYTEA       NOT NULL,
    PRIMARY KEY (job_id, series_index)
);
