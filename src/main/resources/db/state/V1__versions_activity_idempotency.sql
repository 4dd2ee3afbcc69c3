-- What Syncline kept before migrations existed; IF NOT EXISTS, so a store created by an earlier version is taken over
-- as it is (Flyway baselines it at version 0 first).
CREATE TABLE IF NOT EXISTS sync_versions (
    flow VARCHAR(100) NOT NULL,
    record_key VARCHAR(500) NOT NULL,
    source_version BIGINT NOT NULL,
    event_id VARCHAR(100),
    PRIMARY KEY (flow, record_key));

CREATE TABLE IF NOT EXISTS sync_flow_activity (
    flow VARCHAR(100) NOT NULL PRIMARY KEY,
    last_success BIGINT NOT NULL);

CREATE TABLE IF NOT EXISTS sync_idempotency (
    flow VARCHAR(100) NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    event_id VARCHAR(100) NOT NULL,
    created_at BIGINT NOT NULL,
    accepted BOOLEAN NOT NULL,
    body_hash VARCHAR(64),
    PRIMARY KEY (flow, idempotency_key));

ALTER TABLE sync_idempotency ADD COLUMN IF NOT EXISTS body_hash VARCHAR(64);
