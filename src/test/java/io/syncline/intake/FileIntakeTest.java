package io.syncline.intake;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.RiskFiles;
import io.syncline.support.SyncData;

@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class FileIntakeTest {

    static final String FLOW = "insurance-actuarial-risk";
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aThousandRowsWithThreeInvalidPublishTheRestAndDeadLetterTheThreeWithTheirLines() {
        String prefix = RiskFiles.newPrefix();
        String name = "risk-" + prefix + ".csv";
        SyncData.drop(FLOW, name, RiskFiles.csv(prefix, 1000, Set.of(10, 500, 1001)));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(FLOW, name), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText());
        assertEquals(1000, report.path("rowsRead").asLong());
        assertEquals(997, report.path("valid").asLong());
        assertEquals(3, report.path("invalid").asLong());
        assertEquals(997, report.path("published").asLong());
        assertEquals(3, report.path("deadLettered").asLong());
        assertTrue(report.path("durationMs").isNumber());

        await().atMost(WAIT).until(() -> SyncData.storedIn("archive", FLOW, name));
        assertFalse(SyncData.inInbox(FLOW, name));
        assertEquals(997, SyncData.outboxWithKeyPrefix(FLOW, prefix).size());

        List<JsonNode> letters = SyncData.deadLetters(FLOW).stream()
                .filter(d -> name.equals(d.path("fileName").asText())).toList();
        assertThat(letters.stream().map(d -> d.path("line").asInt()).toList(), containsInAnyOrder(10, 500, 1001));
        for (JsonNode letter : letters) {
            assertEquals("validation", letter.path("category").asText());
            assertEquals("file", letter.path("intake").asText());
            assertEquals("csv-row", letter.path("payloadFormat").asText());
            assertThat(letter.path("payload").asText(), startsWith("{\"riskRecordId\":\"" + prefix));
            List<String> pointers = letter.path("fieldErrors").findValuesAsText("pointer");
            assertThat(pointers, containsInAnyOrder("/effectiveFrom", "/expectedLossRatio", "/lineOfBusiness"));
        }
    }

    @Test
    void aNumberInACsvCellReachesTheTargetAsWritten() {
        String prefix = RiskFiles.newPrefix();
        String name = "numbers-" + prefix + ".csv";
        String csv = RiskFiles.HEADER + "\n"
                + prefix + "1,AUTO-DE-1,auto,DE-BY,2026-12-01,2026-11-27T22:00:00Z,0.60,0.10,1E2,1E3,7,EUR,4.2.1\n"
                + prefix + "2,AUTO-DE-1,auto,DE-BY,2026-12-01,2026-11-27T22:00:00Z,0.60,0.10,4820.50,+12,7,EUR,4.2.1\n";
        SyncData.drop(FLOW, name, csv.getBytes(StandardCharsets.UTF_8));

        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(FLOW, prefix).size() == 2);
        List<String> lines = SyncData.outboxLines(FLOW).stream().filter(l -> l.contains(prefix)).sorted().toList();
        assertThat(lines.get(0), containsString("\"averageSeverity\":1E2,\"exposureUnits\":1E3,"));
        // +12 is not a JSON number: it goes as the number it means
        assertThat(lines.get(1), containsString("\"averageSeverity\":4820.50,\"exposureUnits\":12,"));
    }

    @Test
    void aCsvWithAByteOrderMarkAndQuotedHeaderNamesIsReadByName() {
        String prefix = RiskFiles.newPrefix();
        String name = "excel-" + prefix + ".csv";
        String quotedHeader = "\"" + RiskFiles.HEADER.replace(",", "\",\"") + "\"";
        String csv = "\uFEFF" + quotedHeader + "\r\n\"" + RiskFiles.validRow(prefix + "1", 1).replace(",", "\",\"") + "\"\r\n";
        SyncData.drop(FLOW, name, csv.getBytes(StandardCharsets.UTF_8));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(FLOW, name), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText(), report.toString());
        assertEquals(1, SyncData.outboxWithKeyPrefix(FLOW, prefix).size());
        assertEquals("auto", SyncData.outboxWithKeyPrefix(FLOW, prefix).get(0).path("record").path("lineOfBusiness").asText());
    }

    @Test
    void jsonLinesWithOneMalformedLineDeliverTheOthers() {
        String prefix = RiskFiles.newPrefix();
        String name = "risk-" + prefix + ".jsonl";
        String jsonl = """
                {"riskRecordId":"%1$s1","segmentCode":"HOME-NL","lineOfBusiness":"home","region":"NL","effectiveFrom":"2026-12-01","calculatedAt":"2026-11-27T22:00:00Z","expectedLossRatio":0.58,"claimFrequency":0.04,"averageSeverity":5400.00,"exposureUnits":88000,"currency":"EUR","modelVersion":"4.2"}
                {"riskRecordId":"%1$s2", "segmentCode":
                {"riskRecordId":"%1$s3","segmentCode":"HOME-BE","lineOfBusiness":"home","region":"BE","effectiveFrom":"2026-12-01","calculatedAt":"2026-11-27T22:00:00Z","expectedLossRatio":0.61,"claimFrequency":0.05,"averageSeverity":5100.00,"exposureUnits":41000,"currency":"EUR","modelVersion":"4.2"}
                """.formatted(prefix);
        SyncData.drop(FLOW, name, jsonl.getBytes(StandardCharsets.UTF_8));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(FLOW, name), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText());
        assertEquals(3, report.path("rowsRead").asLong());
        assertEquals(2, report.path("published").asLong());
        assertEquals(1, report.path("deadLettered").asLong());
        assertEquals(2, SyncData.outboxWithKeyPrefix(FLOW, prefix).size());
        JsonNode letter = SyncData.deadLetters(FLOW).stream().filter(d -> name.equals(d.path("fileName").asText())).findFirst().orElseThrow();
        assertEquals(2, letter.path("line").asInt());
        assertThat(letter.path("fieldErrors").get(0).path("message").asText(), startsWith("malformed JSON"));
    }

    @Test
    void anEmptyFileFailsWithAReport() {
        assertRejected("empty-" + System.nanoTime() + ".csv", new byte[0], "empty file");
    }

    @Test
    void aBinaryFileNamedCsvFailsWithAReport() {
        byte[] binary = new byte[4096];
        new Random(7).nextBytes(binary);
        binary[10] = 0;
        assertRejected("scan-" + System.nanoTime() + ".csv", binary, "binary content");
    }

    @Test
    void aFileInAnotherEncodingFailsWithAReport() {
        byte[] latin1 = (RiskFiles.HEADER + "\nRSK-X,Zürich,auto,CH,2026-12-01,2026-11-27T22:00:00Z,0.5,0.1,1,1,1,CHF,1.0\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertRejected("latin1-" + System.nanoTime() + ".csv", latin1, "not UTF-8");
    }

    @Test
    void aByteThatIsNotUtf8FarIntoAFileStopsItThereWithTheLineInItsReport() {
        String prefix = RiskFiles.newPrefix();
        String name = "latin1-late-" + prefix + ".csv";
        // past the first 8 KB the file is taken as UTF-8; row 1,000 (line 1,001, in the fifth chunk of 200) is not
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.writeBytes((RiskFiles.HEADER + "\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= 20_000; i++) {
            String row = RiskFiles.validRow(prefix + String.format("%05d", i), i) + "\n";
            file.writeBytes(i == 1000 ? row.replace("auto", "autö").getBytes(StandardCharsets.ISO_8859_1)
                    : row.getBytes(StandardCharsets.UTF_8));
        }
        JsonNode report = assertRejected(name, file.toByteArray(), "not UTF-8 text near line ");
        // the chunks before the one holding the byte were delivered, whole; nothing after it was read on
        long published = report.path("published").asLong();
        assertTrue(published >= 600 && published < 1000 && published % 200 == 0, report.toString());
        assertThat(report.path("rowsRead").asLong(), lessThan(2_000L));
    }

    @Test
    void aHeaderWithoutRowsIsAFailureNotASuccess() {
        assertRejected("header-only-" + System.nanoTime() + ".csv", (RiskFiles.HEADER + "\n").getBytes(StandardCharsets.UTF_8),
                "no data rows");
    }

    @Test
    void aFileOfOnlyInvalidRowsIsAFailureAndItsRowsAreDeadLettered() {
        String prefix = RiskFiles.newPrefix();
        String name = "all-bad-" + prefix + ".csv";
        String csv = RiskFiles.HEADER + "\n" + RiskFiles.invalidRow(prefix + "1") + "\n" + RiskFiles.invalidRow(prefix + "2") + "\n";
        JsonNode report = assertRejected(name, csv.getBytes(StandardCharsets.UTF_8), "every row was invalid");
        assertEquals(2, report.path("deadLettered").asLong());
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsDeadLetteredWithItsLine() {
        String prefix = RiskFiles.newPrefix();
        String name = "short-row-" + prefix + ".csv";
        String csv = RiskFiles.HEADER + "\n" + RiskFiles.validRow(prefix + "1", 1) + "\n" + prefix + "2,AUTO-DE-1,auto\n"
                + RiskFiles.validRow(prefix + "3", 3) + "\n";
        SyncData.drop(FLOW, name, csv.getBytes(StandardCharsets.UTF_8));
        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(FLOW, name), r -> r.isPresent()).get();
        assertEquals(2, report.path("published").asLong());
        JsonNode letter = SyncData.deadLetters(FLOW).stream().filter(d -> name.equals(d.path("fileName").asText())).findFirst().orElseThrow();
        assertEquals(3, letter.path("line").asInt());
        assertEquals("row has 3 cells, the header has 13", letter.path("fieldErrors").get(0).path("message").asText());
    }

    private static JsonNode assertRejected(String name, byte[] content, String reason) {
        SyncData.drop(FLOW, name, content);
        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(FLOW, name), r -> r.isPresent()).get();
        assertEquals("failed", report.path("status").asText());
        assertThat(report.path("reason").asText(), startsWith(reason));
        await().atMost(WAIT).until(() -> SyncData.storedIn("failed", FLOW, name));
        assertFalse(SyncData.storedIn("archive", FLOW, name));
        assertFalse(SyncData.inInbox(FLOW, name));
        return report;
    }
}
