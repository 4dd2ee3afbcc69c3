package io.syncline.flows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.quartz.CronExpression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.syncline.config.FlowFolders;
import io.syncline.config.FlowSettings;
import io.syncline.config.SyncConfig;
import io.syncline.validation.FieldError;
import io.syncline.validation.FlowSchema;
import io.syncline.validation.FlowSchemas;

/**
 * The offline check of a folder of flow folders ({@code java -jar quarkus-run.jar check <flows-dir>}): no broker, no
 * Quarkus, nothing started. Each problem is one line naming the folder and the file: a route.yaml that Camel cannot
 * load (YAML, an unknown template, a missing template parameter), a flow.properties key Syncline does not know or a
 * value it cannot read, a schedule that is not a Quartz cron, an incomplete target, a schema that is not a JSON Schema
 * 2020-12, an example that does not do what its name says ({@code valid*.json|csv} pass, {@code invalid*} fail).
 */
public final class FlowCheck {

    /** SmallRye's words for a key no part of the configuration mapping reads. */
    static final java.util.regex.Pattern UNKNOWN_KEY = java.util.regex.Pattern.compile("SRCFG00050: (\\S+) in .* does not map to any root");
    static final String SHARED_TEMPLATES = "classpath:routes/shared/intake-templates.camel.yaml";

    private final ObjectMapper json = new ObjectMapper();

    /** The problems of every flow folder under {@code flowsDir}; empty when all pass. */
    public List<String> check(Path flowsDir) {
        if (!Files.isDirectory(flowsDir)) {
            return List.of(flowsDir + ": not a directory of flow folders");
        }
        Map<String, FlowFolders.Folder> folders = FlowFolders.in(flowsDir);
        if (folders.isEmpty()) {
            return List.of(flowsDir + ": no flow folders in it");
        }
        List<String> problems = new ArrayList<>();
        folders.values().forEach(folder -> problems.addAll(check(folder)));
        return problems;
    }

    /** The problems of one flow folder outside the jar, each line starting with {@code <flow-id>/<file>: }. */
    public List<String> check(FlowFolders.Folder folder) {
        String where = folder.id() + "/";
        Optional<String> badId = FlowFolders.idProblem(folder.id());
        if (badId.isPresent()) {
            // every file would be wrong for it (route ids, keys): the name is the one problem
            return List.of(where + ": " + badId.get());
        }
        List<String> problems = new ArrayList<>(settings(folder, where));
        problems.addAll(route(folder, where));
        problems.addAll(schema(folder, where, new FlowSchemas(json, Map.of(folder.id(), folder))));
        return problems;
    }

    private List<String> settings(FlowFolders.Folder folder, String where) {
        String file = where + FlowFolders.SETTINGS;
        if (!Files.isRegularFile(folder.dir().orElseThrow().resolve(FlowFolders.SETTINGS))) {
            return List.of(file + ": missing (the flow's settings: mode, target.kind, freshness, ...)");
        }
        Properties settings = folder.settings();
        Map<String, String> keys = new HashMap<>();
        settings.forEach((key, value) -> keys.put("sync.flows." + folder.id() + "." + key, (String) value));
        List<String> problems = new ArrayList<>();
        SyncConfig config;
        try {
            config = config(keys, file);
        } catch (ConfigValidationException e) {
            for (int i = 0; i < e.getProblemCount(); i++) {
                String message = e.getProblem(i).getMessage().replace("sync.flows." + folder.id() + ".", "");
                java.util.regex.Matcher unknown = UNKNOWN_KEY.matcher(message);
                problems.add(file + ": " + (unknown.find() ? "unknown key " + unknown.group(1)
                        + " (README \"Adding a flow\" lists the keys of a flow.properties)" : message));
            }
            return problems;
        } catch (RuntimeException e) {
            return List.of(file + ": " + e.getMessage());
        }
        SyncConfig.Flow flow = config.flow(folder.id());
        flow.schedule().ifPresent(cron -> {
            try {
                CronExpression.validateExpression(cron);
            } catch (ParseException e) {
                problems.add(file + ": schedule=" + cron + " is not a Quartz cron (seconds minutes hours day-of-month month"
                        + " day-of-week [year]): " + e.getMessage());
            }
        });
        FlowStartupCheck.targetProblems(folder.id(), flow.target())
                .forEach(problem -> problems.add(file + ": " + problem.replace("sync.flows." + folder.id() + ".", "")));
        return problems;
    }

    /** The flow's keys as Syncline reads them: unknown keys and unreadable values are refused here as at start-up. */
    static SyncConfig config(Map<String, String> keys, String source) {
        SmallRyeConfig config = FlowSettings.builder(List.of(new PropertiesConfigSource(keys, source, 500))).build();
        return config.getConfigMapping(SyncConfig.class);
    }

    /** Loaded by Camel's YAML DSL next to the shared templates, into a context that is never started. */
    private List<String> route(FlowFolders.Folder folder, String where) {
        String file = where + FlowFolders.ROUTE;
        if (!Files.isRegularFile(folder.dir().orElseThrow().resolve(FlowFolders.ROUTE))) {
            return List.of(file + ": missing (the flow's intakes, from the shared templates)");
        }
        try {
            List<String> problems = new ArrayList<>();
            String prefix = folder.id() + "-";
            for (RouteDefinition route : definitions(folder)) {
                String owner = FlowCatalog.flowOf(route.getRouteId());
                String uri = route.getInput() == null ? "" : route.getInput().getEndpointUri();
                if (owner != null && !owner.equals(folder.id())) {
                    problems.add(file + ": route " + route.getRouteId() + " belongs to flow " + owner + ", not " + folder.id()
                            + " (a copied route.yaml: rename its routeId and flowId values)");
                } else if (route.getRouteId() == null || !route.getRouteId().startsWith(prefix)) {
                    problems.add(file + ": route " + route.getRouteId() + " needs an id starting with " + prefix
                            + " (a reload replaces exactly the flow's routes)");
                } else if (uri.startsWith("direct:") && !uri.replaceFirst("^direct:(//)?", "").startsWith(prefix)) {
                    problems.add(file + ": route " + route.getRouteId() + " consumes " + uri + ", a step's endpoint must be direct:"
                            + prefix + "... (another flow could use it)");
                }
            }
            return problems;
        } catch (Exception e) {
            return List.of(file + ": " + oneLine(e));
        }
    }

