package io.syncline.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/**
 * The shortcut never accepts a record networknt's validator refuses, and accepts every record the validator accepts
 * whose properties it knows: over every built-in flow's example records, each property in turn removed or set to
 * values around its schema's limits (lengths in code points, bounds exactly and as doubles, dates that do not exist,
 * a line break after a pattern's text), and a property the schema does not have.
 */
class SchemaShortcutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FLOWS = Path.of("src/main/resources/flows");
    private static final List<String> TEXTS = List.of("", "a", "EUR", "EUR\n", "eur", "auto", "AUTO", "x".repeat(40),
            "x".repeat(41), "\uD83D\uDE00".repeat(20), "\uD83D\uDE00".repeat(21), "2026-11-27", "2026-02-30", "2026-02-29",
            "2028-02-29", "10000-01-01", "2026-11-27T22:00:00Z", "2026-11-27T22:00:00.123+01:00", "2026-11-27t22:00:00z",
            "2026-11-27 22:00:00Z", "2026-12-31T23:59:60Z", "2026-11-27T22:00:00", "2026-11-27T24:00:00Z", "RSK-ABCD",
            "RSK-abcd", "DE-BY", "DE", "4.2.1", "4.2.", "CLM-100234", " CLM-100234", "jane@example.com");
    private static final List<JsonNode> OTHERS = List.of(IntNode.valueOf(0), IntNode.valueOf(-1), LongNode.valueOf(1000),
            LongNode.valueOf(1001), new DecimalNode(new BigDecimal("0.0")), DoubleNode.valueOf(-0.0),
            new DecimalNode(new BigDecimal("1.0")), new DecimalNode(new BigDecimal("10.0000000000000000001")),
            new DecimalNode(new BigDecimal("9.99999999999999999999")), DoubleNode.valueOf(0.1),
            new DecimalNode(new BigDecimal("4820.50")), new BigIntegerNode(BigInteger.TEN.pow(20)), BooleanNode.TRUE,
            BooleanNode.FALSE, NullNode.instance, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.arrayNode());

    @Test
    void theShortcutAgreesWithTheValidator() throws IOException {
        int accepted = 0;
        int refused = 0;
        int flowsWithExamples = 0;
        FlowSchemas schemas = new FlowSchemas(JSON);
        try (Stream<Path> flows = Files.list(FLOWS)) {
            for (Path flow : flows.filter(f -> Files.exists(f.resolve("schema.json"))).sorted().toList()) {
                FlowSchema schema = schemas.forFlow(flow.getFileName().toString());
                SchemaShortcut shortcut = SchemaShortcut.of(schema.document);
                List<ObjectNode> examples = examples(flow, schema);
                flowsWithExamples += examples.isEmpty() ? 0 : 1;
                for (ObjectNode example : examples) {
                    for (ObjectNode record : variations(example, schema.document)) {
                        boolean valid = schema.errors(record).isEmpty();
                        boolean shortcutAccepts = shortcut != null && shortcut.accepts(record);
                        String what = flow.getFileName() + ": " + record;
                        if (shortcutAccepts) {
                            assertTrue(valid, "the shortcut accepted what the validator refuses: " + what + " "
                                    + schema.errors(record));
                            accepted++;
                        } else if (valid) {
                            assertFalse(onlyPlainProperties(record, schema.document), "the validator accepts it, the"
                                    + " shortcut knows every property, and did not accept it: " + what);
                        } else {
                            refused++;
                        }
                        assertEquals(schema.errors(record), schema.validate(record), what);
                    }
                }
            }
        }
        assertTrue(flowsWithExamples >= 8, "flows with examples: " + flowsWithExamples);
        // both sides were exercised: many records taken by the shortcut, many left to the validator
        assertTrue(accepted > 2000, "accepted by the shortcut: " + accepted);
        assertTrue(refused > 10000, "refused: " + refused);
    }

    @Test
    void aSchemaBeyondPlainPropertiesHasNoShortcut() throws IOException {
        assertEquals(null, SchemaShortcut.of(JSON.readTree("{\"type\":\"object\",\"allOf\":[{\"required\":[\"a\"]}]}")));
        assertEquals(null, SchemaShortcut.of(JSON.readTree("{\"type\":\"array\"}")));
        SchemaShortcut nested = SchemaShortcut.of(JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{}},\"b\":{\"type\":\"string\"}}}"));
        assertTrue(nested.accepts(JSON.readTree("{\"b\":\"x\"}")));
        // a property it does not know is left to the validator
        assertFalse(nested.accepts(JSON.readTree("{\"a\":{},\"b\":\"x\"}")));
    }

    @Test
    void numbersAndKeywordsItCannotReadExactlyAreLeftToTheValidator() throws IOException {
        // a schema read as the offline check reads it: a bound as a double, 1e400 as infinity
        ObjectMapper plain = new ObjectMapper();
        FlowSchemas validator = new FlowSchemas(plain);
        List<String> properties = List.of("{\"type\":\"number\",\"exclusiveMinimum\":0.1}",
                "{\"type\":\"number\",\"exclusiveMaximum\":0.7}", "{\"type\":\"number\",\"minimum\":0.1000000001}",
                "{\"type\":\"number\",\"maximum\":0.69999999}", "{\"type\":\"number\",\"maximum\":1e400}",
                "{\"type\":\"string\",\"enum\":{\"k\":\"x\"}}", "{\"type\":[\"string\",1]}",
                "{\"type\":\"string\",\"pattern\":7}", "{\"type\":\"string\",\"format\":[\"date\"]}",
                "{\"type\":\"string\",\"$schema\":\"http://json-schema.org/draft-07/schema#\"}");
        List<JsonNode> values = List.of(FloatNode.valueOf(0.1f), FloatNode.valueOf(0.7f), DoubleNode.valueOf(0.1),
                DoubleNode.valueOf(0.7), new DecimalNode(new BigDecimal("0.1")), new DecimalNode(new BigDecimal("0.7")),
                DoubleNode.valueOf(Double.POSITIVE_INFINITY), DoubleNode.valueOf(Double.NEGATIVE_INFINITY),
                IntNode.valueOf(0), TextNode.valueOf("x"), TextNode.valueOf("2026-11-27"));
        int accepted = 0;
        for (String property : properties) {
            FlowSchema schema = validator.of("probe", plain.readTree("{\"type\":\"object\",\"x-key\":\"a\","
                    + "\"x-source-timestamp\":\"a\",\"properties\":{\"a\":" + property + "}}"));
            SchemaShortcut shortcut = SchemaShortcut.of(schema.document);
            for (JsonNode value : values) {
                ObjectNode record = JsonNodeFactory.instance.objectNode().set("a", value);
                if (shortcut.accepts(record)) {
                    accepted++;
                    assertTrue(schema.errors(record).isEmpty(), property + " " + value + ": " + schema.errors(record));
                }
            }
        }
        // exact decimals and integers are still taken by the shortcut where they meet the bound
        assertTrue(accepted >= 4, "accepted: " + accepted);
        // a pattern that does not compile: left to the validator, which reports it
        SchemaShortcut badPattern = SchemaShortcut.of(plain.readTree(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"(\"}}}"));
        assertFalse(badPattern.accepts(plain.readTree("{\"a\":\"(\"}")));
    }

    /** The flow's valid examples as records: JSON as written, CSV rows as a file's rows become records. */
    private static List<ObjectNode> examples(Path flow, FlowSchema schema) throws IOException {
        List<ObjectNode> records = new ArrayList<>();
        Path json = flow.resolve("examples/valid.json");
        if (Files.exists(json)) {
            JsonNode read = JSON.readTree(json.toFile());
            (read.isArray() ? read : JSON.createArrayNode().add(read)).forEach(r -> records.add((ObjectNode) r));
        }
        Path csv = flow.resolve("examples/valid.csv");
        if (Files.exists(csv)) {
            try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(csv.toFile())) {
                rows.forEachRemaining(row -> records.add(schema.fromColumns(row)));
            }
        }
        return records;
    }

    /** The example, then each property removed, set to every candidate value and to its own text with a line break. */
    private static List<ObjectNode> variations(ObjectNode example, JsonNode schema) {
        List<ObjectNode> records = new ArrayList<>();
        records.add(example);
        ObjectNode extra = example.deepCopy();
        extra.put("notInTheSchema", "x");
        records.add(extra);
        for (Iterator<String> names = schema.path("properties").fieldNames(); names.hasNext();) {
            String name = names.next();
            JsonNode property = schema.path("properties").path(name);
            ObjectNode removed = example.deepCopy();
            removed.remove(name);
            records.add(removed);
            List<JsonNode> values = new ArrayList<>(OTHERS);
            TEXTS.forEach(text -> values.add(TextNode.valueOf(text)));
            property.path("enum").forEach(option -> {
                values.add(option);
                values.add(TextNode.valueOf(option.asText().toUpperCase()));
            });
            for (String bound : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
                if (property.has(bound)) {
                    BigDecimal at = property.get(bound).decimalValue();
                    values.add(new DecimalNode(at));
                    values.add(new DecimalNode(at.add(new BigDecimal("1E-30"))));
                    values.add(new DecimalNode(at.subtract(new BigDecimal("1E-30"))));
                    values.add(LongNode.valueOf(at.longValue() + 1));
                    values.add(LongNode.valueOf(at.longValue() - 1));
                }
            }
            if (example.path(name).isTextual()) {
                values.add(TextNode.valueOf(example.get(name).textValue() + "\n"));
                values.add(TextNode.valueOf("_" + example.get(name).textValue()));
            }
            for (JsonNode value : values) {
                ObjectNode changed = example.deepCopy();
                changed.set(name, value);
                records.add(changed);
            }
        }
        return records;
    }

    /**
     * Every property of the record is one the shortcut checks itself: no nested object, no e-mail format, no
     * integer written with a fraction ({@code 0.0}: the validator takes it as an integer, the shortcut leaves it to the
     * validator; a CSV cell's integer is read as a long), and no double against a bound (the shortcut compares
     * decimals and integers; Syncline reads JSON numbers as decimals).
     */
    private static boolean onlyPlainProperties(ObjectNode record, JsonNode schema) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = record.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode property = schema.path("properties").path(field.getKey());
            if (property.has("properties") || property.has("items") || "email".equals(property.path("format").asText())
                    || property.path("type").toString().contains("integer") && field.getValue().isFloatingPointNumber()
                    || (field.getValue().isDouble() || field.getValue().isFloat())
                            && property.toString().matches(".*\"(exclusiveM|m)(in|ax)imum\".*")) {
                return false;
            }
        }
        return true;
    }
}
