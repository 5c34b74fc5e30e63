-- Idempotency keys of create calls (RegisterAgent, CreateGuardrail, CreateHold): a retry with the
-- same key from the same caller within 24 hours returns the resource the first call created.
CREATE TABLE request_record (
    caller      VARCHAR(255)                NOT NULL,
    method      VARCHAR(32)                 NOT NULL,
    request_id  VARCHAR(64)                 NOT NULL,
    resource    VARCHAR(255)                NOT NULL,
    create_time TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (caller, method, request_id)
);
