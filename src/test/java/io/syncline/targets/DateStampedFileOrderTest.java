package io.syncline.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.DataDirResource;
import io.syncline.support.FlowCopies;
import io.syncline.support.RiskFiles;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

/**
 * A flow whose source timestamp is a date ({@code "format": "date"}) has no version to compare, yet with a file's
 * chunks in flight its rows must still reach the target in file order: a chunk retrying a row of a key holds that
 * key until it is through, so the next chunk's row of the same key cannot overtake it.
 */
@QuarkusTest
@TestProfile(DateStampedFileOrderTest.DateStampedRisk.class)
class DateStampedFileOrderTest {

    static final String FLOW = "insurance-actuarial-risk";
    static final String PATH = "/crm/risk";

    /** The actuarial flow from a flow folder whose schema dates {@code calculatedAt} by the day; an http target. */
    public static class DateStampedRisk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sync.flows-dir", dateStampedFlows().toString(),
                    "sync.flows." + FLOW + ".target.kind", "http",
                    "sync.flows." + FLOW + ".target.chunk-size", "50",
                    "sync.retry.max-redeliveries", "3");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(DataDirResource.class, Map.of("name", "date-stamped")),
                    new TestResourceEntry(WireMockResource.class, Map.of("sync.flows." + FLOW + ".target.url", PATH)));
        }
    }

    /** The built-in flow's folder copied, its source timestamp (and the examples' values) made dates. */
    static Path dateStampedFlows() {
        return FlowCopies.builtIn(FLOW, "date-stamped", (file, text) -> {
            if (!file.getFileName().toString().equals("schema.json")) {
                return dates(text);
            }
            String dated = text.replace("\"calculatedAt\": { \"description\": \"When the model produced these figures (source timestamp).\", \"type\": \"string\", \"format\": \"date-time\" }",
                    "\"calculatedAt\": { \"description\": \"The day the model produced these figures (source timestamp).\", \"type\": \"string\", \"format\": \"date\" }");
            if (dated.equals(text)) {
                throw new IllegalStateException("calculatedAt is no longer written as this test expects: " + file);
            }
            return dated;
        });
    }

    /** Every date-time of the text cut to its date. */
    static String dates(String text) {
        return text.replaceAll("(\\d{4}-\\d{2}-\\d{2})T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z", "$1");
    }

    @Test
    void aRowRetriedInOneChunkIsNotOvertakenByTheNextChunksRowOfTheSameKey() {
        WireMockServer crm = WireMockResource.server();
        crm.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(aResponse().withStatus(200)));
        String prefix = RiskFiles.newPrefix();
        String name = "dated-" + prefix + ".csv";
        String key = prefix + "TWICE";
        StringBuilder csv = new StringBuilder(RiskFiles.HEADER).append('\n');
        for (int i = 1; i <= 100; i++) {
            // the key in the first chunk (rows 1-50) at row 10 and in the second (rows 51-100) at row 60
            String id = i == 10 || i == 60 ? key : prefix + String.format("%05d", i);
            csv.append(dates(RiskFiles.validRow(id, i))).append('\n');
        }
        // the first chunk's first attempt is answered 503 after a second, then it is retried; meanwhile the second
        // chunk is handed out
        String scenario = "first-chunk-" + prefix;
        crm.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(prefix + "00001")).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs(STARTED).willSetStateTo("retried")
                .willReturn(aResponse().withStatus(503).withFixedDelay(1000)));
        crm.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(prefix + "00001")).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs("retried").willReturn(aResponse().withStatus(200)));
        SyncData.drop(FLOW, name, csv.toString().getBytes(StandardCharsets.UTF_8));

        JsonNode report = await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.report(FLOW, name), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText(), report.toString());
        assertEquals(100, report.path("published").asLong(), report.toString());
        // what the target received with the key, in the order received: the first chunk twice (503, then 200), then
        // the second chunk; the target keeps the last row it accepted, the file's last
        List<String> received = crm.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(key))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(body -> body.contains(prefix + "00001") ? "chunk 1" : body.contains(prefix + "00051") ? "chunk 2" : body)
                .toList();
        assertEquals(List.of("chunk 1", "chunk 1", "chunk 2"), received);
    }
}
