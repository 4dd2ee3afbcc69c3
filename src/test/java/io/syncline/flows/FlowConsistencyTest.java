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

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.syncline.support.Examples;

/**
 * The flow folders, the templates and the README agree. Adding a flow folder and forgetting one of its parts fails
 * here, with the part named; the README's flow table is what the folders say.
 */
class FlowConsistencyTest {

    static final Path TEMPLATES = Examples.RESOURCES.resolve("routes").resolve("shared").resolve("intake-templates.camel.yaml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Map<String, Set<String>> ROUTE_KINDS = Map.of(
            "webhook-intake", Set.of("webhook"),
            "jms-intake", Set.of("worker", "jms"),
            "file-intake", Set.of("file"),
            "pull-intake", Set.of("pull"));
    /** A template parameter in a placeholder: a plain name, where property keys always have a dot. */
    static final Pattern PARAMETER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9]*)(:[^}]*)?}}");

    @Test
    void everyFlowFolderHasARouteSettingsAndASchema() {
        for (String flow : Examples.configuredFlows()) {
            for (String file : List.of("route.yaml", "flow.properties", "schema.json")) {
                assertTrue(Files.isRegularFile(Examples.FLOWS.resolve(flow).resolve(file)), "flows/" + flow + "/" + file + " is missing");
            }
        }
        assertEquals(15, Examples.configuredFlows().size());
    }

    @Test
    void everyRouteFileInstantiatesTemplatesForItsOwnFlowWithConventionalRouteIds() throws IOException {
        Map<String, Map<String, JsonNode>> declared = declaredTemplateParameters();
        for (String flow : Examples.configuredFlows()) {
            String where = "flows/" + flow + "/route.yaml";
            for (JsonNode item : YAML.readTree(routeFile(flow).toFile())) {
                if (item.has("route")) {
                    String id = item.path("route").path("id").asText();
                    assertTrue(id.startsWith(flow + "-"), where + ": a route of the flow's own is named " + flow + "-<step>, not " + id);
                    assertTrue(item.path("route").path("from").path("uri").asText().startsWith("direct:" + flow + "-"),
                            where + ": a route of the flow's own is a step its intakes call (direct:" + flow + "-<step>)");
                    continue;
                }
                JsonNode templated = item.get("templatedRoute");
                assertTrue(templated != null, where + ": templatedRoute entries and routes of its own steps, no Java");
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
                assertEquals(flow, parameters.get("flowId"), where + ": flowId must be the folder's flow");
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
            assertTrue(json || csv, "flows/" + flow + "/examples/ needs valid and invalid examples");
        }
    }

    @Test
    void everyFlowHasAnIntakeInItsConfiguredMode() throws IOException {
        for (String flow : Examples.configuredFlows()) {
            String mode = Examples.settings(flow).getProperty("mode", "realtime");
            assertTrue(Set.of("realtime", "batch").contains(mode), flow + ": mode is realtime or batch");
            assertFalse(intakes(flow, mode).isEmpty(), flow + ": no intake runs in mode " + mode);
        }
    }

    /** The README's flow table is generated from the folders: paste the expected table when a flow changes. */
    @Test
    void theReadmeFlowTableIsWhatTheFoldersSay() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int start = readme.indexOf(FLOW_TABLE_HEADER);
        assertTrue(start >= 0, "README has no flow table starting with " + FLOW_TABLE_HEADER);
        List<String> table = new ArrayList<>();
        for (int i = start; i < readme.size() && readme.get(i).startsWith("|"); i++) {
            table.add(readme.get(i));
        }
        assertEquals(flowTable(), String.join("\n", table), "README's flow table (section \"The fifteen flows\")");
    }

    static final String FLOW_TABLE_HEADER = "| flow | data flow | mode | intakes in that mode | schedule (Quartz cron) | freshness | agent-facing |";

    /** The flow table as the folders say it, one row per folder in id order. */
    static String flowTable() throws IOException {
        List<String> rows = new ArrayList<>(List.of(FLOW_TABLE_HEADER, "|---|---|---|---|---|---|---|"));
        for (String flow : Examples.configuredFlows()) {
            Properties settings = Examples.settings(flow);
            String mode = settings.getProperty("mode", "realtime");
            String freshness = settings.getProperty("freshness.max-lag") != null
                    ? "lag ≤ " + settings.getProperty("freshness.max-lag")
                    : "silence ≤ " + settings.getProperty("freshness.max-silence");
            rows.add("| " + flow + " | " + settings.getProperty("data-flow") + " | " + mode + " | "
                    + String.join(" + ", intakes(flow, mode)) + " | " + settings.getProperty("schedule", "—") + " | "
                    + freshness + " | " + ("true".equals(settings.getProperty("agent-facing")) ? "yes" : "no") + " |");
        }
        return String.join("\n", rows);
    }

    /** The intakes a flow runs in a mode: its routes whose activeIn is that mode or always, workers aside. */
    static List<String> intakes(String flow, String mode) throws IOException {
        List<String> intakes = new ArrayList<>();
        for (JsonNode item : YAML.readTree(routeFile(flow).toFile())) {
            if (!item.has("templatedRoute")) {
                continue;
            }
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

    static Path routeFile(String flow) {
        return Examples.FLOWS.resolve(flow).resolve("route.yaml");
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
