package io.syncline.validation;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;

/**
 * A flow's JSON Schema, with the two facts the pipeline needs from it: which field is the record's key
 * (the external id used for upsert, {@code x-key}) and which carries its source timestamp
 * ({@code x-source-timestamp}).
 */
public final class FlowSchema {

    private final String flowId;
    private final JsonSchema schema;
    private final String keyField;
    private final String sourceTimestampField;
    private final Map<String, String> columnTypes;
    private final List<List<String>> sensitivePaths;
    /** Accepts most valid records without the validator's walk; null for a schema it does not know. */
    private final SchemaShortcut shortcut;
    /** The schema as written. */
    final JsonNode document;

    FlowSchema(String flowId, JsonSchema schema, JsonNode schemaNode) {
        this.flowId = flowId;
        this.schema = schema;
        this.document = schemaNode;
        this.keyField = requiredText(schemaNode, "x-key");
        this.sourceTimestampField = requiredText(schemaNode, "x-source-timestamp");
        this.columnTypes = columnTypes(schemaNode);
        this.sensitivePaths = new ArrayList<>();
        collectSensitive(schemaNode, new ArrayList<>(), sensitivePaths);
        this.shortcut = SchemaShortcut.of(schemaNode);
    }

    public String flowId() {
        return flowId;
    }

    public String keyField() {
        return keyField;
    }

    public String sourceTimestampField() {
        return sourceTimestampField;
    }

    /** Every violation, each with its JSON Pointer, in document order. */
    public List<FieldError> validate(JsonNode record) {
        if (shortcut != null && shortcut.accepts(record)) {
            return new ArrayList<>(0);
        }
        return errors(record);
    }

    /** What networknt's validator finds, without the shortcut. */
    List<FieldError> errors(JsonNode record) {
        Set<ValidationMessage> messages = schema.validate(record);
        List<FieldError> errors = new ArrayList<>(messages.size());
        for (ValidationMessage message : messages) {
            String pointer = message.getInstanceLocation().toString();
            if (message.getProperty() != null && "required".equals(message.getType())) {
                pointer = pointer + "/" + message.getProperty();
            }
            errors.add(new FieldError(pointer, message.getError()));
        }
        errors.sort(Comparator.comparing(FieldError::pointer));
        return errors;
    }

    /**
     * Every violation, and a source timestamp later than {@code latest}: a record dated in the future (a wrong clock
     * beyond {@code sync.limits.max-clock-skew}, or a forged date) would otherwise become the version every later
     * update of its key is compared with, and lose them all.
     */
    public List<FieldError> validate(JsonNode record, Instant latest) {
        return check(record, latest).errors();
    }

    /**
     * What {@link #validate(JsonNode, Instant)} finds, and the source timestamp it read: an instant when the record has
     * a date-time with offset there (a record's version), else null.
     */
    public record Verdict(List<FieldError> errors, Instant sourceInstant) {

        public static Verdict refused(FieldError error) {
            return new Verdict(List.of(error), null);
        }
    }

    /** {@link #validate(JsonNode, Instant)}, reading the source timestamp once for the caller too. */
    public Verdict check(JsonNode record, Instant latest) {
        List<FieldError> errors = validate(record);
        JsonNode timestamp = record.get(sourceTimestampField);
        Instant dateTime = dateTime(timestamp);
        Instant source = dateTime != null ? dateTime : date(timestamp);
        if (source != null && source.isAfter(latest)) {
            errors.add(new FieldError("/" + sourceTimestampField,
                    "lies in the future, beyond the allowed clock skew (sync.limits.max-clock-skew)"));
            errors.sort(Comparator.comparing(FieldError::pointer));
        }
        return new Verdict(errors, dateTime);
    }

    /** A date-time with offset; null for anything else. */
    private static Instant dateTime(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        return IsoTimes.offsetDateTime(value.asText());
    }

