package io.syncline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMappings;
import io.syncline.config.SyncConfig;
import io.syncline.support.Examples;

/**
 * The deployment manifests ({@code docker/compose.yaml} and the rest of {@code docker/}, {@code k8s/}) say what
 * Syncline does: every {@code sync.*} and {@code quarkus.*} key they set, as a property or as an environment variable,
 * is one Syncline reads (derived from the code: the {@code sync.*} mapping, the built-in flow folders, the
 * {@code @ConfigProperty} keys of Syncline's classes and the configuration model every Quarkus extension on the class
 * path ships), and none is fixed at build time; probes ask the health paths Syncline opens to orchestrators; the
 * instances share one broker, one database and one data volume; the external Artemis redelivers and dead-letters as
 * the embedded one does. Neither Docker nor Kubernetes runs here: these files are read, not started.
 */
class DeploymentManifestsTest {

    static final Path DOCKER = Path.of("docker");
    static final Path K8S = Path.of("k8s");
    static final Pattern HEALTH_PATH = Pattern.compile("/q/health(?:/[a-z]+)?");

    static Properties application;
    static KnownKeys keys;
    static Dockerfile image;

    @BeforeAll
    static void readWhatSynclineReads() throws Exception {
        application = new Properties();
        try (InputStream in = DeploymentManifestsTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            application.load(in);
        }
        keys = KnownKeys.of(application);
        image = Dockerfile.read(DOCKER.resolve("Dockerfile.jvm"));
    }

    @Test
    void everyManifestUnderDockerAndK8sParses() throws Exception {
        List<Path> manifests = manifests();
        assertTrue(manifests.contains(DOCKER.resolve("compose.yaml")), "docker/compose.yaml is read: " + manifests);
        assertTrue(manifests.stream().anyMatch(p -> p.startsWith(K8S)), "k8s/ is read: " + manifests);
        for (Path manifest : manifests) {
            String name = manifest.getFileName().toString();
            if (name.endsWith(".xml")) {
                xml(manifest);
            } else if (name.endsWith(".json")) {
                new ObjectMapper().readTree(manifest.toFile());
            } else {
                assertFalse(yamlDocuments(manifest).isEmpty(), manifest + " holds a YAML document");
            }
        }
    }

    @Test
    void everyKeyTheManifestsSetIsOneSynclineReadsAtRunTime() throws Exception {
        List<Setting> settings = new ArrayList<>(compose().synclineSettings());
        settings.addAll(kubernetes().synclineSettings());
        assertTrue(settings.stream().anyMatch(s -> s.name().equals("SYNC_BROKER_EMBEDDED")),
                "the compose instances set SYNC_BROKER_EMBEDDED: " + settings);
        assertTrue(settings.stream().anyMatch(s -> s.name().equals("sync.state.jdbc-url")),
                "the Kubernetes instances set sync.state.jdbc-url: " + settings);
        List<String> problems = settings.stream().map(keys::problem).flatMap(Optional::stream).toList();
        assertEquals(List.of(), problems);
    }

    /** The check above can fail: an unknown key, a flow that does not exist and a build-time key are each named. */
    @Test
    void theKeyCheckNamesAnUnknownKeyAnUnknownFlowAndABuildTimeKey() {
        assertEquals(Optional.empty(), keys.problem(new Setting("here", "SYNC_FLOWS_INSURANCE_CLAIMS_TARGET_KIND")));
        assertEquals(Optional.empty(), keys.problem(new Setting("here", "sync.broker.users.trading-platform.send-to")));
        assertEquals(Optional.empty(), keys.problem(new Setting("here", "QUARKUS_HTTP_AUTH_PERMISSION_API_POLICY")));
        assertEquals(Optional.empty(), keys.problem(new Setting("here", "QUARKUS_ARTEMIS_URL")));
        assertEquals(Optional.of("here: SYNC_BROKER_EMBEDED is not a configuration key of Syncline"),
                keys.problem(new Setting("here", "SYNC_BROKER_EMBEDED")));
        assertEquals(Optional.of("here: sync.flows.insurance-claim.target.kind is not a configuration key of Syncline"),
                keys.problem(new Setting("here", "sync.flows.insurance-claim.target.kind")));
        assertEquals(Optional.of("here: QUARKUS_HTTP_NON_APPLICATION_ROOT_PATH is fixed when the jar is built "
                + "(BUILD_AND_RUN_TIME_FIXED): setting it on a running instance does nothing"),
                keys.problem(new Setting("here", "QUARKUS_HTTP_NON_APPLICATION_ROOT_PATH")));
    }

