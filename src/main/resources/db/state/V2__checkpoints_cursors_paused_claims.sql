-- State that lived in files under the data directory (state/) and in each process: shared by every instance.

-- How far a file got: the last line whose chunk was delivered or dead-lettered, for this very file (identity).
CREATE TABLE sync_file_checkpoints (
    flow VARCHAR(100) NOT NULL,
    file_name VARCHAR(500) NOT NULL,
    file_identity VARCHAR(1000) NOT NULL,
    completed_line BIGINT NOT NULL,
    PRIMARY KEY (flow, file_name));

-- Where a pull resumes.
CREATE TABLE sync_pull_cursors (
    flow VARCHAR(100) NOT NULL PRIMARY KEY,
    cursor_value VARCHAR(8000) NOT NULL);

-- Flows an operator paused: every instance suspends their routes.
CREATE TABLE sync_paused_flows (
    flow VARCHAR(100) NOT NULL PRIMARY KEY,
    paused_at BIGINT NOT NULL);

-- A file of a shared inbox is taken by the one instance that holds its claim; a claim whose holder stopped
-- renewing it (killed) is taken over.
CREATE TABLE sync_file_claims (
    flow VARCHAR(100) NOT NULL,
    file_name VARCHAR(500) NOT NULL,
    instance_id VARCHAR(200) NOT NULL,
    renewed_at BIGINT NOT NULL,
    PRIMARY KEY (flow, file_name));
