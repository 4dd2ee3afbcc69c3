package io.syncline.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A fresh {@code sync.data-dir} per test profile, so no profile sees another's broker journal, outbox or files. */
public class DataDirResource implements QuarkusTestResourceLifecycleManager {

    private String name = "default";

    @Override
    public void init(Map<String, String> initArgs) {
        name = initArgs.getOrDefault("name", name);
    }

    @Override
    public Map<String, String> start() {
        Path dir = Path.of("target", "test-data", name).toAbsolutePath();
        deleteRecursively(dir);
        return Map.of("sync.data-dir", dir.toString());
    }

    @Override
    public void stop() {
        // kept for inspection after a failed run
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
