package io.syncline.pipeline;

import java.time.Instant;

/**
 * One record as an intake received it, before validation.
 *
 * @param payload the original text: a JSON document, or for a CSV row its cells as a JSON object of strings
 * @param format  {@code json}, {@code csv-row} or {@code java-serialized-base64}
 * @param line    the line in {@code fileName} (files only)
 * @param defect  why the reader could not even make a record of it (a CSV row with the wrong column count)
 */
public record SourceRecord(String flow, String intake, String eventId, Instant receivedAt, String payload,
        String format, String fileName, Long line, String defect) {

    public static final String JSON = "json";
    public static final String CSV_ROW = "csv-row";
    /** The bytes of a JMS ObjectMessage, base64-encoded: kept, never deserialized, never replayed. */
    public static final String JAVA_SERIALIZED = "java-serialized-base64";

    public static SourceRecord json(String flow, String intake, String eventId, Instant receivedAt, String payload) {
        return new SourceRecord(flow, intake, eventId, receivedAt, payload, JSON, null, null, null);
    }

    /** The same record with the payload a flow's own step made of it. */
    public SourceRecord withPayload(String newPayload) {
        return new SourceRecord(flow, intake, eventId, receivedAt, newPayload, format, fileName, line, defect);
    }

    /** The same record, refused before validation for the reason given. */
    public SourceRecord withDefect(String why) {
        return new SourceRecord(flow, intake, eventId, receivedAt, payload, format, fileName, line, why);
    }
}
