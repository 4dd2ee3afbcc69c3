package io.syncline.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.syncline.support.DataDirResource;
import io.syncline.support.Examples;
import io.syncline.support.SyncData;

/**
 * The bad-input corpus ({@code src/test/resources/bad-input/cases.json} and its files): every case gets its
 * documented answer (status and problem type, or the file's report, reason and dead letters), never a 5xx, and the
 * other flows keep delivering while it runs.
 */
@QuarkusTest
@TestProfile(BadInputCorpusTest.Corpus.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusTest {

    public static class Corpus implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "bad-input")));
        }
    }

    static final Path CORPUS = Path.of("src/test/resources/bad-input");
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);

    static List<JsonNode> cases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        JSON.readTree(CORPUS.resolve("cases.json").toFile()).forEach(cases::add);
        return cases;
    }

    @Test
    @Order(0)
    void theCorpusHasAtLeastSixtyCases() throws IOException {
        assertTrue(cases().size() >= 60, "cases: " + cases().size());
    }

    @Order(1)
    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void everyCaseGetsItsDocumentedAnswer(JsonNode c) throws IOException {
        byte[] content = Files.readAllBytes(CORPUS.resolve(c.path("file").asText()));
        if (c.has("padTo")) {
            // too large to keep in the repository: the file's start, then spaces up to the size
            byte[] padded = new byte[c.path("padTo").asInt()];
            java.util.Arrays.fill(padded, (byte) ' ');
            System.arraycopy(content, 0, padded, 0, content.length);
            content = padded;
        }
        if (c.path("channel").asText().equals("webhook")) {
            // RestAssured encodes form bodies itself and takes them only as text
            boolean form = c.path("contentType").asText().startsWith("application/x-www-form-urlencoded");
            RequestSpecification request = form ? given().body(new String(content, java.nio.charset.StandardCharsets.UTF_8))
                    : given().body(content);
            if (!c.path("contentType").isNull()) {
                request.contentType(c.path("contentType").asText());
            } else {
                request.noContentType();
            }
            c.path("headers").fields().forEachRemaining(h -> request.header(h.getKey(), h.getValue().asText()));
            // a query string is never a header: neither an input of the webhook nor copied into its answer
            request.header("X-Probe", "reflected?");
            String query = c.path("query").asText("");
            if (!query.isEmpty()) {
                request.urlEncodingEnabled(false);
            }
            Response answer = request.request(c.path("method").asText(),
                    "/webhooks/" + c.path("flow").asText() + (query.isEmpty() ? "" : "?" + query));
            assertEquals(c.path("status").asInt(), answer.statusCode(), c.path("name").asText() + ": " + answer.asString());
            assertEquals(null, answer.header("X-Probe"), c.path("name").asText() + ": a request header was echoed");
            assertEquals(null, answer.header("Set-Cookie"), c.path("name").asText() + ": a query parameter was echoed");
            if (!c.path("problem").isNull()) {
                assertEquals("application/problem+json", answer.contentType().split(";")[0]);
                assertEquals(c.path("problem").asText(), answer.jsonPath().getString("type"));
            }
            if (answer.statusCode() == 202) {
                String claimNumber = JSON.readTree(new String(decoded(content, c.path("headers").path("Content-Encoding").asText()),
                        java.nio.charset.StandardCharsets.UTF_8).replace("\uFEFF", "")).path("claimNumber").asText();
                await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(c.path("flow").asText(), claimNumber).size() == 1);
            }
        } else {
            String flow = c.path("flow").asText();
            String name = c.path("file").asText();
            SyncData.drop(flow, name, content);
            JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(flow, name), r -> r.isPresent()).get();
            assertEquals(c.path("report").asText(), report.path("status").asText(), c.path("name").asText() + ": " + report);
            if (!c.path("reason").isNull()) {
                assertTrue(report.path("reason").asText().startsWith(c.path("reason").asText()),
                        c.path("name").asText() + ": " + report.path("reason").asText());
            }
            if (!c.path("deadLettered").isNull()) {
                assertEquals(c.path("deadLettered").asLong(), report.path("deadLettered").asLong(), c.path("name").asText());
            }
            await().atMost(WAIT).until(() -> SyncData.storedIn(report.path("status").asText().equals("failed") ? "failed" : "archive",
                    flow, name));
        }
    }

    private static byte[] decoded(byte[] content, String encoding) throws IOException {
        java.io.InputStream in = new java.io.ByteArrayInputStream(content);
        return switch (encoding) {
            case "gzip" -> new java.util.zip.GZIPInputStream(in).readAllBytes();
            case "deflate" -> new java.util.zip.InflaterInputStream(in).readAllBytes();
            default -> content;
        };
    }

    @Test
    @Order(2)
    void theOtherFlowsKeptDeliveringAndNoInboundHeaderSteeredAnything() {
        String renewals = "insurance-policy-renewals";
        given().contentType("application/json").body(Examples.text(renewals, "valid.json"))
                .post("/webhooks/" + renewals).then().statusCode(202);
        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(renewals, Examples.jsonKey(renewals, "valid.json")).size() >= 1);
        SyncData.drop("manufacturing-erp-reconciliation", "after-corpus.csv",
                Examples.bytes("manufacturing-erp-reconciliation", "valid.csv"));
        await().atMost(WAIT).until(() -> SyncData.report("manufacturing-erp-reconciliation", "after-corpus.csv").isPresent());
        given().get("/q/health/ready").then().statusCode(200);
        // the corpus's CamelHttpMethod / CamelJmsDestinationName / CamelFileName headers went nowhere
        assertTrue(SyncData.outbox("financial-portfolio-trades").isEmpty());
        assertFalse(Files.exists(Path.of("/tmp/syncline-escaped.jsonl")));
    }
}
