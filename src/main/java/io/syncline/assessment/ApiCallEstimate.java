package io.syncline.assessment;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Salesforce API calls a day a flow's traffic costs in each mode, with the chunk sizes configured:
 * <ul>
 * <li>real-time, single upserts: one {@code upsertSObject} call a record;</li>
 * <li>real-time micro-batched: records of one {@code micro-batch-interval} share sObject Collections calls of up to
 * 200 (fewer when the chunk size is smaller);</li>
 * <li>batch: each window's records in chunks of {@code target.chunk-size} (Salesforce's default: bulk-threshold + 1);
 * a file above {@code bulk-threshold} rows goes through Bulk API 2.0, {@value #CALLS_PER_BULK_JOB} calls a job (one
 * a chunk: create, upload, close, one state poll, failed results, unprocessed records), else sObject Collections
 * calls of up to 200; a pull's pages are its chunks.</li>
 * </ul>
 * A day of R records and W windows has min(W, R) windows with records in them, each with ceil(R / min(W, R))
 * records: records spread evenly over the day, which a steady flow is and a bursty one is not.
 */
public final class ApiCallEstimate {

    /** sObject Collections takes at most 200 records a request. */
    static final int COLLECTION_MAX = 200;
    /** create job, upload CSV, close, poll state (at least once), failed results, unprocessed records. */
    static final int CALLS_PER_BULK_JOB = 6;

    /** How a flow's records are cut when it runs in batch mode. */
    public record Chunking(int chunkSize, int bulkThreshold, boolean pull, int pageSize) {
    }

    /** One mode's cost. */
    @JsonPropertyOrder({ "apiCallsPerDay", "shareOfAllowance", "how", "build", "runPerYear" })
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModeCost(double apiCallsPerDay, double shareOfAllowance, String how, Double build, Double runPerYear) {
    }

    private ApiCallEstimate() {
    }

    /** One call a record. */
    public static double singleUpserts(double recordsPerDay) {
        return recordsPerDay;
    }

    /** sObject Collections calls, the records of each interval together. */
    public static double microBatched(double recordsPerDay, Duration interval, Chunking chunking) {
        int size = Math.min(COLLECTION_MAX, Math.max(1, chunking.chunkSize()));
        double windows = Duration.ofDays(1).toMillis() / (double) Math.max(1, interval.toMillis());
        return perDay(recordsPerDay, windows, n -> ceilDiv(n, size));
    }

    /** The calls of windows at this cadence. */
    public static double batch(double recordsPerDay, Cadence cadence, Chunking chunking) {
        return perDay(recordsPerDay, cadence.windowsPerDay(), n -> batchWindow(n, chunking));
    }

    /** The calls of one window with n records. */
    static long batchWindow(long n, Chunking chunking) {
        if (chunking.pull()) {
            return chunkedCollections(n, Math.max(1, chunking.pageSize()));
        }
        int chunk = Math.max(1, chunking.chunkSize());
        if (chunk > chunking.bulkThreshold() && n > chunking.bulkThreshold()) {
            return ceilDiv(n, chunk) * CALLS_PER_BULK_JOB;
        }
        return chunkedCollections(n, chunk);
    }

    /** Full chunks, each split in requests of 200, then the rest. */
    private static long chunkedCollections(long n, int chunk) {
        return n / chunk * ceilDiv(chunk, COLLECTION_MAX) + ceilDiv(n % chunk, COLLECTION_MAX);
    }

    private static double perDay(double recordsPerDay, double windowsPerDay, java.util.function.LongUnaryOperator callsPerWindow) {
        if (recordsPerDay <= 0) {
            return 0;
        }
        double windows = Math.min(windowsPerDay, recordsPerDay);
        // the tolerance keeps 1/7 a day over windows of 1/7 a day at one record, not two
        long perWindow = (long) Math.ceil(recordsPerDay / windows - 1e-9);
        return Evidence.round(windows * callsPerWindow.applyAsLong(perWindow));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
