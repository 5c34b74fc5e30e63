-- Stored control policies (see "Agent training" in simulation-service/README.md). Written for
-- PostgreSQL; the embedded build runs it on H2 in PostgreSQL mode, which accepts the same types.

-- One row per policy, `policies/{id}`. An AGENT_TRAINING job creates it on first use.
-- latest_version is 0 until the first version is stored; version grows by one with every change
-- and is the etag.
CREATE TABLE policy (
    id             VARCHAR(63)                 NOT NULL PRIMARY KEY,
    algorithm      VARCHAR(64)                 NOT NULL,
    latest_version INTEGER                     NOT NULL,
    version        BIGINT                      NOT NULL,
    create_time    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    update_time    TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- One immutable row per trained version, `policies/{policy_id}/versions/{version_id}`, with ids
-- 1, 2, ... per policy. artifact is the serialized factorytwin.simulation.v1.PolicyVersion with
-- parameters, metrics and training seeds; name, etag and create_time come from the columns.
-- training_job is unique, so a training job that runs again after a crash finds its version
-- instead of adding a second one.
CREATE TABLE policy_version (
    policy_id    VARCHAR(63)                 NOT NULL REFERENCES policy (id),
    version_id   INTEGER                     NOT NULL,
    training_job VARCHAR(63)                 NOT NULL,
    artifact     BYTEA                       NOT NULL,
    create_time  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (policy_id, version_id),
    CONSTRAINT policy_version_job_unique UNIQUE (training_job)
);
