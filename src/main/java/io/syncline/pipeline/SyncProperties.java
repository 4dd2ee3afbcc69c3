package io.syncline.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;

import io.syncline.record.BatchRun;
import io.syncline.record.Envelope;

/**
 * Exchange properties the routes and beans share. Context travels in properties, never in headers:
 * headers are cleared before every producer, and {@code useOriginalMessage} would restore them.
 */
public final class SyncProperties {

    /** The flow id, set by every intake route. */
    public static final String FLOW = "syncFlow";
    /** outbox | http, from the flow's configuration. */
    public static final String TARGET_KIND = "syncTargetKind";
    /** The {@link BatchRun} of the file or pull this chunk belongs to. */
    public static final String BATCH_RUN = "syncBatchRun";
    /** Dead letters waiting to be written by {@code direct:sync-dead-letter}. */
    public static final String DEAD_LETTERS = "syncDeadLetters";
    /** validation | target-transient | target-permanent | internal. */
    public static final String ERROR_CATEGORY = "syncErrorCategory";
    public static final String ATTEMPTS = "syncAttempts";
    public static final String FIRST_FAILURE_AT = "syncFirstFailureAt";
    public static final String LAST_FAILURE_AT = "syncLastFailureAt";
    /** What a target answered on the last failed call, kept for the dead letter rather than the log. */
    public static final String TARGET_RESPONSE = "syncTargetResponse";
    public static final String TARGET_URL = "syncTargetUrl";
    /** Set on a replay from the dead letters: the version guard then also skips a version already delivered. */
    public static final String REPLAY_COUNT = "syncReplayCount";
    /** The envelopes of the chunk not yet delivered, while the body holds what goes over the wire. */
    public static final String CHUNK_IN_FLIGHT = "syncChunkInFlight";
    /** The versions the chunk's keys had before it (key to source epoch ms), read by the version guard. */
    public static final String PREVIOUS_VERSIONS = "syncPreviousVersions";
    /** The envelopes of the http request in flight (the whole chunk, or one of it). */
    public static final String REQUEST_IN_FLIGHT = "syncRequestInFlight";
    /** The envelopes of the chunk the target has taken so far (http, Salesforce's collections and bulk jobs). */
    public static final String DELIVERED_SO_FAR = "syncDeliveredSoFar";
    /**
     * The Bulk API 2.0 job a chunk's records were uploaded to, until its results are read: a retry after a failure
     * in between (a 503 to a poll) asks after the same job instead of uploading the records to a second one.
     */
    public static final String BULK_JOB = "syncBulkJob";
    /** Set when Syncline aborted {@link #BULK_JOB} for running past {@code bulk-timeout}: its unprocessed records go again. */
    public static final String BULK_JOB_ABORTED = "syncBulkJobAborted";
    /**
     * Set once the target has taken the chunk, until it is counted as published: a failure in between (the version
     * write) is not retried, which would send the chunk again without its keys held, nor dead-lettered, which would
     * call delivered records undelivered; the chunk is not acknowledged and comes again.
     */
    public static final String TARGET_TOOK = "syncTargetTook";
    /** Set when the target refused a chunk's array outright: its records go again one per request. */
    public static final String ONE_BY_ONE = "syncOneByOne";
    /** Set when dead letters could not be written: the caller must fail rather than acknowledge the chunk. */
    public static final String DEAD_LETTER_FAILURE = "syncDeadLetterFailure";

    /**
     * A file's chunk: a {@code CompletableFuture<Void>} the version guard completes once the chunk holds its keys, so
     * the file's next chunk is handed out only then ({@code intake.ChunkWindow}).
     */
    public static final String KEYS_HELD = "syncKeysHeld";

    /** A target call's bookkeeping: cleared when the call ends ({@link #takeDelivered}) and when a chunk begins. */
    public static final List<String> TARGET_CALL = List.of(CHUNK_IN_FLIGHT, REQUEST_IN_FLIGHT, DELIVERED_SO_FAR,
            ONE_BY_ONE, BULK_JOB, BULK_JOB_ABORTED);

    private SyncProperties() {
    }

    /**
     * The records of the chunk not yet delivered, kept on the exchange from the first attempt on (a copy of the chunk
     * in the body then; a later attempt does not read the body, which may hold what went over the wire), and the list the records the target took are added to: a retry after a transient failure
     * sends only what is left, and when the retries run out the failure handler counts what was taken
     * ({@link #takeDelivered}) and dead-letters only the rest.
     */
    @SuppressWarnings("unchecked")
    public static List<Envelope> inFlight(Exchange exchange) {
        List<Envelope> left = exchange.getProperty(CHUNK_IN_FLIGHT, List.class);
        if (left == null) {
            left = new ArrayList<>(exchange.getMessage().getBody(List.class));
            exchange.setProperty(CHUNK_IN_FLIGHT, left);
        }
        if (exchange.getProperty(DELIVERED_SO_FAR) == null) {
            exchange.setProperty(DELIVERED_SO_FAR, new ArrayList<Envelope>(left.size()));
        }
        return left;
    }

    /** What the target took of the chunk so far, after {@link #inFlight}. */
    @SuppressWarnings("unchecked")
    public static List<Envelope> deliveredSoFar(Exchange exchange) {
        return exchange.getProperty(DELIVERED_SO_FAR, List.class);
    }

    /**
     * Ends a target call's bookkeeping ({@link #TARGET_CALL}): the records the target took, none if it kept no count.
     */
    public static List<Envelope> takeDelivered(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Envelope> delivered = exchange.getProperty(DELIVERED_SO_FAR, List.class);
        for (String property : TARGET_CALL) {
            exchange.removeProperty(property);
        }
        return delivered == null ? new ArrayList<>() : delivered;
    }
}
