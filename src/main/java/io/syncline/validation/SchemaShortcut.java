package io.syncline.validation;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Format;
import com.networknt.schema.format.DateTimeFormat;

/**
 * Tells, without the validator's walk, that a record surely meets its flow's schema: a flat object of typed properties
 * (type, pattern, format date and date-time, enum of strings, lengths, bounds, required, additionalProperties), the
 * form every built-in flow's schema has. It only ever accepts: a record it does not accept (an error, or a keyword or
 * nested property it does not know) goes through networknt's validator, which names every error as before.
 *
 * <p>Why: networknt's general walk over a schema (a node path, an execution context and a validator object per keyword)
 * took 3.7–5.4 µs of the benchmark's 13-column row, about a sixth of a file's CPU; the same checks made directly take
 * 1.6 µs (docs/benchmarks.md, session 19). The checks are networknt 1.5's own, keyword by keyword, under the
 * validator's settings in {@link FlowSchemas}: JDK regular expressions that must be found in the text, lengths in code
 * points, the {@code date-time} format's own class, Syncline's {@link IsoDateFormat} for {@code date}, bounds compared
 * exactly (a float or double value, whose text the validator reads and which may not be its exact value, is left to
 * the validator). {@code SchemaShortcutTest} holds the two together over every built-in flow's examples and their
 * variations.
 */
final class SchemaShortcut {

