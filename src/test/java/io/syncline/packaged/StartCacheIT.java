package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;

/**
 * The README's faster start: the class-path jar ({@code -Pclasspath-jar}), {@code bin/start-cache.sh} training the
 * JVM's start-up cache on it, and Syncline started with that cache required (the JVM refuses to start when it cannot
 * use it): ready, a claim accepted and delivered. How much sooner it is ready is measured by the benchmark's start-up
 * phase (docs/benchmarks.md), not here.
 */
class StartCacheIT {

    static final Path WORK = Path.of("target", "start-cache-it").toAbsolutePath();

    @Test
    void synclineStartsWithTheCacheTheScriptTrainedAndDelivers() throws Exception {
        DataDirResource.deleteRecursively(WORK);
        StartCache cache = StartCache.trained(WORK);
        assertTrue(Files.size(cache.cache()) > 10_000_000, "a cache of the application's classes, not of the JDK's alone: "
                + cache.cache());

        Path data = WORK.resolve("data");
        Path log = WORK.resolve("with-cache.log");
        String claim = Claims.newClaimNumber();
        try (PackagedApp app = PackagedApp.start(cache.java(), StartCache.JAR, data, Map.of(), cache.jvmOptions(true), log)) {
            assertEquals(202, app.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.keyCounts(data.resolve("outbox/insurance-claims")).containsKey(claim));
        }
        List<String> warnings = Files.readAllLines(log).stream()
                .filter(line -> line.contains("[warning][aot") || line.contains("[warning][cds")).toList();
        assertEquals(List.of(), warnings, "the JVM took the cache as it was trained");
    }
}
