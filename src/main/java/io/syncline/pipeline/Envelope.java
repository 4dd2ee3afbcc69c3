package io.syncline.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What every target receives: the validated record and the facts needed to upsert it safely.
 *
 * @param key             the record's external id (the schema's {@code x-key})
 * @param sourceTimestamp when the source system says the record changed (the schema's {@code x-source-timestamp})
 * @param source          the record as received, kept for a dead letter and never published
 */
@JsonPropertyOrder({ "flow", "key", "eventId", "sourceTimestamp", "receivedAt", "record" })
public record Envelope(String flow, String key, String eventId, String sourceTimestamp, String receivedAt,
        JsonNode record, @JsonIgnore SourceRecord source) {
}
