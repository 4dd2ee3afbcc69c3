package io.syncline.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Where each flow's folder is: the built-in flows under {@code flows/} in the jar, and the folders of
 * {@code sync.flows-dir} outside it, which add flows or replace a built-in one of the same id (all of its files: a
 * replaced flow's built-in route, settings and schema are not read). Read before anything starts (configuration,
 * Camel's route list) and by the offline check, so it needs neither CDI nor Camel.
 */
public final class FlowFolders {

    /** The built-in flows' folder on the classpath. */
    public static final String BUILT_IN = "flows";
    public static final String ROUTE = "route.yaml";
    public static final String SETTINGS = "flow.properties";
    public static final String SCHEMA = "schema.json";
    public static final String EXAMPLES = "examples";
    /** The list of the built-in flows' folders, kept beside them (see {@link #builtInIds()}). */
    static final String INDEX = BUILT_IN + "/index";
    /** The key of the folder outside the jar. */
    public static final String FLOWS_DIR = "sync.flows-dir";
    /** A flow id, and so a flow folder's name: kebab-case {@code <industry>-<entity>}. */
    static final java.util.regex.Pattern FLOW_ID = java.util.regex.Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)+");

    private FlowFolders() {
    }

    /** One flow's folder: in the jar ({@code dir} empty) or outside it. */
    public record Folder(String id, Optional<Path> dir) {

        public boolean builtIn() {
            return dir.isEmpty();
        }

        /** How Camel and a reader name one of its files: {@code classpath:flows/<id>/route.yaml} or {@code file:/...}. */
        public String location(String file) {
            return dir.map(d -> "file:" + d.resolve(file).toAbsolutePath()).orElse("classpath:" + resource(file));
        }

        /** The file as a user finds it: {@code flows/<id>/schema.json} in the jar, or its path. */
        public String describe(String file) {
            return dir.map(d -> d.resolve(file).toString()).orElse(resource(file) + " (built in)");
        }

        private String resource(String file) {
            return BUILT_IN + "/" + id + "/" + file;
        }

        /** The file's content, or empty when the folder has no such file. */
        public Optional<InputStream> open(String file) throws IOException {
            if (dir.isPresent()) {
                Path path = dir.get().resolve(file);
                return Files.isRegularFile(path) ? Optional.of(Files.newInputStream(path)) : Optional.empty();
            }
            return Optional.ofNullable(classLoader().getResourceAsStream(resource(file)));
        }

        /** Its {@code flow.properties}, keys relative to the flow ({@code mode}, {@code target.kind}, ...). */
        public Properties settings() {
            Properties settings = new Properties();
            try {
                Optional<InputStream> in = open(SETTINGS);
                if (in.isPresent()) {
                    try (InputStream stream = in.get()) {
                        settings.load(new java.io.InputStreamReader(stream, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(describe(SETTINGS) + ": " + e.getMessage(), e);
            }
            return settings;
        }
    }

    /**
     * The built-in flows, then those of {@code flowsDir} over them, by id. A folder there whose name is no flow id
     * stops the start, naming it.
     */
    public static Map<String, Folder> find(Optional<String> flowsDir) {
        Map<String, Folder> folders = new TreeMap<>();
        builtInIds().forEach(id -> folders.put(id, new Folder(id, Optional.empty())));
        flowsDir.filter(d -> !d.isBlank()).map(Path::of).ifPresent(dir -> {
            Map<String, Folder> external = in(dir);
            for (Folder folder : external.values()) {
                idProblem(folder.id()).ifPresent(problem -> {
                    throw new IllegalStateException(folder.dir().orElseThrow() + ": " + problem);
                });
            }
            folders.putAll(external);
        });
        return folders;
    }

    /** What is wrong with a folder's name as a flow id, if anything, in one line. */
    public static Optional<String> idProblem(String id) {
        return FLOW_ID.matcher(id).matches() ? Optional.empty()
                : Optional.of("flow id '" + id + "' is not kebab-case <industry>-<entity> (lower-case letters and digits, words"
                        + " joined by single hyphens, e.g. retail-gift-cards): rename the folder");
    }

    /** The built-in flow of that id, if there is one. */
    public static Optional<Folder> builtIn(String id) {
        for (String builtIn : builtInIds()) {
            if (builtIn.equals(id)) {
                return Optional.of(new Folder(id, Optional.empty()));
            }
        }
        return Optional.empty();
    }

    /** The flow folders directly under {@code dir}: every folder is a flow, named by its folder. */
    public static Map<String, Folder> in(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(FLOWS_DIR + "=" + dir + " is not a directory");
        }
        Map<String, Folder> folders = new TreeMap<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .forEach(p -> folders.put(p.getFileName().toString(), new Folder(p.getFileName().toString(),
                            Optional.of(p.toAbsolutePath()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folders;
    }

    /**
     * The shared routes, named: a wildcard ({@code routes/shared/*.camel.yaml}) had Camel scan the jar's entries for
     * them at every start, 0.15 s of a 2.7 s start with the JVM's start-up cache. FlowFoldersTest checks the list
     * against the folder.
     */
    static final List<String> SHARED_ROUTES = List.of("classpath:routes/shared/pipeline.camel.yaml",
            "classpath:routes/shared/intake-templates.camel.yaml");

    /**
     * What the folders give the configuration: every {@code flow.properties} key as {@code sync.flows.<id>.<key>}, and
     * {@code camel.main.routes-include-pattern}: the shared templates and each folder's route.
     */
    public static Map<String, String> configuration(Map<String, Folder> folders) {
        Map<String, String> properties = new LinkedHashMap<>();
        StringBuilder routes = new StringBuilder(String.join(",", SHARED_ROUTES));
        for (Folder folder : folders.values()) {
            folder.settings().forEach((key, value) -> properties.put("sync.flows." + folder.id() + "." + key, (String) value));
            routes.append(',').append(folder.location(ROUTE));
        }
        properties.put("camel.main.routes-include-pattern", routes.toString());
        return properties;
    }

    /**
     * The built-in flows: the folder names of {@code flows/index}, which a native image can read as any resource (its
     * {@code resource:} URLs cannot be listed). Without the index (a test classpath of its own), the folders under
     * {@code flows/} of the jar or of target/classes that hold a flow.properties.
     */
    static java.util.Set<String> builtInIds() {
        try (InputStream index = classLoader().getResourceAsStream(INDEX)) {
            if (index != null) {
                return indexed(index);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(INDEX + ": " + e.getMessage(), e);
        }
        return listedIds();
    }

    /** The flow ids of an index: a line each, {@code #} comments and blank lines skipped. */
    static java.util.Set<String> indexed(InputStream index) throws IOException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (String line : new String(index.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
            String id = line.strip();
            if (!id.isEmpty() && !id.startsWith("#")) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The folders under {@code flows/} of the jar (or of target/classes): each holds a flow.properties. */
    static java.util.Set<String> listedIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        try {
            for (URL url : Collections.list(classLoader().getResources(BUILT_IN + "/"))) {
                if ("jar".equals(url.getProtocol())) {
                    ids.addAll(idsInJar(url));
                } else if ("file".equals(url.getProtocol())) {
                    ids.addAll(in(Path.of(url.toURI())).keySet());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private static java.util.Set<String> idsInJar(URL url) throws IOException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            String prefix = BUILT_IN + "/";
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.startsWith(prefix) && name.endsWith("/" + SETTINGS)) {
                    String rest = name.substring(prefix.length());
                    if (rest.indexOf('/') == rest.length() - SETTINGS.length() - 1) {
                        ids.add(rest.substring(0, rest.indexOf('/')));
                    }
                }
            }
        }
        return ids;
    }

    private static ClassLoader classLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : FlowFolders.class.getClassLoader();
    }
}