    /** Keywords that say nothing about validity, and Syncline's own ({@code x-}). */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description",
            "examples", "default", "deprecated", "readOnly", "writeOnly");
    private static final Map<String, Format> FORMATS = Map.of("date", new IsoDateFormat(), "date-time", new DateTimeFormat());

    private final Map<String, Property> properties;
    /** How many properties are required; each is in {@link #properties}. */
    private final int required;
    /** {@code "additionalProperties": false}: a property the schema does not describe is an error. */
    private final boolean closed;

    private SchemaShortcut(Map<String, Property> properties, int required, boolean closed) {
        this.properties = properties;
        this.required = required;
        this.closed = closed;
    }

    /** The shortcut for a schema, or null when its top level is not a plain object of properties. */
    static SchemaShortcut of(JsonNode schema) {
        Map<String, Property> properties = new HashMap<>();
        Set<String> required = new HashSet<>();
        boolean closed = false;
        for (Map.Entry<String, JsonNode> keyword : assertions(schema)) {
            JsonNode value = keyword.getValue();
            switch (keyword.getKey()) {
                case "type" -> {
                    if (!"object".equals(value.textValue())) {
                        return null;
                    }
                }
                case "required" -> {
                    if (!value.isArray()) {
                        return null;
                    }
                    for (JsonNode name : value) {
                        if (!name.isTextual()) {
                            return null;
                        }
                        required.add(name.textValue());
                    }
                }
                case "additionalProperties" -> {
                    if (!value.isBoolean()) {
                        return null;
                    }
                    closed = !value.booleanValue();
                }
                case "properties" -> {
                    if (!value.isObject()) {
                        return null;
                    }
                    value.properties().forEach(p -> properties.put(p.getKey(), Property.of(p.getValue())));
                }
                default -> {
                    return null;
                }
            }
        }
        for (String name : required) {
            // one the schema does not describe is left to the validator
            properties.put(name, properties.getOrDefault(name, Property.UNKNOWN).asRequired());
        }
        return new SchemaShortcut(properties, required.size(), closed);
    }

    /** True only when the schema surely accepts the record; false says nothing. */
    boolean accepts(JsonNode record) {
        if (!record.isObject() || record.size() < required) {
            return false;
        }
        // an object's names are distinct: as many required properties met as there are, and none is missing
        int requiredMet = 0;
        for (Map.Entry<String, JsonNode> field : record.properties()) {
            Property property = properties.get(field.getKey());
            if (property == null ? closed : !property.accepts(field.getValue())) {
                return false;
            }
            if (property != null && property.required) {
                requiredMet++;
            }
        }
        return requiredMet == required;
    }

    /** The schema's keywords that bear on validity: all but annotations. */
    private static List<Map.Entry<String, JsonNode>> assertions(JsonNode schema) {
        List<Map.Entry<String, JsonNode>> keywords = new ArrayList<>();
        for (Map.Entry<String, JsonNode> keyword : schema.properties()) {
            if (!keyword.getKey().startsWith("x-") && !ANNOTATIONS.contains(keyword.getKey())) {
                keywords.add(keyword);
            }
        }
        return keywords;
    }

    /** One property's checks; {@link #UNKNOWN} for a property with a keyword or a type the shortcut does not know. */
    private record Property(boolean string, boolean number, boolean integer, boolean bool, boolean nullable,
            Pattern pattern, Format format, Set<String> allowed, int minLength, int maxLength,
            Bound minimum, Bound maximum, boolean required) {

        static final Property UNKNOWN = new Property(false, false, false, false, false, null, null, null, 0, 0, null, null,
                false);
        Property asRequired() {
            return new Property(string, number, integer, bool, nullable, pattern, format, allowed, minLength, maxLength,
                    minimum, maximum, true);
        }

        static Property of(JsonNode schema) {
            if (schema.has("$schema")) {
                // a subschema of a dialect of its own
                return UNKNOWN;
            }
            JsonNode type = schema.get("type");
            Set<String> types = new HashSet<>();
            for (JsonNode name : type == null ? List.<JsonNode>of() : type.isArray() ? type : List.of(type)) {
                if (!name.isTextual()) {
                    return UNKNOWN;
                }
                types.add(name.textValue());
            }
            if (types.isEmpty() || !Set.of("string", "number", "integer", "boolean", "null").containsAll(types)) {
                return UNKNOWN;
            }
            Pattern pattern = null;
            Format format = null;
            Set<String> allowed = null;
            int minLength = 0;
            int maxLength = Integer.MAX_VALUE;
            Bound minimum = null;
            Bound maximum = null;
            for (Map.Entry<String, JsonNode> keyword : assertions(schema)) {
                JsonNode value = keyword.getValue();
                switch (keyword.getKey()) {
                    case "type" -> {
                    }
                    case "pattern" -> {
                        pattern = value.isTextual() ? compile(value.textValue()) : null;
                        if (pattern == null) {
                            return UNKNOWN;
                        }
                    }
                    case "format" -> {
                        format = value.isTextual() ? FORMATS.get(value.textValue()) : null;
                        if (format == null) {
                            return UNKNOWN;
                        }
                    }
                    case "enum" -> {
                        if (!value.isArray()) {
                            // the validator takes nothing from it and refuses every value
                            return UNKNOWN;
                        }
                        allowed = new HashSet<>();
                        for (JsonNode option : value) {
                            if (!option.isTextual()) {
                                return UNKNOWN;
                            }
                            allowed.add(option.textValue());
                        }
                    }
                    case "minLength", "maxLength" -> {
                        if (!value.canConvertToExactIntegral() || !value.canConvertToInt()) {
                            return UNKNOWN;
                        }
                        if (keyword.getKey().equals("minLength")) {
                            minLength = value.intValue();
                        } else {
                            maxLength = value.intValue();
                        }
                    }
                    case "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum" -> {
                        BigDecimal limit = exactly(value);
                        if (limit == null) {
                            return UNKNOWN;
                        }
                        Bound bound = new Bound(limit, keyword.getKey().startsWith("exclusive"));
                        if (keyword.getKey().endsWith("inimum")) {
                            if (minimum != null) {
                                return UNKNOWN;
                            }
                            minimum = bound;
                        } else {
                            if (maximum != null) {
                                return UNKNOWN;
                            }
                            maximum = bound;
                        }
                    }
                    default -> {
                        return UNKNOWN;
                    }
                }
            }
            return new Property(types.contains("string"), types.contains("number"), types.contains("integer"),
                    types.contains("boolean"), types.contains("null"), pattern, format, allowed, minLength, maxLength,
                    minimum, maximum, false);
        }

        boolean accepts(JsonNode value) {
            if (allowed != null) {
                // only strings are allowed: whatever the type says, nothing else meets the enum
                return value.isTextual() && allowed.contains(value.textValue()) && acceptsText(value.textValue());
            }
            if (value.isTextual()) {
                return acceptsText(value.textValue());
            }
            if (value.isNumber()) {
                if (!number && !(integer && value.isIntegralNumber())) {
                    return false;
                }
                if (minimum == null && maximum == null) {
                    return true;
                }
                BigDecimal exact = value.isIntegralNumber() || value.isBigDecimal() ? value.decimalValue() : null;
                return exact != null && (minimum == null || minimum.admitsAsMinimum(exact))
                        && (maximum == null || maximum.admitsAsMaximum(exact));
            }
            if (value.isBoolean()) {
                return bool;
            }
            return value.isNull() && nullable;
        }

        private boolean acceptsText(String text) {
            if (!string) {
                return false;
            }
            if (minLength > 0 || maxLength < Integer.MAX_VALUE) {
                int length = text.codePointCount(0, text.length());
                if (length < minLength || length > maxLength) {
                    return false;
                }
            }
            return (pattern == null || pattern.matcher(text).find()) && (format == null || format.matches(null, text));
        }
    }

    /** A bound of the schema as the validator reads it: the number's text as a decimal; null when it is none. */
    private static BigDecimal exactly(JsonNode bound) {
        if (!bound.isNumber()) {
            return null;
        }
        try {
            return new BigDecimal(bound.asText());
        } catch (NumberFormatException e) {
            // an infinite double (a bound of 1e400 read without USE_BIG_DECIMAL_FOR_FLOATS)
            return null;
        }
    }

    /** A pattern as the validator compiles it; null when it does not compile (the validator then reports it). */
    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    /** A minimum or maximum, compared exactly. */
    private record Bound(BigDecimal limit, boolean exclusive) {

        boolean admitsAsMinimum(BigDecimal value) {
            int side = value.compareTo(limit);
            return exclusive ? side > 0 : side >= 0;
        }

        boolean admitsAsMaximum(BigDecimal value) {
            int side = value.compareTo(limit);
            return exclusive ? side < 0 : side <= 0;
        }
    }
}
