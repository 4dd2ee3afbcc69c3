package io.syncline.record;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One record as an intake received it, before validation.
 *
 * @param payload the original text: a JSON document, or for a CSV row its cells as a JSON object of strings (written
 *                only when asked for: a valid row never needs it)
 * @param format  {@code json}, {@code csv-row} or {@code java-serialized-base64}
 * @param line    the line in {@code fileName} (files only)
 * @param defect  why the reader could not even make a record of it (a CSV row with the wrong column count)
 * @param cells   a CSV row's cells by column name, as read (null for anything else): the pipeline types them without
 *                going through JSON text
 */
public record SourceRecord(String flow, IntakeKind intake, String eventId, Instant receivedAt, String payload,
        String format, String fileName, Long line, String defect, Map<String, String> cells) {

    private static final ObjectMapper CELLS = new ObjectMapper();

    public static final String JSON = "json";
    public static final String CSV_ROW = "csv-row";
    /** The bytes of a JMS ObjectMessage, base64-encoded: kept, never deserialized, never replayed. */
    public static final String JAVA_SERIALIZED = "java-serialized-base64";

    public SourceRecord(String flow, IntakeKind intake, String eventId, Instant receivedAt, String payload, String format,
            String fileName, Long line, String defect) {
        this(flow, intake, eventId, receivedAt, payload, format, fileName, line, defect, null);
    }

    /** A CSV row whose cell count matches the header. */
    public static SourceRecord csvRow(String flow, String eventId, Instant receivedAt, Map<String, String> cells,
            String fileName, long line) {
        return new SourceRecord(flow, IntakeKind.FILE, eventId, receivedAt, null, CSV_ROW, fileName, line, null, cells);
    }

    @Override
    public String payload() {
        if (payload != null || cells == null) {
            return payload;
        }
        try {
            return CELLS.writeValueAsString(cells);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The cells of line " + line + " of " + fileName + " could not be written as JSON", e);
        }
    }

    public static SourceRecord json(String flow, IntakeKind intake, String eventId, Instant receivedAt, String payload) {
        return new SourceRecord(flow, intake, eventId, receivedAt, payload, JSON, null, null, null);
    }

    /** The same record with the payload a flow's own step made of it. */
    public SourceRecord withPayload(String newPayload) {
        return new SourceRecord(flow, intake, eventId, receivedAt, newPayload, format, fileName, line, defect);
    }

    /** The same record, refused before validation for the reason given. */
    public SourceRecord withDefect(String why) {
        return new SourceRecord(flow, intake, eventId, receivedAt, payload, format, fileName, line, why, cells);
    }
}
