-- Each instance's records received, delivered and failed per five seconds, over the flows' rejection windows: the
-- rejection alarm of any instance weighs what every instance sharing the store received.
CREATE TABLE sync_recent_outcomes (
    flow VARCHAR(100) NOT NULL,
    instance_id VARCHAR(200) NOT NULL,
    bucket_start BIGINT NOT NULL,
    received BIGINT NOT NULL,
    delivered BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    PRIMARY KEY (flow, instance_id, bucket_start));
