package io.syncline.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/** The built-in flow folders (src/main/resources/flows/<id>/): their settings, schemas and examples as a user finds them. */
public final class Examples {

    static final ObjectMapper JSON = new ObjectMapper();
    public static final Path RESOURCES = Path.of("src/main/resources");
    public static final Path FLOWS = RESOURCES.resolve("flows");

    private Examples() {
    }

    /** Every built-in flow: the folders under flows/. */
    public static List<String> configuredFlows() {
        TreeSet<String> ids = new TreeSet<>();
        try (java.util.stream.Stream<Path> folders = Files.list(FLOWS)) {
            folders.filter(Files::isDirectory).forEach(p -> ids.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(ids);
    }

    /** A built-in flow's flow.properties (keys relative to the flow: mode, target.kind, ...). */
    public static Properties settings(String flow) {
        Properties properties = new Properties();
        try (java.io.Reader in = Files.newBufferedReader(FLOWS.resolve(flow).resolve("flow.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    public static JsonNode schema(String flow) {
        try {
            return JSON.readTree(FLOWS.resolve(flow).resolve("schema.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String keyField(String flow) {
        return schema(flow).path("x-key").asText();
    }

    public static Path file(String flow, String name) {
        return FLOWS.resolve(flow).resolve("examples").resolve(name);
    }

    public static boolean exists(String flow, String name) {
        return Files.exists(file(flow, name));
    }

    public static String text(String flow, String name) {
        try {
            return Files.readString(file(flow, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(String flow, String name) {
        try {
            return Files.readAllBytes(file(flow, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key of a JSON example. */
    public static String jsonKey(String flow, String name) {
        try {
            return JSON.readTree(text(flow, name)).path(keyField(flow)).asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys of a CSV example's rows, in order. */
    public static List<String> csvKeys(String flow, String name) {
        List<String> keys = new ArrayList<>();
        try (MappingIterator<java.util.Map<String, String>> rows = new CsvMapper().readerFor(java.util.Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file(flow, name).toFile())) {
            while (rows.hasNext()) {
                keys.add(rows.next().get(keyField(flow)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /** A JSON example as one line, for JSON Lines files and pages. */
    public static String compact(String flow, String name) {
        try {
            return JSON.writeValueAsString(JSON.readTree(text(flow, name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
