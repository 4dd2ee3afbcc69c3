package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;

/**
 * The README's faster start: the class-path jar ({@code -Pclasspath-jar}), {@code bin/start-cache.sh} training the
 * JVM's start-up cache on it, and Syncline started with that cache required (the JVM refuses to start when it cannot
 * use it): ready, a claim accepted and delivered. On Java 25 or later (the newest JDK the machine has) an AOT cache;
 * with only Java 17 to 24, a class-data sharing archive. How much faster it starts is measured in the benchmark notes
 * (docs/benchmarks.md), not here.
 */
class StartCacheIT {

    static final Path WORK = Path.of("target", "start-cache-it").toAbsolutePath();
    static final String JAR = "target/classpath-app/syncline-runner.jar";

    @Test
    void synclineStartsWithTheCacheTheScriptTrainedAndDelivers() throws Exception {
        DataDirResource.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        run(List.of("./mvnw", "-B", "-o", "-q", "package", "-DskipTests", "-Pclasspath-jar"), Map.of(), "build.log");
        Path java = newestJava();
        int major = major(java.getParent().getParent());
        run(List.of("bin/start-cache.sh"), Map.of("JAVA", java.toString(), "PORT", String.valueOf(PackagedApp.freePort())),
                "training.log");
        Path cache = Path.of("target", "classpath-app", major >= 25 ? "syncline.aot" : "syncline.jsa").toAbsolutePath();
        assertTrue(Files.size(cache) > 10_000_000, "a cache of the application's classes, not of the JDK's alone: " + cache);
        // -XX:AOTMode=on and -Xshare:on: the JVM stops at once rather than start without the cache
        List<String> options = major >= 25
                ? List.of("-Xmx256m", "-XX:AOTCache=" + cache, "-XX:AOTMode=on")
                : List.of("-Xmx256m", "-XX:SharedArchiveFile=" + cache, "-Xshare:on");
        Path data = WORK.resolve("data");
        Path log = WORK.resolve("with-cache.log");
        String claim = Claims.newClaimNumber();
        try (PackagedApp app = PackagedApp.start(java, JAR, data, Map.of(), options, log)) {
            assertEquals(202, app.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.keyCounts(data.resolve("outbox/insurance-claims")).containsKey(claim));
        }
        List<String> warnings = Files.readAllLines(log).stream()
                .filter(line -> line.contains("[warning][aot") || line.contains("[warning][cds")).toList();
        assertEquals(List.of(), warnings, "the JVM took the cache as it was trained");
    }

    /** The newest JDK beside the tests' own (/usr/lib/jvm on Debian), or the tests' own. */
    static Path newestJava() throws IOException {
        Path own = PackagedApp.javaOfTests();
        Path newest = own;
        int newestMajor = major(own.getParent().getParent());
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                for (Path home : homes.toList()) {
                    Path java = home.resolve("bin/java");
                    int major = major(home);
                    if (Files.isExecutable(java) && major > newestMajor) {
                        newest = java;
                        newestMajor = major;
                    }
                }
            }
        }
        return newest;
    }

    /** The feature release of the JDK at {@code home}, from its {@code release} file; 0 without one. */
    static int major(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(release)) {
            properties.load(in);
        }
        String version = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
        String feature = version.split("[.+-]")[0];
        return feature.matches("\\d+") ? Integer.parseInt(feature) : 0;
    }

    /** Runs a command of the project's folder to its end; its output in {@code log} under WORK. */
    private static void run(List<String> command, Map<String, String> environment, String log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(WORK.resolve(log).toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end within 10 minutes; see " + WORK.resolve(log));
        }
        assertEquals(0, process.exitValue(), command + " failed; see " + WORK.resolve(log) + ":\n"
                + String.join("\n", Files.readAllLines(WORK.resolve(log))));
    }
}
