-- Each instance's record counters by flow and outcome since it started: the flow catalog of any instance shows the
-- sum over the instances that share the store.
CREATE TABLE sync_flow_counters (
    flow VARCHAR(100) NOT NULL,
    outcome VARCHAR(40) NOT NULL,
    instance_id VARCHAR(200) NOT NULL,
    started_at BIGINT NOT NULL,
    record_count BIGINT NOT NULL,
    PRIMARY KEY (flow, outcome, instance_id));
