package io.syncline.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.RiskFiles;
import io.syncline.support.SyncData;

/** Only regular files in an inbox are read; everything else is refused with a report, unread. */
@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class InboxGuardTest {

    static final String FLOW = "insurance-actuarial-risk";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void linksDirectoriesPipesAndUnarchivableNamesAreRefusedWithAReportAndNeverRead() throws Exception {
        String prefix = RiskFiles.newPrefix();
        Path inbox = Files.createDirectories(SyncData.dataDir().resolve("inbox").resolve(FLOW));
        // a good CSV outside the inbox: linked into it, it must not be published
        Path outside = SyncData.dataDir().resolve("outside-" + prefix + ".csv");
        byte[] outsideContent = RiskFiles.csv(prefix, 3, Set.of());
        Files.write(outside, outsideContent);
        String linked = "linked-" + prefix + ".csv";
        Files.createSymbolicLink(inbox.resolve(linked), outside);
        String passwd = "passwd-" + prefix + ".csv";
        Files.createSymbolicLink(inbox.resolve(passwd), Path.of("/etc/passwd"));
        String directory = "folder-" + prefix + ".csv";
        Files.createDirectory(inbox.resolve(directory));
        String pipe = "pipe-" + prefix + ".csv";
        assertEquals(0, new ProcessBuilder("mkfifo", inbox.resolve(pipe).toString()).start().waitFor());
        String lineBreak = "line\nbreak-" + prefix + ".csv";
        SyncData.drop(FLOW, lineBreak, RiskFiles.csv(prefix + "N", 2, Set.of()));
        String tooLong = "x".repeat(210) + prefix + ".csv";
        SyncData.drop(FLOW, tooLong, RiskFiles.csv(prefix + "L", 2, Set.of()));

        Map<String, String> expected = Map.of(linked, "a symbolic link", passwd, "a symbolic link", directory, "a directory",
                pipe, "not a regular file", lineBreak, "a file name with a control character",
                tooLong, "a file name over 200 bytes");
        for (Map.Entry<String, String> refused : expected.entrySet()) {
            JsonNode report = await().atMost(WAIT).until(() -> reportOf(refused.getKey()), Optional::isPresent).get();
            assertEquals("failed", report.path("status").asText(), refused.getKey());
            assertTrue(report.path("reason").asText().startsWith(refused.getValue()), report.toString());
            assertEquals(0, report.path("rowsRead").asLong());
            String movedTo = report.path("movedTo").asText();
            assertTrue(movedTo.startsWith("failed/" + FLOW + "/"), movedTo);
            assertTrue(Files.exists(SyncData.dataDir().resolve(movedTo), LinkOption.NOFOLLOW_LINKS), movedTo);
        }
        // the links went to failed/ as links: what they point at was neither read nor moved
        assertTrue(Files.isSymbolicLink(SyncData.dataDir().resolve(reportOf(linked).get().path("movedTo").asText())));
        assertArrayEquals(outsideContent, Files.readAllBytes(outside));
        assertTrue(SyncData.outboxWithKeyPrefix(FLOW, prefix).isEmpty());
        assertTrue(SyncData.deadLetters(FLOW).stream().noneMatch(d -> d.path("fileName").asText().contains(prefix)));
        try (Stream<Path> left = Files.list(inbox)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().contains(prefix)), "the inbox still holds a refused entry");
        }
        // a regular file dropped next to them is read as ever
        String good = "good-" + prefix + ".csv";
        SyncData.drop(FLOW, good, RiskFiles.csv(prefix + "G", 2, Set.of()));
        await().atMost(WAIT).until(() -> SyncData.report(FLOW, good).map(r -> r.path("status").asText()).orElse("")
                .equals("completed"));
        given().get("/api/flows/" + FLOW).then().statusCode(200);
    }

    /** A report by the file's original name (refused names are stored under a printable, shortened one). */
    static Optional<JsonNode> reportOf(String fileName) {
        Path dir = SyncData.dataDir().resolve("reports").resolve(FLOW);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> reports = Files.list(dir)) {
            for (Path report : reports.filter(p -> p.toString().endsWith(".report.json")).toList()) {
                JsonNode node = JSON.readTree(report.toFile());
                if (fileName.equals(node.path("file").asText())) {
                    return Optional.of(node);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
