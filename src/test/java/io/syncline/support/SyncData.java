package io.syncline.support;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What a user looks at: the outbox, the inbox folders, the reports and the dead-letter API. */
public final class SyncData {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    private SyncData() {
    }

    public static Path dataDir() {
        return Path.of(ConfigProvider.getConfig().getValue("sync.data-dir", String.class));
    }

    /** Every envelope in the flow's outbox, in file order. */
    public static List<JsonNode> outbox(String flow) {
        List<JsonNode> envelopes = new ArrayList<>();
        try {
            for (String line : outboxLines(flow)) {
                envelopes.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return envelopes;
    }

    /**
     * The flow's outbox as written: one envelope a line, in file order. Like any reader tailing the outbox, it takes
     * only whole lines: a line still being written (no newline yet) is left for the next read.
     */
    public static List<String> outboxLines(String flow) {
        Path dir = dataDir().resolve("outbox").resolve(flow);
        List<String> lines = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                new String(bytes, 0, end, StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank())
                        .forEach(lines::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    public static List<JsonNode> outboxWithKeyPrefix(String flow, String prefix) {
        return outbox(flow).stream().filter(e -> e.path("key").asText().startsWith(prefix)).toList();
    }

    /** Writes the file beside the inbox and moves it in whole, as a well-behaved producer does. */
    public static Path drop(String flow, String fileName, byte[] content) {
        try {
            Path inbox = dataDir().resolve("inbox").resolve(flow);
            Files.createDirectories(inbox);
            Path staging = dataDir().resolve("staging");
            Files.createDirectories(staging);
            Path tmp = staging.resolve(fileName);
            Files.write(tmp, content);
            return Files.move(tmp, inbox.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report of a file by its original name, once written. */
    public static Optional<JsonNode> report(String flow, String fileName) {
        Path dir = dataDir().resolve("reports").resolve(flow);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> report = files.filter(p -> p.getFileName().toString().endsWith("-" + fileName + ".report.json")).findFirst();
            return report.isPresent() ? Optional.of(JSON.readTree(report.get().toFile())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a file of this original name is in archive/ or failed/ ({@code folder}). */
    public static boolean storedIn(String folder, String flow, String fileName) {
        Path dir = dataDir().resolve(folder).resolve(flow);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith("-" + fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean inInbox(String flow, String fileName) {
        return Files.exists(dataDir().resolve("inbox").resolve(flow).resolve(fileName));
    }

    public static String firstLine(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dead letters of a flow, through the API a user would call. */
    public static List<JsonNode> deadLetters(String flow) {
        String body = given().queryParam("flow", flow).queryParam("limit", 1000)
                .get("/api/dead-letters").then().statusCode(200).extract().asString();
        try {
            List<JsonNode> items = new ArrayList<>();
            JSON.readTree(body).path("items").forEach(items::add);
            return items;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