    private static List<RouteDefinition> definitions(FlowFolders.Folder folder) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            Properties placeholders = new Properties();
            placeholders.put("sync.data-dir", "data");
            folder.settings().forEach((key, value) -> placeholders.put("sync.flows." + folder.id() + "." + key, value));
            camel.getPropertiesComponent().setInitialProperties(placeholders);
            camel.build();
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, SHARED_TEMPLATES));
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, folder.location(FlowFolders.ROUTE)));
            return List.copyOf(((ModelCamelContext) camel).getRouteDefinitions());
        }
    }

    /**
     * What makes the file at {@code path} no JSON Schema 2020-12 (checked against the meta-schema), each line starting
     * {@code file: }; empty when it is one. The validator itself compiles a misspelt type or a keyword in the wrong
     * place without a word and then refuses every record, so both start-up and a reload ask this first.
     */
    static List<String> schemaProblems(ObjectMapper json, Path path, String file) {
        List<String> problems = new ArrayList<>();
        try {
            JsonNode node = json.readTree(path.toFile());
            MetaSchema.V202012.validate(node)
                    .forEach(message -> problems.add(file + ": not a JSON Schema 2020-12: " + message.getMessage()));
        } catch (IOException e) {
            return List.of(file + ": not readable JSON: " + oneLine(e));
        }
        return problems;
    }

    /** JSON Schema 2020-12's meta-schema, read from networknt's jar once (a compiled schema validates concurrently). */
    private static final class MetaSchema {
        static final com.networknt.schema.JsonSchema V202012 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of(SchemaId.V202012));
    }

    private List<String> schema(FlowFolders.Folder folder, String where, FlowSchemas schemas) {
        String file = where + FlowFolders.SCHEMA;
        Path path = folder.dir().orElseThrow().resolve(FlowFolders.SCHEMA);
        if (!Files.isRegularFile(path)) {
            return List.of(file + ": missing (the JSON Schema 2020-12 of the flow's records)");
        }
        List<String> problems = schemaProblems(json, path, file);
        if (!problems.isEmpty()) {
            return problems;
        }
        FlowSchema schema;
        try {
            schema = schemas.forFlow(folder.id());
        } catch (RuntimeException e) {
            return List.of(file + ": " + oneLine(e).replace("schema " + path + ": ", ""));
        }
        problems.addAll(examples(folder, where, schema));
        return problems;
    }

    /** {@code valid*.json} and every row of {@code valid*.csv} pass; {@code invalid*} fail (a CSV: one row at least). */
    private List<String> examples(FlowFolders.Folder folder, String where, FlowSchema schema) {
        Path dir = folder.dir().orElseThrow().resolve(FlowFolders.EXAMPLES);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        Instant latest = Instant.now().plus(Duration.ofMinutes(5));
        try (Stream<Path> files = Files.list(dir).sorted()) {
            for (Path example : files.toList()) {
                String name = example.getFileName().toString();
                boolean valid = name.startsWith("valid");
                if (!valid && !name.startsWith("invalid")) {
                    continue;
                }
                String file = where + FlowFolders.EXAMPLES + "/" + name;
                List<List<FieldError>> records = new ArrayList<>();
                if (name.endsWith(".json")) {
                    records.add(schema.validate(json.readTree(example.toFile()), latest));
                } else if (name.endsWith(".csv")) {
                    try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerFor(Map.class)
                            .with(CsvSchema.emptySchema().withHeader()).readValues(example.toFile())) {
                        while (rows.hasNext()) {
                            records.add(schema.validate(schema.fromColumns(rows.next()), latest));
                        }
                    }
                } else {
                    continue;
                }
                if (valid) {
                    for (int i = 0; i < records.size(); i++) {
                        for (FieldError error : records.get(i)) {
                            problems.add(file + ": a valid example fails" + (name.endsWith(".csv") ? " (row " + (i + 1) + ")" : "")
                                    + ": " + error.pointer() + " " + error.message());
                        }
                    }
                } else if (records.stream().allMatch(List::isEmpty)) {
                    problems.add(file + ": an invalid example passes the schema");
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(where + FlowFolders.EXAMPLES + "/: " + oneLine(e));
        }
        return problems;
    }

    /** The exception's message and its root cause's, on one line. */
    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message = message + ": " + root.getMessage();
        }
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** {@code check <flows-dir>}: one line per problem on stderr, exit 1 if any, 2 when used wrongly. */
    public static int run(String... args) {
        if (args.length != 1) {
            System.err.println("usage: java -jar quarkus-run.jar check <flows-dir>");
            return 2;
        }
        Path dir = Path.of(args[0]);
        List<String> problems = new FlowCheck().check(dir);
        problems.forEach(System.err::println);
        if (problems.isEmpty()) {
            System.out.println(dir + ": " + FlowFolders.in(dir).size() + " flow folders checked, no problem");
            return 0;
        }
        System.err.println(problems.size() + " problem(s) in " + dir);
        return 1;
    }
}