    @Test
    void probesAskTheHealthPathsSynclineOpensToOrchestrators() throws Exception {
        // the paths an orchestrator may call without credentials; any other answers 401 and the pod is never ready
        Set<String> open = Set.of(application.getProperty("quarkus.http.auth.permission.probes.paths").split(","));
        assertTrue(open.contains("/q/health/ready") && open.contains("/q/health/live"), "probe paths: " + open);

        Kubernetes k8s = kubernetes();
        Map<String, Object> container = k8s.synclineContainer();
        assertEquals("/q/health/live", probePath(container, "livenessProbe"));
        // never /q/health/well: a stale flow must not take the instance out of the Service
        assertEquals("/q/health/ready", probePath(container, "readinessProbe"));
        if (container.containsKey("startupProbe")) {
            assertTrue(open.contains(probePath(container, "startupProbe")), "startup probe path is open");
        }
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (container.containsKey(probe)) {
                Object port = path(container, probe, "httpGet", "port");
                assertTrue(k8s.containerPorts(container).contains(port), probe + " asks port " + port
                        + ", which the container declares");
            }
        }
        assertTrue(k8s.containerPorts(container).contains(httpPort()), "the container opens quarkus.http.port " + httpPort());

        for (Map.Entry<String, Map<String, Object>> service : compose().synclineServices().entrySet()) {
            String test = String.valueOf(path(service.getValue(), "healthcheck", "test"));
            Matcher health = HEALTH_PATH.matcher(test);
            assertTrue(health.find(), service.getKey() + " checks a health path: " + test);
            assertEquals("/q/health/ready", health.group(), service.getKey() + "'s health check");
            assertTrue(test.contains("/" + httpPort()), service.getKey() + " asks quarkus.http.port " + httpPort());
        }
    }

    @Test
    void composeInstancesShareOneBrokerPairOneDatabaseAndOneDataVolume() throws Exception {
        Compose compose = compose();
        Map<String, Map<String, Object>> instances = compose.synclineServices();
        assertTrue(instances.size() >= 2, "at least two Syncline instances: " + instances.keySet());

        Set<Map<String, String>> shared = new LinkedHashSet<>();
        Set<String> dataVolumes = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, Object>> instance : instances.entrySet()) {
            Map<String, String> env = compose.environment(instance.getValue());
            assertEquals("false", env.get("SYNC_BROKER_EMBEDDED"), instance.getKey() + " uses the external broker");
            shared.add(Map.of("broker", env.getOrDefault("QUARKUS_ARTEMIS_URL", ""),
                    "database", env.getOrDefault("SYNC_STATE_JDBC_URL", "")));
            dataVolumes.add(compose.volumeAt(instance.getValue(), image.dataDir()));
        }
        assertEquals(1, shared.size(), "every instance names the same broker and database: " + shared);
        Map<String, String> wiring = shared.iterator().next();
        assertTrue(wiring.get("database").startsWith("jdbc:postgresql://"), "state in PostgreSQL: " + wiring);
        assertEquals(1, dataVolumes.size(), "one data volume at " + image.dataDir() + " for all: " + dataVolumes);
        assertTrue(compose.namedVolumes().contains(dataVolumes.iterator().next()), "the data volume is a named volume");

        // the broker URL names both brokers of the pair (with failover), the JDBC URL the database: all services here
        Set<String> brokerHosts = hosts(wiring.get("broker"), "tcp://([^:/,)]+)");
        assertTrue(brokerHosts.size() >= 2 && wiring.get("broker").contains("ha=true"), "an HA pair: " + wiring);
        Set<String> databaseHosts = hosts(wiring.get("database"), "jdbc:postgresql://([^:/]+)");
        for (String host : union(brokerHosts, databaseHosts)) {
            assertTrue(compose.services().containsKey(host), host + " is a service of compose.yaml");
        }
    }

    @Test
    void composeDependsOnlyOnServicesItDefinesAndWaitsOnlyForChecksThatExist() throws Exception {
        Compose compose = compose();
        Set<String> conditions = Set.of("service_started", "service_healthy", "service_completed_successfully");
        for (Map.Entry<String, Map<String, Object>> service : compose.services().entrySet()) {
            for (Map.Entry<String, String> dependency : compose.dependsOn(service.getValue()).entrySet()) {
                String on = service.getKey() + " depends on " + dependency.getKey();
                assertTrue(compose.services().containsKey(dependency.getKey()), on + ", which is not a service");
                assertTrue(conditions.contains(dependency.getValue()), on + " with condition " + dependency.getValue());
                if (dependency.getValue().equals("service_healthy")) {
                    assertTrue(compose.services().get(dependency.getKey()).containsKey("healthcheck"),
                            on + " being healthy, but it has no health check");
                }
            }
        }
        for (Map<String, Object> instance : compose.synclineServices().values()) {
            assertTrue(graceSeconds(String.valueOf(instance.get("stop_grace_period"))) > shutdownTimeoutSeconds(),
                    "stop_grace_period leaves Camel its shutdown-timeout of " + shutdownTimeoutSeconds() + " s");
        }
    }

    @Test
    void kubernetesReplicasShareOneBrokerOneDatabaseAndOneReadWriteManyVolume() throws Exception {
        Kubernetes k8s = kubernetes();
        Map<String, Object> deployment = k8s.one("Deployment");
        int replicas = ((Number) path(deployment, "spec", "replicas")).intValue();
        assertTrue(replicas >= 2, "at least two replicas: " + replicas);
        assertEquals(0, ((Number) path(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable")).intValue(),
                "a rollout takes an old pod down only once its successor is ready");

        Map<String, String> config = k8s.effectiveConfig();
        assertEquals("false", config.get("sync.broker.embedded"), "the external broker: " + config);
        assertFalse(config.getOrDefault("quarkus.artemis.url", "").isBlank(), "a broker URL: " + config);
        assertTrue(config.getOrDefault("sync.state.jdbc-url", "").startsWith("jdbc:postgresql://"),
                "state in PostgreSQL: " + config);

        String claim = k8s.claimMountedAt(image.dataDir());
        Map<String, Object> pvc = k8s.named("PersistentVolumeClaim", claim);
        assertTrue(((List<?>) path(pvc, "spec", "accessModes")).contains("ReadWriteMany"),
                "every replica mounts the data volume " + claim + ": ReadWriteMany");

        Map<String, String> podLabels = k8s.podLabels();
        Map<String, Object> pdb = k8s.one("PodDisruptionBudget");
        assertTrue(podLabels.entrySet().containsAll(k8s.selector(pdb).entrySet()), "the PodDisruptionBudget selects the pods");
        int minAvailable = ((Number) path(pdb, "spec", "minAvailable")).intValue();
        assertTrue(minAvailable >= 1 && minAvailable < replicas, "a drain keeps one replica and can still move one");
        Map<String, Object> service = k8s.one("Service");
        assertTrue(podLabels.entrySet().containsAll(k8s.selector(service).entrySet()), "the Service selects the pods");

        Map<String, Object> pod = k8s.podSpec();
        assertTrue(((Number) pod.get("terminationGracePeriodSeconds")).intValue() > shutdownTimeoutSeconds(),
                "the grace period leaves Camel its shutdown-timeout of " + shutdownTimeoutSeconds() + " s");
        long limit = new MemorySizeConverter().convert(String.valueOf(path(k8s.synclineContainer(), "resources", "limits",
                "memory")).replace("Mi", "M").replace("Gi", "G")).asLongValue();
        assertTrue(limit >= 2 * image.maxHeapBytes(), "the memory limit leaves room beyond the image's heap ("
                + image.maxHeapBytes() + " bytes): " + limit);
    }

    @Test
    void theExternalBrokerRedeliversAndDeadLettersAsTheEmbeddedOneDoes() throws Exception {
        Path artemis = DOCKER.resolve("artemis");
        String deadLetters = application.getProperty("sync.broker.dead-letter-address");
        Element settings = xml(artemis.resolve("syncline-address-settings.xml")).getDocumentElement();
        Element all = addressSetting(settings, "#");
        assertEquals(millis("sync.broker.redelivery-delay"), Long.parseLong(text(all, "redelivery-delay")));
        assertEquals(Double.parseDouble(application.getProperty("sync.broker.redelivery-multiplier")),
                Double.parseDouble(text(all, "redelivery-delay-multiplier")));
        assertEquals(millis("sync.broker.max-redelivery-delay"), Long.parseLong(text(all, "max-redelivery-delay")));
        assertEquals(application.getProperty("sync.broker.max-delivery-attempts"), text(all, "max-delivery-attempts"));
        assertEquals(deadLetters, text(all, "dead-letter-address"));
        Element kept = addressSetting(settings, deadLetters);
        assertEquals("-1", text(kept, "max-delivery-attempts"), "dead letters never bounce further");
        assertEquals("0", text(kept, "redelivery-delay"), "a dead letter left in place is visible again at once");

        // each broker of the pair reads the included files from its etc/, where compose puts them (etc-override)
        Compose compose = compose();
        Set<String> journals = new LinkedHashSet<>();
        for (String broker : List.of("primary", "backup")) {
            Path brokerXml = artemis.resolve(broker).resolve("broker.xml");
            Document document = xml(brokerXml);
            Map<String, Object> service = compose.services().get("artemis-" + broker);
            Map<String, String> mounts = compose.bindMounts(service);
            assertEquals(brokerXml.toString(), mounts.get("/var/lib/artemis-instance/etc-override/broker.xml"));
            NodeList includes = document.getElementsByTagNameNS("http://www.w3.org/2001/XInclude", "include");
            assertEquals(3, includes.getLength(), brokerXml + " includes the security, address settings and addresses");
            for (int i = 0; i < includes.getLength(); i++) {
                String file = Path.of(((Element) includes.item(i)).getAttribute("href")).getFileName().toString();
                assertEquals(artemis.resolve(file).toString(), mounts.get("/var/lib/artemis-instance/etc-override/" + file),
                        "artemis-" + broker + " gets " + file);
            }
            String journal = document.getElementsByTagNameNS("urn:activemq:core", "journal-directory").item(0).getTextContent();
            journals.add(compose.volumeAt(service, Path.of(journal).getParent().toString()) + ":" + journal);
            assertEquals(1, document.getElementsByTagNameNS("urn:activemq:core", broker).getLength(),
                    brokerXml + " is the " + broker + " of a shared store");
        }
        assertEquals(1, journals.size(), "primary and backup share one journal on one volume: " + journals);
    }

    // --- what Syncline reads ---

    /** The configuration keys Syncline reads, as property-name and environment-variable patterns. */
    record KnownKeys(List<Key> keys) {

        record Key(String name, Pattern property, Pattern environment, String phase) {
        }

        static KnownKeys of(Properties application) throws Exception {
            List<Key> keys = new ArrayList<>();
            // the built-in flows: one folder each under flows/ (Examples reads them the same way)
            Set<String> flows = Examples.configuredFlows().stream().collect(Collectors.toCollection(TreeSet::new));
            for (String name : ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(SyncConfig.class, "sync")).keySet()) {
                if (name.startsWith("sync.flows.*.")) {
                    // a flow's keys exist for the flows Syncline has, not for any id
                    for (String flow : flows) {
                        keys.add(key(name.replace("sync.flows.*.", "sync.flows.\"" + flow + "\"."), "RUN_TIME", false));
                    }
                } else {
                    keys.add(key(name, "RUN_TIME", true));
                }
            }
            for (String name : configPropertiesOfSyncline()) {
                keys.add(key(name, "RUN_TIME", true));
            }
            ObjectMapper json = new ObjectMapper();
            for (URL model : Collections.list(DeploymentManifestsTest.class.getClassLoader()
                    .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json"))) {
                try (InputStream in = model.openStream()) {
                    quarkusProperties(json.readTree(in), keys);
                }
            }
            return new KnownKeys(keys);
        }

        /** Keys read with {@code @ConfigProperty} by Syncline's own classes (e.g. {@code quarkus.artemis.url}). */
        private static Set<String> configPropertiesOfSyncline() throws Exception {
            Path classes = Path.of(SyncConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Set<String> names = new TreeSet<>();
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String className = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                    try {
                        Class<?> type = Class.forName(className, false, SyncConfig.class.getClassLoader());
                        List<AnnotatedElement> elements = new ArrayList<>(List.of(type.getDeclaredFields()));
                        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
                        executables.addAll(List.of(type.getDeclaredMethods()));
                        for (Executable executable : executables) {
                            elements.addAll(List.of(executable.getParameters()));
                        }
                        for (AnnotatedElement element : elements) {
                            ConfigProperty property = element.getAnnotation(ConfigProperty.class);
                            if (property != null && !property.name().isEmpty()) {
                                names.add(property.name());
                            }
                        }
                    } catch (LinkageError | TypeNotPresentException e) {
                        // a class whose optional dependencies are absent reads no configuration we could see anyway
                    }
                }
            }
            return names;
        }

        private static void quarkusProperties(JsonNode node, List<Key> keys) {
            if (node.isArray()) {
                node.forEach(child -> quarkusProperties(child, keys));
                return;
            }
            if (!node.isObject()) {
                return;
            }
            if (node.path("@class").asText().endsWith("model.ConfigProperty")) {
                String phase = node.path("phase").asText("RUN_TIME");
                keys.add(key(node.path("path").path("property").asText(), phase, true));
                node.path("additionalPaths").forEach(p -> keys.add(key(p.path("property").asText(), phase, true)));
            }
            node.forEach(child -> quarkusProperties(child, keys));
        }

        /** {@code *} and quoted segments ({@code "name"}) are any one segment, unless {@code quotedIsLiteral}. */
        static Key key(String name, String phase, boolean quotedIsWildcard) {
            List<String> property = new ArrayList<>();
            List<String> environment = new ArrayList<>();
            for (String segment : segments(name)) {
                boolean quoted = segment.startsWith("\"");
                if (segment.equals("*") || (quoted && quotedIsWildcard)) {
                    property.add("(?:[^.\"]+|\"[^\"]+\")");
                    environment.add("[A-Z0-9_]+");
                } else {
                    String literal = quoted ? segment.substring(1, segment.length() - 1) : segment;
                    property.add(Pattern.quote(literal));
                    environment.add(Pattern.quote(literal.toUpperCase().replaceAll("[^A-Z0-9]", "_")));
                }
            }
            return new Key(name, Pattern.compile(String.join("\\.", property) + "(?:\\[\\d+\\])?"),
                    Pattern.compile(String.join("_", environment) + "(?:_\\d+_?)?"), phase);
        }

        private static List<String> segments(String name) {
            List<String> segments = new ArrayList<>();
            Matcher segment = Pattern.compile("\"[^\"]*\"|[^.]+").matcher(name);
            while (segment.find()) {
                segments.add(segment.group());
            }
            return segments;
        }

        /** What is wrong with a setting that names a Syncline or Quarkus key, if anything. */
        Optional<String> problem(Setting setting) {
            String name = setting.name();
            boolean environment = name.equals(name.toUpperCase()) && !name.contains(".");
            String lower = name.toLowerCase();
            if (!(lower.startsWith("sync.") || lower.startsWith("sync_") || lower.startsWith("quarkus.") || lower.startsWith("quarkus_"))) {
                return Optional.empty();
            }
            List<Key> matching = keys.stream()
                    .filter(k -> (environment ? k.environment() : k.property()).matcher(name).matches()).toList();
            if (matching.isEmpty()) {
                return Optional.of(setting.source() + ": " + name + " is not a configuration key of "
                        + (lower.startsWith("sync") ? "Syncline" : "Syncline or its Quarkus extensions"));
            }
            if (matching.stream().noneMatch(k -> k.phase().equals("RUN_TIME"))) {
                return Optional.of(setting.source() + ": " + name + " is fixed when the jar is built ("
                        + matching.get(0).phase() + "): setting it on a running instance does nothing");
            }
            return Optional.empty();
        }
    }

    /** A key a manifest sets, as a property ({@code sync.state.jdbc-url}) or environment variable, and where. */
    record Setting(String source, String name) {
    }

    /** What the JVM image sets: the working directory, the data directory and the heap limit. */
    record Dockerfile(String workdir, String dataDir, long maxHeapBytes) {

        static Dockerfile read(Path file) throws IOException {
            String text = Files.readString(file);
            Matcher workdir = Pattern.compile("(?m)^WORKDIR\\s+(\\S+)").matcher(text);
            Matcher dataDir = Pattern.compile("-Dsync\\.data-dir=(\\S+?)[\"\\s]").matcher(text);
            Matcher heap = Pattern.compile("-Xmx(\\d+[kKmMgG])").matcher(text);
            assertTrue(workdir.find() && dataDir.find() && heap.find(), file + " sets WORKDIR, sync.data-dir and -Xmx");
            return new Dockerfile(workdir.group(1), dataDir.group(1),
                    new MemorySizeConverter().convert(heap.group(1).toUpperCase()).asLongValue());
        }
    }

    // --- docker/compose.yaml ---

    record Compose(Map<String, Object> document) {

        Map<String, Map<String, Object>> services() {
            return mapOfMaps(document.get("services"));
        }

        /** The services built from Syncline's Dockerfile or running its image. */
        Map<String, Map<String, Object>> synclineServices() {
            Map<String, Map<String, Object>> syncline = new LinkedHashMap<>();
            services().forEach((name, service) -> {
                String dockerfile = String.valueOf(path(service, "build", "dockerfile"));
                if (dockerfile.startsWith("docker/Dockerfile.") || String.valueOf(service.get("image")).startsWith("syncline")) {
                    syncline.put(name, service);
                }
            });
            return syncline;
        }

        List<Setting> synclineSettings() throws IOException {
            List<Setting> settings = new ArrayList<>();
            for (Map.Entry<String, Map<String, Object>> service : synclineServices().entrySet()) {
                for (String name : environment(service.getValue()).keySet()) {
                    settings.add(new Setting("docker/compose.yaml " + service.getKey(), name));
                }
            }
            return settings;
        }

        /** {@code environment} (a map or a list of NAME=value) and the {@code env_file}s that exist. */
        Map<String, String> environment(Map<String, Object> service) throws IOException {
            Map<String, String> env = new LinkedHashMap<>();
            for (Object file : list(service.get("env_file"))) {
                Path envFile = DOCKER.resolve(String.valueOf(file instanceof Map<?, ?> m ? m.get("path") : file));
                if (Files.exists(envFile)) {
                    Properties values = new Properties();
                    values.load(new StringReader(Files.readString(envFile)));
                    values.stringPropertyNames().forEach(n -> env.put(n, values.getProperty(n)));
                }
            }
            Object environment = service.get("environment");
            if (environment instanceof Map<?, ?> map) {
                map.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
            } else {
                for (Object entry : list(environment)) {
                    String[] pair = String.valueOf(entry).split("=", 2);
                    env.put(pair[0], pair.length > 1 ? pair[1] : "");
                }
            }
            return env;
        }

        Map<String, String> dependsOn(Map<String, Object> service) {
            Map<String, String> dependencies = new LinkedHashMap<>();
            Object dependsOn = service.get("depends_on");
            if (dependsOn instanceof Map<?, ?> map) {
                map.forEach((k, v) -> dependencies.put(String.valueOf(k),
                        String.valueOf(v instanceof Map<?, ?> m && m.get("condition") != null ? m.get("condition") : "service_started")));
            } else {
                list(dependsOn).forEach(d -> dependencies.put(String.valueOf(d), "service_started"));
            }
            return dependencies;
        }

        Set<String> namedVolumes() {
            return mapOfMaps(document.getOrDefault("volumes", Map.of())).keySet();
        }

        /** Container path to host path (relative to the repository) of the service's bind mounts. */
        Map<String, String> bindMounts(Map<String, Object> service) {
            Map<String, String> mounts = new LinkedHashMap<>();
            for (String[] volume : volumes(service)) {
                if (volume[0].startsWith(".")) {
                    mounts.put(volume[1], DOCKER.resolve(volume[0]).normalize().toString());
                }
            }
            return mounts;
        }

        /** The named volume mounted at a container path. */
        String volumeAt(Map<String, Object> service, String containerPath) {
            return volumes(service).stream().filter(v -> v[1].equals(containerPath) && !v[0].startsWith(".")).map(v -> v[0])
                    .findFirst().orElseThrow(() -> new AssertionError("no named volume at " + containerPath + ": " + service));
        }

        private static List<String[]> volumes(Map<String, Object> service) {
            return list(service.get("volumes")).stream().map(v -> v instanceof Map<?, ?> m
                    ? new String[] { String.valueOf(m.get("source")), String.valueOf(m.get("target")) }
                    : String.valueOf(v).split(":")).toList();
        }
    }

    static Compose compose() throws IOException {
        return new Compose(yamlDocuments(DOCKER.resolve("compose.yaml")).get(0));
    }

    // --- k8s/ ---

    record Kubernetes(List<Map<String, Object>> documents) {

        Map<String, Object> one(String kind) {
            List<Map<String, Object>> all = documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
            assertEquals(1, all.size(), "one " + kind + " in k8s/");
            return all.get(0);
        }

        Map<String, Object> named(String kind, String name) {
            return documents.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(path(d, "metadata", "name")))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s/"));
        }

        Map<String, Object> podSpec() {
            return asMap(path(one("Deployment"), "spec", "template", "spec"));
        }

        Map<String, String> podLabels() {
            return stringMap(path(one("Deployment"), "spec", "template", "metadata", "labels"));
        }

        Map<String, String> selector(Map<String, Object> resource) {
            Object selector = path(resource, "spec", "selector");
            Object labels = asMap(selector).get("matchLabels");
            return stringMap(labels != null ? labels : selector);
        }

        Map<String, Object> synclineContainer() {
            return list(podSpec().get("containers")).stream().map(Kubernetes::asMap)
                    .filter(c -> String.valueOf(c.get("image")).contains("syncline")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Syncline container in the Deployment"));
        }

        /** Port numbers and names the container declares. */
        Set<Object> containerPorts(Map<String, Object> container) {
            Set<Object> ports = new LinkedHashSet<>();
            for (Object port : list(container.get("ports"))) {
                ports.add(asMap(port).get("containerPort"));
                if (asMap(port).get("name") != null) {
                    ports.add(asMap(port).get("name"));
                }
            }
            return ports;
        }

        /** The volume mounted at a container path: its claim name. */
        String claimMountedAt(String mountPath) {
            String volume = volumeMountedAt(mountPath);
            return String.valueOf(path(volume(volume), "persistentVolumeClaim", "claimName"));
        }

        private String volumeMountedAt(String mountPath) {
            return list(synclineContainer().get("volumeMounts")).stream().map(Kubernetes::asMap)
                    .filter(m -> mountPath.equals(m.get("mountPath"))).map(m -> String.valueOf(m.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath));
        }

        private Map<String, Object> volume(String name) {
            return list(podSpec().get("volumes")).stream().map(Kubernetes::asMap).filter(v -> name.equals(v.get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("no volume " + name));
        }

        /**
         * The settings of the Syncline container: the ConfigMap's application.properties mounted where Quarkus reads
         * it ({@code <WORKDIR>/config/}), and environment variables from {@code env} and {@code envFrom}.
         */
        List<Setting> synclineSettings() throws IOException {
            List<Setting> settings = new ArrayList<>();
            configFile().stringPropertyNames().forEach(n -> settings.add(new Setting("k8s ConfigMap application.properties", n)));
            environment().forEach((n, v) -> settings.add(new Setting("k8s container environment", n)));
            return settings;
        }

        Properties configFile() throws IOException {
            Properties properties = new Properties();
            String configMap = String.valueOf(path(volume(volumeMountedAt(image.workdir() + "/config")), "configMap", "name"));
            Object file = path(named("ConfigMap", configMap), "data", "application.properties");
            assertTrue(file != null, "ConfigMap " + configMap + " holds application.properties, the file Quarkus reads there");
            properties.load(new StringReader(String.valueOf(file)));
            return properties;
        }

        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            Map<String, Object> container = synclineContainer();
            for (Object from : list(container.get("envFrom"))) {
                Map<String, Object> source = asMap(from);
                if (source.containsKey("configMapRef")) {
                    env.putAll(stringMap(named("ConfigMap", String.valueOf(path(source, "configMapRef", "name"))).get("data")));
                }
                if (source.containsKey("secretRef")) {
                    Map<String, Object> secret = named("Secret", String.valueOf(path(source, "secretRef", "name")));
                    env.putAll(stringMap(secret.getOrDefault("stringData", Map.of())));
                    env.putAll(stringMap(secret.getOrDefault("data", Map.of())));
                }
            }
            for (Object variable : list(container.get("env"))) {
                env.put(String.valueOf(asMap(variable).get("name")), String.valueOf(asMap(variable).get("value")));
            }
            return env;
        }

        /** Property name to value, the environment winning over the file as in Quarkus. */
        Map<String, String> effectiveConfig() throws IOException {
            Map<String, String> config = new LinkedHashMap<>();
            Properties file = configFile();
            file.stringPropertyNames().forEach(n -> config.put(n, file.getProperty(n)));
            Map<String, String> env = environment();
            for (String name : List.of("sync.broker.embedded", "quarkus.artemis.url", "sync.state.jdbc-url")) {
                String variable = name.toUpperCase().replaceAll("[^A-Z0-9]", "_");
                if (env.containsKey(variable)) {
                    config.put(name, env.get(variable));
                }
            }
            return config;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> asMap(Object value) {
            return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        }
    }

    static Kubernetes kubernetes() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Path manifest : manifests()) {
            if (manifest.startsWith(K8S) && !manifest.getFileName().toString().startsWith("kustomization")) {
                documents.addAll(yamlDocuments(manifest));
            }
        }
        return new Kubernetes(documents);
    }

    // --- reading ---

    static List<Path> manifests() throws IOException {
        List<Path> manifests = new ArrayList<>();
        for (Path root : List.of(DOCKER, K8S)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(ya?ml|xml|json)$")).sorted()
                        .forEach(manifests::add);
            }
        }
        return manifests;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
            if (document != null) {
                assertTrue(document instanceof Map, file + " holds a mapping");
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    static Document xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    static Element addressSetting(Element settings, String match) {
        NodeList all = settings.getElementsByTagNameNS("urn:activemq:core", "address-setting");
        for (int i = 0; i < all.getLength(); i++) {
            if (match.equals(((Element) all.item(i)).getAttribute("match"))) {
                return (Element) all.item(i);
            }
        }
        throw new AssertionError("no address-setting for " + match);
    }

    static String text(Element element, String child) {
        NodeList nodes = element.getElementsByTagNameNS("urn:activemq:core", child);
        assertEquals(1, nodes.getLength(), child + " in address-setting " + element.getAttribute("match"));
        return nodes.item(0).getTextContent().trim();
    }

    /** A path into nested YAML maps; null where it ends. */
    static Object path(Map<String, Object> root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    static String probePath(Map<String, Object> container, String probe) {
        return String.valueOf(path(container, probe, "httpGet", "path"));
    }

    static int httpPort() {
        // quarkus.http.port=${PORT:8080}: the default the images run with
        Matcher port = Pattern.compile("(\\d+)}?$").matcher(application.getProperty("quarkus.http.port"));
        assertTrue(port.find());
        return Integer.parseInt(port.group(1));
    }

    static long shutdownTimeoutSeconds() {
        return Long.parseLong(application.getProperty("camel.main.shutdown-timeout"));
    }

    static long graceSeconds(String composeDuration) {
        return DurationConverter.parseDuration(composeDuration).toSeconds();
    }

    static long millis(String key) {
        return DurationConverter.parseDuration(application.getProperty(key)).toMillis();
    }

    static Set<String> hosts(String url, String regex) {
        Set<String> hosts = new LinkedHashSet<>();
        Matcher host = Pattern.compile(regex).matcher(url);
        while (host.find()) {
            hosts.add(host.group(1));
        }
        return hosts;
    }

    static Set<String> union(Collection<String> a, Collection<String> b) {
        Set<String> union = new LinkedHashSet<>(a);
        union.addAll(b);
        return union;
    }

    static List<?> list(Object value) {
        return value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
    }

    static Map<String, Map<String, Object>> mapOfMaps(Object value) {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), Kubernetes.asMap(v)));
        }
        return result;
    }

    static Map<String, String> stringMap(Object value) {
        Map<String, String> result = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), String.valueOf(v)));
        }
        return result;
    }
}
