package io.syncline.record;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.syncline.validation.FieldError;

/**
 * A record that could not be delivered, kept with its original payload and everything needed to understand
 * and replay it. Written to the broker's dead-letter queue as JSON.
 *
 * @param category validation | target-transient | target-permanent | internal
 * @param attempts delivery attempts made (0 for a record refused by validation)
 * @param replayCount how many times it was replayed from the dead letters before it landed here again
 */
public record DeadLetter(String id, String flow, IntakeKind intake, String route, String category,
        String exceptionClass, String exceptionMessage, List<FieldError> fieldErrors, int attempts,
        String firstFailureAt, String lastFailureAt, String fileName, Long line, String eventId, String key,
        String receivedAt, String deadLetteredAt, String targetResponse, int replayCount, String payloadFormat,
        String payload) {

    public static final String VALIDATION = "validation";
    public static final String TARGET_TRANSIENT = "target-transient";
    public static final String TARGET_PERMANENT = "target-permanent";
    public static final String INTERNAL = "internal";
    /** Moved to the dead letters by the broker itself, after the queue's maximum delivery attempts. */
    public static final String DELIVERY_ATTEMPTS_EXHAUSTED = "delivery-attempts-exhausted";

    public static DeadLetter of(SourceRecord source, String key, String route, String category, Throwable error,
            List<FieldError> fieldErrors, int attempts, Instant firstFailure, Instant lastFailure, String targetResponse,
            int replayCount) {
        Instant now = Instant.now();
        return new DeadLetter(UUID.randomUUID().toString(), source.flow(), source.intake(), route, category,
                error == null ? null : error.getClass().getName(), error == null ? null : error.getMessage(),
                fieldErrors, attempts,
                (firstFailure == null ? now : firstFailure).toString(), (lastFailure == null ? now : lastFailure).toString(),
                source.fileName(), source.line(), source.eventId(), key,
                source.receivedAt() == null ? null : source.receivedAt().toString(), now.toString(), targetResponse,
                replayCount, source.format(), source.payload());
    }

    /** @param key the record's key when it could be read, so a refused record can still be found by it */
    public static DeadLetter invalid(SourceRecord source, String key, String route, List<FieldError> fieldErrors,
            int replayCount) {
        return of(source, key, route, VALIDATION, null, fieldErrors, 0, null, null, null, replayCount);
    }
}
