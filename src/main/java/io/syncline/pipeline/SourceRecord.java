package io.syncline.pipeline;

import java.time.Instant;

/**
 * One record as an intake received it, before validation.
 *
 * @param payload the original text: a JSON document, or for a CSV row its cells as a JSON object of strings
 * @param format  {@code json} or {@code csv-row}
 * @param line    the line in {@code fileName} (files only)
 * @param defect  why the reader could not even make a record of it (a CSV row with the wrong column count)
 */
public record SourceRecord(String flow, String intake, String eventId, Instant receivedAt, String payload,
        String format, String fileName, Long line, String defect) {

    public static final String JSON = "json";
    public static final String CSV_ROW = "csv-row";

    public static SourceRecord json(String flow, String intake, String eventId, Instant receivedAt, String payload) {
        return new SourceRecord(flow, intake, eventId, receivedAt, payload, JSON, null, null, null);
    }
}
