package io.syncline.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.syncline.support.Examples;

/**
 * Flow files, schemas, examples, configuration, templates and the README agree. Adding a flow and forgetting one
 * of its parts fails here, with the part named.
 */
class FlowConsistencyTest {

    static final Path ROUTES = Examples.RESOURCES.resolve("routes");
    static final Path TEMPLATES = ROUTES.resolve("shared").resolve("intake-templates.camel.yaml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Map<String, Set<String>> ROUTE_KINDS = Map.of(
            "webhook-intake", Set.of("webhook"),
            "jms-intake", Set.of("worker", "jms"),
            "file-intake", Set.of("file"),
            "pull-intake", Set.of("pull"));
    static final Set<String> INDUSTRIES = Set.of("insurance", "financial", "healthcare", "manufacturing", "retail");
    /** A template parameter in a placeholder: a plain name, where property keys always have a dot. */
    static final Pattern PARAMETER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9]*)(:[^}]*)?}}");

    @Test
    void everyConfiguredFlowHasARouteFileAndEveryRouteFileAConfiguredFlow() throws IOException {
        assertEquals(new TreeSet<>(Examples.configuredFlows()), routeFiles().keySet());
        assertEquals(15, Examples.configuredFlows().size());
    }

    @Test
    void everyRouteFileInstantiatesTemplatesForItsOwnFlowWithConventionalRouteIds() throws IOException {
        Map<String, Map<String, JsonNode>> declared = declaredTemplateParameters();
        for (Map.Entry<String, Path> file : routeFiles().entrySet()) {
            String flow = file.getKey();
            String where = ROUTES.relativize(file.getValue()).toString();
            assertEquals(flow.substring(0, flow.indexOf('-')), file.getValue().getParent().getFileName().toString(),
                    where + ": a flow lives in the folder of its industry");
            for (JsonNode item : YAML.readTree(file.getValue().toFile())) {
                JsonNode templated = item.get("templatedRoute");
                assertTrue(templated != null, where + ": only templatedRoute entries, no Java and no copied routes");
                String template = templated.path("routeTemplateRef").asText();
                assertTrue(declared.containsKey(template), where + ": unknown template " + template);
                Map<String, String> parameters = new LinkedHashMap<>();
                templated.path("parameters").forEach(p -> parameters.put(p.path("name").asText(), p.path("value").asText()));
                for (String name : parameters.keySet()) {
                    assertTrue(declared.get(template).containsKey(name), where + ": " + template + " declares no parameter " + name);
                }
                declared.get(template).forEach((name, definition) -> {
                    boolean required = !definition.has("defaultValue") && definition.path("required").asBoolean(true);
                    assertTrue(!required || parameters.containsKey(name), where + ": " + template + " needs parameter " + name);
                });
                assertEquals(flow, parameters.get("flowId"), where + ": flowId must be the file's flow");
                String routeId = templated.path("routeId").asText();
                String kind = routeId.startsWith(flow + "-") ? routeId.substring(flow.length() + 1) : "";
                assertTrue(ROUTE_KINDS.get(template).contains(kind),
                        where + ": route id " + routeId + " must be " + flow + "-" + ROUTE_KINDS.get(template));
                assertTrue(Set.of("realtime", "batch", "always").contains(parameters.getOrDefault("activeIn", "always")),
                        where + ": activeIn is realtime, batch or always");
            }
        }
    }

    @Test
    void everyTemplateUsesEveryParameterItDeclaresAndDeclaresEveryOneItUses() throws IOException {
        String text = Files.readString(TEMPLATES);
        for (Map.Entry<String, Map<String, JsonNode>> template : declaredTemplateParameters().entrySet()) {
            JsonNode route = templateNode(template.getKey()).path("route");
            String body = YAML.writeValueAsString(route);
            Set<String> used = new TreeSet<>();
            Matcher m = PARAMETER.matcher(body);
            while (m.find()) {
                used.add(m.group(1));
            }
            assertEquals(template.getValue().keySet(), used, "template " + template.getKey() + ": declared vs used parameters");
        }
        assertFalse(text.isEmpty());
    }

    @Test
    void everyFlowHasASchemaNamingItsKeyAndSourceTimestampAndExamplesOfBothKinds() {
        for (String flow : Examples.configuredFlows()) {
            JsonNode schema = Examples.schema(flow);
            List<String> required = new ArrayList<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            for (String keyword : List.of("x-key", "x-source-timestamp")) {
                String property = schema.path(keyword).asText();
                assertTrue(schema.path("properties").has(property), flow + ": " + keyword + " names no property");
                assertTrue(required.contains(property), flow + ": " + keyword + " property must be required");
            }
            boolean json = Examples.exists(flow, "valid.json") && Examples.exists(flow, "invalid.json");
            boolean csv = Examples.exists(flow, "valid.csv") && Examples.exists(flow, "invalid.csv");
            assertTrue(json || csv, flow + ": examples/" + flow + "/ needs valid and invalid examples");
        }
    }

    @Test
    void everyFlowHasAnIntakeInItsConfiguredMode() throws IOException {
        Properties config = Examples.applicationProperties();
        for (String flow : Examples.configuredFlows()) {
            String mode = config.getProperty("sync.flows." + flow + ".mode", "realtime");
            assertTrue(Set.of("realtime", "batch").contains(mode), flow + ": mode is realtime or batch");
            assertFalse(intakes(flow, mode).isEmpty(), flow + ": no intake runs in mode " + mode);
        }
    }

    @Test
    void theReadmeFlowTableMatchesTheConfiguration() throws IOException {
        Properties config = Examples.applicationProperties();
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = new ArrayList<>();
        for (String flow : Examples.configuredFlows()) {
            String prefix = "sync.flows." + flow + ".";
            String mode = config.getProperty(prefix + "mode", "realtime");
            String freshness = config.getProperty(prefix + "freshness.max-lag") != null
                    ? "lag ≤ " + config.getProperty(prefix + "freshness.max-lag")
                    : "silence ≤ " + config.getProperty(prefix + "freshness.max-silence");
            String row = "| " + flow + " | " + config.getProperty(prefix + "data-flow") + " | " + mode + " | "
                    + String.join(" + ", intakes(flow, mode)) + " | " + config.getProperty(prefix + "schedule", "—") + " | "
                    + freshness + " | " + ("true".equals(config.getProperty(prefix + "agent-facing")) ? "yes" : "no") + " |";
            if (!readme.contains(row)) {
                missing.add(row);
            }
        }
        assertEquals(List.of(), missing, "README flow table rows that do not match the configuration");
    }

    /** The intakes a flow runs in a mode: its routes whose activeIn is that mode or always, workers aside. */
    static List<String> intakes(String flow, String mode) throws IOException {
        List<String> intakes = new ArrayList<>();
        for (JsonNode item : YAML.readTree(routeFiles().get(flow).toFile())) {
            JsonNode templated = item.path("templatedRoute");
            String activeIn = "always";
            for (JsonNode p : templated.path("parameters")) {
                if (p.path("name").asText().equals("activeIn")) {
                    activeIn = p.path("value").asText();
                }
            }
            String routeId = templated.path("routeId").asText();
            String kind = routeId.substring(flow.length() + 1);
            if (!kind.equals("worker") && (activeIn.equals("always") || activeIn.equals(mode))) {
                intakes.add(kind);
            }
        }
        return intakes;
    }

    static Map<String, Path> routeFiles() throws IOException {
        Map<String, Path> files = new TreeMap<>();
        for (String industry : INDUSTRIES) {
            Path dir = ROUTES.resolve(industry);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> paths = Files.list(dir)) {
                paths.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                        .forEach(p -> files.put(p.getFileName().toString().replace(".camel.yaml", ""), p));
            }
        }
        return files;
    }

    static Map<String, Map<String, JsonNode>> declaredTemplateParameters() throws IOException {
        Map<String, Map<String, JsonNode>> declared = new TreeMap<>();
        for (JsonNode item : YAML.readTree(TEMPLATES.toFile())) {
            JsonNode template = item.path("routeTemplate");
            Map<String, JsonNode> parameters = new LinkedHashMap<>();
            template.path("parameters").forEach(p -> parameters.put(p.path("name").asText(), p));
            declared.put(template.path("id").asText(), parameters);
        }
        return declared;
    }

    static JsonNode templateNode(String id) throws IOException {
        for (JsonNode item : YAML.readTree(TEMPLATES.toFile())) {
            if (item.path("routeTemplate").path("id").asText().equals(id)) {
                return item.path("routeTemplate");
            }
        }
        throw new AssertionError("no template " + id);
    }
}
