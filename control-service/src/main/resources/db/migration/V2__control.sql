-- Agents, guardrails, holds, actions and the audit trail of control-service.
-- Written for PostgreSQL; the embedded build runs it on H2 in PostgreSQL mode.

CREATE TABLE agent (
    id                VARCHAR(63)                 NOT NULL PRIMARY KEY,
    display_name      VARCHAR(200)                NOT NULL,
    owner             VARCHAR(200)                NOT NULL,
    -- Point-name patterns, one per line.
    scopes            VARCHAR(20000)              NOT NULL,
    mode              VARCHAR(16)                 NOT NULL,
    enabled           BOOLEAN                     NOT NULL,
    lease_duration_ms BIGINT                      NOT NULL,
    lease_expire_time TIMESTAMP(6) WITH TIME ZONE,
    disabled_reason   VARCHAR(2000)               NOT NULL,
    -- Raised on every settings change; the etag is derived from it. Heartbeats leave it alone.
    version           BIGINT                      NOT NULL,
    create_time       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    update_time       TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE guardrail (
    id                  VARCHAR(63)                 NOT NULL PRIMARY KEY,
    point_pattern       VARCHAR(1000)               NOT NULL,
    description         VARCHAR(2000)               NOT NULL,
    unit                VARCHAR(32)                 NOT NULL,
    min_value           DOUBLE PRECISION            NOT NULL,
    max_value           DOUBLE PRECISION            NOT NULL,
    max_rate_per_minute DOUBLE PRECISION            NOT NULL,
    approval_min_value  DOUBLE PRECISION            NOT NULL,
    approval_max_value  DOUBLE PRECISION            NOT NULL,
    safe_default_value  DOUBLE PRECISION            NOT NULL,
    version             BIGINT                      NOT NULL,
    create_time         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    update_time         TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- The interlocks of a guardrail, in request order. Unused columns of a kind are NULL.
CREATE TABLE guardrail_interlock (
    guardrail_id   VARCHAR(63)      NOT NULL REFERENCES guardrail (id) ON DELETE CASCADE,
    position       INT              NOT NULL,
    kind           VARCHAR(16)      NOT NULL,
    input_point    VARCHAR(1000),
    margin_k       DOUBLE PRECISION,
    min_flow_lpm   DOUBLE PRECISION,
    min_leaving_c  DOUBLE PRECISION,
    max_leaving_c  DOUBLE PRECISION,
    PRIMARY KEY (guardrail_id, position)
);

CREATE TABLE hold (
    id             VARCHAR(63)                 NOT NULL PRIMARY KEY,
    point          VARCHAR(1000)               NOT NULL,
    hold_value     DOUBLE PRECISION            NOT NULL,
    unit           VARCHAR(32)                 NOT NULL,
    reason         VARCHAR(2000)               NOT NULL,
    state          VARCHAR(16)                 NOT NULL,
    previous_value DOUBLE PRECISION,
    point_version  BIGINT                      NOT NULL,
    creator        VARCHAR(255)                NOT NULL,
    releaser       VARCHAR(255)                NOT NULL,
    version        BIGINT                      NOT NULL,
    create_time    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    release_time   TIMESTAMP(6) WITH TIME ZONE
);
CREATE INDEX hold_point ON hold (point, state);

CREATE TABLE action (
    id                  VARCHAR(63)                 NOT NULL PRIMARY KEY,
    agent_id            VARCHAR(63)                 NOT NULL,
    point               VARCHAR(1000)               NOT NULL,
    requested_value     DOUBLE PRECISION            NOT NULL,
    unit                VARCHAR(32)                 NOT NULL,
    rationale           VARCHAR(2000)               NOT NULL,
    request_id          VARCHAR(64)                 NOT NULL,
    agent_mode          VARCHAR(16)                 NOT NULL,
    outcome             VARCHAR(24)                 NOT NULL,
    state               VARCHAR(24)                 NOT NULL,
    previous_value      DOUBLE PRECISION,
    applied_value       DOUBLE PRECISION,
    point_version       BIGINT                      NOT NULL,
    agent_facility_time TIMESTAMP(6) WITH TIME ZONE,
    check_facility_time TIMESTAMP(6) WITH TIME ZONE,
    decided_by          VARCHAR(255)                NOT NULL,
    decision_comment    VARCHAR(2000)               NOT NULL,
    decide_time         TIMESTAMP(6) WITH TIME ZONE,
    apply_time          TIMESTAMP(6) WITH TIME ZONE,
    expire_time         TIMESTAMP(6) WITH TIME ZONE,
    revert_cause        VARCHAR(24)                 NOT NULL,
    reverted_by         VARCHAR(255)                NOT NULL,
    reverted_value      DOUBLE PRECISION,
    revert_time         TIMESTAMP(6) WITH TIME ZONE,
    superseded_by       VARCHAR(255)                NOT NULL,
    version             BIGINT                      NOT NULL,
    create_time         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    update_time         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    -- One action per agent and idempotency key: a retry finds the stored action.
    CONSTRAINT action_request UNIQUE (agent_id, request_id)
);
CREATE INDEX action_point_state ON action (point, state);

CREATE TABLE action_violation (
    action_id   VARCHAR(63)   NOT NULL REFERENCES action (id),
    position    INT           NOT NULL,
    rule        VARCHAR(40)   NOT NULL,
    subject     VARCHAR(1000) NOT NULL,
    description VARCHAR(2000) NOT NULL,
    PRIMARY KEY (action_id, position)
);

CREATE TABLE action_guardrail (
    action_id         VARCHAR(63) NOT NULL REFERENCES action (id),
    position          INT         NOT NULL,
    guardrail_id      VARCHAR(63) NOT NULL,
    guardrail_version BIGINT      NOT NULL,
    PRIMARY KEY (action_id, position)
);

-- The append-only audit trail. The service only inserts into it; see AuditTrail.
CREATE TABLE audit_entry (
    sequence      BIGINT                      NOT NULL PRIMARY KEY,
    kind          VARCHAR(32)                 NOT NULL,
    actor         VARCHAR(255)                NOT NULL,
    subject       VARCHAR(1000)               NOT NULL,
    create_time   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    facility_time TIMESTAMP(6) WITH TIME ZONE,
    payload_json  VARCHAR(1000000)            NOT NULL,
    previous_hash BYTEA                       NOT NULL,
    hash          BYTEA                       NOT NULL
);

-- The head of the audit chain: one row, locked with SELECT ... FOR UPDATE by every append, so
-- appends from all replicas form one chain without forks or gaps.
CREATE TABLE audit_head (
    id       INT    NOT NULL PRIMARY KEY,
    sequence BIGINT NOT NULL,
    -- SHA-256 of the newest entry in lower-case hex; 64 zeros while the trail is empty.
    hash_hex VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, sequence, hash_hex)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
