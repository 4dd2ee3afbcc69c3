package io.syncline.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The class-path jar and the JVM's start-up cache trained on it, as the README has a user build them
 * ({@code ./mvnw -B package -DskipTests -Pclasspath-jar}, then {@code bin/start-cache.sh}), on the newest JDK the
 * machine has: an AOT cache on Java 25 or later, a class-data sharing archive on Java 17 to 24.
 *
 * @param java the {@code bin/java} it was trained for
 * @param javaVersion its feature release
 * @param cache the cache file
 */
public record StartCache(Path java, int javaVersion, Path cache) {

    public static final String JAR = "target/classpath-app/syncline-runner.jar";
    /** The JVM options the cache is trained with, and started with: a cache serves only the options it was trained with. */
    static final String TRAINED_WITH = "-Xmx256m";

    /** Builds the class-path jar and trains its cache; each step's output goes to a log under {@code work}. */
    public static StartCache trained(Path work) throws Exception {
        Files.createDirectories(work);
        run(List.of("./mvnw", "-B", "-o", "-q", "package", "-DskipTests", "-Pclasspath-jar"), Map.of(), work.resolve("build.log"));
        Path java = newestJava();
        int version = version(java.getParent().getParent());
        run(List.of("bin/start-cache.sh"), Map.of("JAVA", java.toString(), "JAVA_OPTS", TRAINED_WITH,
                "PORT", String.valueOf(PackagedApp.freePort())), work.resolve("training.log"));
        Path cache = Path.of("target", "classpath-app", version >= 25 ? "syncline.aot" : "syncline.jsa").toAbsolutePath();
        return new StartCache(java, version, cache);
    }

    /**
     * The options bin/start-cache.sh trained with and the cache; {@code required}: the JVM stops at once rather than
     * start without it ({@code -XX:AOTMode=on}, {@code -Xshare:on}).
     */
    public List<String> jvmOptions(boolean required) {
        List<String> options = new ArrayList<>(List.of(TRAINED_WITH));
        if (javaVersion >= 25) {
            options.add("-XX:AOTCache=" + cache);
            if (required) {
                options.add("-XX:AOTMode=on");
            }
        } else {
            options.add("-XX:SharedArchiveFile=" + cache);
            if (required) {
                options.add("-Xshare:on");
            }
        }
        return options;
    }

    /** The newest JDK beside the tests' own (/usr/lib/jvm on Debian), or the tests' own. */
    static Path newestJava() throws IOException {
        Path newest = PackagedApp.javaOfTests();
        int newestVersion = version(newest.getParent().getParent());
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                for (Path home : homes.toList()) {
                    Path java = home.resolve("bin/java");
                    int version = version(home);
                    if (Files.isExecutable(java) && version > newestVersion) {
                        newest = java;
                        newestVersion = version;
                    }
                }
            }
        }
        return newest;
    }

    /** The feature release of the JDK at {@code home}, from its {@code release} file; 0 without one. */
    static int version(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(release)) {
            properties.load(in);
        }
        String feature = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "").split("[.+-]")[0];
        return feature.matches("\\d+") ? Integer.parseInt(feature) : 0;
    }

    /** Runs a command in the project's folder to its end, its output in {@code log}; it must succeed. */
    private static void run(List<String> command, Map<String, String> environment, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            // the script's training JVM too: SIGKILL to the script runs no trap
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end within 10 minutes; see " + log);
        }
        assertEquals(0, process.exitValue(), command + " failed; see " + log + ":\n" + String.join("\n", Files.readAllLines(log)));
    }
}
