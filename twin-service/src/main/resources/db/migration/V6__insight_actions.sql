-- Control-service actions that changed a setpoint of an insight's node while the insight was
-- open or acknowledged.
CREATE TABLE insight_action (
    insight_id VARCHAR(36)  NOT NULL REFERENCES insight (id),
    action     VARCHAR(200) NOT NULL,
    PRIMARY KEY (insight_id, action)
);
