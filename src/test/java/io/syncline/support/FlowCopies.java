package io.syncline.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/** A built-in flow's folder copied into a fresh {@code sync.flows-dir} under target/test-flows, each file as edited. */
public final class FlowCopies {

    private FlowCopies() {
    }

    /** {@code target/test-flows/<name>/<flow>/…}, each file's text through {@code edit(file, text)}; the flows dir. */
    public static Path builtIn(String flow, String name, BiFunction<Path, String, String> edit) {
        Path builtIn = Path.of("src/main/resources/flows", flow);
        Path flows = Path.of("target", "test-flows", name).toAbsolutePath();
        DataDirResource.deleteRecursively(flows);
        try (Stream<Path> files = Files.walk(builtIn)) {
            for (Path file : files.toList()) {
                Path copy = flows.resolve(flow).resolve(builtIn.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                    continue;
                }
                Files.writeString(copy, edit.apply(file, Files.readString(file, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return flows;
    }
}
