package io.syncline.record;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What every target receives: the validated record and the facts needed to upsert it safely.
 *
 * @param key             the record's external id (the schema's {@code x-key})
 * @param source          the record as received, kept for a dead letter and never published
 * @param sourceInstant   {@code sourceTimestamp} as an instant, parsed once (the version guard, the version store and
 *                        the lag metric all read it); null when the record has none that parses
 * @param jsonLine        the envelope as the outbox and the http target write it, UTF-8 JSON, when it was written ahead
 *                        (a file's next chunk is, while the chunk before it is delivered); null: written when needed
 */
@JsonPropertyOrder({ "flow", "key", "eventId", "sourceTimestamp", "receivedAt", "record" })
public record Envelope(String flow, String key, String eventId, String sourceTimestamp, String receivedAt,
        JsonNode record, @JsonIgnore SourceRecord source, @JsonIgnore Instant sourceInstant, @JsonIgnore byte[] jsonLine) {

    /** The same envelope with its JSON line written ahead. */
    public Envelope withJsonLine(byte[] line) {
        return new Envelope(flow, key, eventId, sourceTimestamp, receivedAt, record, source, sourceInstant, line);
    }

    /** Whether it came one by one (webhook, JMS), rather than in a file's or a pull's chunk. */
    @JsonIgnore
    public boolean isRealTime() {
        return source.intake() != null && source.intake().isRealTime();
    }
}