    /** A date, its start in UTC; null for anything else (the schema reports its format). */
    private static Instant date(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        LocalDate date = IsoTimes.date(value.asText());
        return date == null ? null : date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * A CSV row as the JSON record the schema describes: each column typed as its property says, an empty
     * cell left out (so a required column that is empty is reported as missing). A cell that does not
     * parse as its type stays text, and validation names it.
     */
    public ObjectNode fromColumns(Map<String, String> row) {
        // sized for the row: the default 16 slots grow to 32, rehashing every cell, at a 13th column
        ObjectNode record = new ObjectNode(JsonNodeFactory.instance, new LinkedHashMap<>(capacity(row.size())));
        for (Map.Entry<String, String> cell : row.entrySet()) {
            String value = cell.getValue();
            if (value == null || value.isEmpty()) {
                continue;
            }
            String type = columnTypes.getOrDefault(cell.getKey(), "string");
            try {
                switch (type) {
                    case "integer" -> {
                        String v = value.trim();
                        if (isPlainLong(v)) {
                            // the usual cell: a long, written out without BigInteger's division by ten per digit
                            record.put(cell.getKey(), Long.parseLong(v));
                        } else {
                            record.put(cell.getKey(), new BigDecimal(v).toBigIntegerExact());
                        }
                    }
                    case "number" -> record.put(cell.getKey(), new BigDecimal(value.trim()));
                    case "boolean" -> {
                        String v = value.trim();
                        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                            record.put(cell.getKey(), Boolean.parseBoolean(v));
                        } else {
                            record.put(cell.getKey(), value);
                        }
                    }
                    default -> record.put(cell.getKey(), value);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                record.put(cell.getKey(), value);
            }
        }
        return record;
    }

    /**
     * The typed record of {@link #fromColumns} as it goes to the target: each number cell exactly as the file wrote
     * it ({@code 1E2} stays {@code 1E2}, not {@code 1E+2}; {@code 4820.50} stays {@code 4820.50}) when that text is a
     * JSON number; otherwise (such as {@code +5} or {@code .5}) the number's plain JSON form.
     */
    public ObjectNode numbersAsWritten(ObjectNode typed, Map<String, String> row) {
        typed.properties().forEach(field -> {
            String written = row.get(field.getKey());
            if (field.getValue().isNumber() && written != null) {
                String trimmed = written.trim();
                // the usual cell reads back as written; only one that does not is checked as JSON text
                if (!trimmed.equals(field.getValue().asText()) && JSON_NUMBER.matcher(trimmed).matches()) {
                    field.setValue(new WrittenNumber(trimmed));
                }
            }
        });
        return typed;
    }

    /** A hash map's capacity for {@code size} entries, at its default load factor of 0.75. */
    private static int capacity(int size) {
        return (int) Math.ceil(size / 0.75);
    }

    /** An optional minus and 1 to 18 ASCII digits: a long, whatever the digits. */
    static boolean isPlainLong(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        int digits = text.length() - start;
        if (digits < 1 || digits > 18) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

    /** A number written out as its source text; its text is that too (the Bulk API's CSV, masking). */
    static final class WrittenNumber extends POJONode {
        WrittenNumber(String text) {
            super(new RawValue(text));
        }

        @Override
        public String asText() {
            return ((RawValue) getPojo()).rawValue().toString();
        }
    }

    private static String requiredText(JsonNode schemaNode, String keyword) {
        JsonNode value = schemaNode.get(keyword);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalStateException("The schema has no \"" + keyword + "\" naming a top-level property");
        }
        return value.asText();
    }

    /**
     * The record with every value the schema marks {@code "x-sensitive": true} replaced by {@code "***"}, for
     * listings; the record itself is not changed.
     */
    public JsonNode masked(JsonNode record) {
        if (sensitivePaths.isEmpty() || record == null || !record.isObject()) {
            return record;
        }
        JsonNode copy = record.deepCopy();
        for (List<String> path : sensitivePaths) {
            mask(copy, path, 0);
        }
        return copy;
    }

    /** The record's values the schema marks {@code x-sensitive} (as text), to mask wherever else they are quoted. */
    public List<String> sensitiveValues(JsonNode record) {
        List<String> values = new ArrayList<>();
        if (record == null || !record.isObject()) {
            return values;
        }
        for (List<String> path : sensitivePaths) {
            JsonNode node = record;
            for (String name : path) {
                node = node == null ? null : node.get(name);
            }
            if (node != null && node.isValueNode() && !node.asText().isBlank()) {
                values.add(node.asText());
            }
        }
        return values;
    }

    private static void mask(JsonNode node, List<String> path, int depth) {
        if (node == null || !node.isObject()) {
            return;
        }
        String name = path.get(depth);
        if (!node.has(name)) {
            return;
        }
        if (depth == path.size() - 1) {
            ((ObjectNode) node).put(name, "***");
        } else {
            mask(node.get(name), path, depth + 1);
        }
    }

    private static void collectSensitive(JsonNode schema, List<String> at, List<List<String>> found) {
        JsonNode properties = schema.path("properties");
        properties.fieldNames().forEachRemaining(name -> {
            JsonNode property = properties.get(name);
            List<String> path = new ArrayList<>(at);
            path.add(name);
            if (property.path("x-sensitive").asBoolean(false)) {
                found.add(path);
            } else if (property.has("properties")) {
                collectSensitive(property, path, found);
            }
        });
    }

    private static Map<String, String> columnTypes(JsonNode schemaNode) {
        Map<String, String> types = new HashMap<>();
        JsonNode properties = schemaNode.path("properties");
        properties.fieldNames().forEachRemaining(name -> {
            JsonNode type = properties.get(name).get("type");
            if (type != null && type.isTextual()) {
                types.put(name, type.asText());
            } else if (type != null && type.isArray()) {
                for (JsonNode t : type) {
                    if (!"null".equals(t.asText())) {
                        types.put(name, t.asText());
                        break;
                    }
                }
            }
        });
        return types;
    }
}
