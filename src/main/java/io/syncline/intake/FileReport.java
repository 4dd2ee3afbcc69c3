package io.syncline.intake;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What happened to one file, written to {@code ${sync.data-dir}/reports/<flow>/<stored-name>.report.json}.
 *
 * @param status   completed | failed
 * @param reason   why a failed file failed
 * @param movedTo  where the file now is, relative to the data directory
 */
@JsonPropertyOrder({ "flow", "file", "status", "reason", "rowsRead", "valid", "invalid", "published", "deadLettered", "staleSkipped", "resumedAfterLine",
        "startedAt", "finishedAt", "durationMs", "movedTo" })
public record FileReport(String flow, String file, String status, String reason, long rowsRead, long valid,
        long invalid, long published, long deadLettered, long staleSkipped, long resumedAfterLine, String startedAt, String finishedAt, long durationMs,
        String movedTo) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
}
