package io.syncline.flows;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.AllFlows;
import io.syncline.support.Examples;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

/**
 * Every flow, through every intake its mode runs: its valid example reaches the target, its invalid example is
 * refused (webhook) or dead-lettered with the reason (JMS, file, pull).
 */
@QuarkusTest
@TestProfile(AllFlows.class)
class FlowExamplesTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ConnectionFactory connectionFactory;

    static List<String> flows() {
        return Examples.configuredFlows();
    }

    @ParameterizedTest
    @MethodSource("flows")
    void theExamplesGoThroughEveryActiveIntake(String flow) throws Exception {
        List<String> intakes = given().get("/api/flows/" + flow).then().statusCode(200)
                .body("intakes", not(empty())).extract().jsonPath().getList("intakes", String.class);
        for (String intake : intakes) {
            switch (intake) {
                case "webhook" -> webhook(flow);
                case "jms" -> jms(flow);
                case "file" -> file(flow);
                case "pull" -> pull(flow);
                default -> throw new AssertionError("unknown intake " + intake);
            }
        }
    }

    private void webhook(String flow) {
        String key = Examples.jsonKey(flow, "valid.json");
        given().contentType("application/json").body(Examples.text(flow, "valid.json"))
                .post("/webhooks/" + flow).then().statusCode(202);
        awaitPublished(flow, key);

        String refused = Examples.jsonKey(flow, "invalid.json");
        given().contentType("application/json").body(Examples.text(flow, "invalid.json"))
                .post("/webhooks/" + flow).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors", not(empty()));
        assertTrue(SyncData.outbox(flow).stream().noneMatch(e -> refused.equals(e.path("key").asText())));
    }

    private void jms(String flow) throws JMSException {
        String key = Examples.jsonKey(flow, "valid.json");
        String refused = Examples.jsonKey(flow, "invalid.json");
        send(flow, Examples.text(flow, "invalid.json"));
        send(flow, Examples.text(flow, "valid.json"));
        awaitPublished(flow, key);
        JsonNode letter = awaitDeadLetter(flow, refused);
        assertEquals("jms", letter.path("intake").asText());
        assertFalse(letter.path("fieldErrors").isEmpty());
    }

    private void file(String flow) {
        boolean csv = Examples.exists(flow, "valid.csv");
        String validName = csv ? "valid.csv" : "valid.jsonl";
        byte[] valid = csv ? Examples.bytes(flow, "valid.csv")
                : (Examples.compact(flow, "valid.json") + "\n").getBytes(StandardCharsets.UTF_8);
        List<String> keys = csv ? Examples.csvKeys(flow, "valid.csv") : List.of(Examples.jsonKey(flow, "valid.json"));
        SyncData.drop(flow, validName, valid);
        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(flow, validName), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText(), report.toString());
        assertEquals(keys.size(), report.path("published").asLong());
        keys.forEach(key -> awaitPublished(flow, key));

        String invalidName = csv ? "invalid.csv" : "invalid.jsonl";
        byte[] invalid = csv ? Examples.bytes(flow, "invalid.csv")
                : (Examples.compact(flow, "invalid.json") + "\n").getBytes(StandardCharsets.UTF_8);
        List<String> refused = csv ? Examples.csvKeys(flow, "invalid.csv") : List.of(Examples.jsonKey(flow, "invalid.json"));
        SyncData.drop(flow, invalidName, invalid);
        JsonNode failed = await().atMost(WAIT).until(() -> SyncData.report(flow, invalidName), r -> r.isPresent()).get();
        assertEquals("failed", failed.path("status").asText());
        for (String key : refused) {
            JsonNode letter = awaitDeadLetter(flow, key);
            assertEquals(invalidName, letter.path("fileName").asText());
            assertTrue(letter.path("line").asInt() >= 1);
        }
    }

    private void pull(String flow) {
        String path = AllFlows.PULL_PATHS.get(flow);
        String page = "{\"items\":[" + Examples.compact(flow, "valid.json") + "," + Examples.compact(flow, "invalid.json")
                + "],\"nextCursor\":\"p1\"}";
        WireMockResource.server().stubFor(get(urlPathEqualTo(path)).withQueryParam("cursor", absent()).willReturn(okJson(page)));
        WireMockResource.server().stubFor(get(urlPathEqualTo(path)).withQueryParam("cursor", equalTo("p1"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":\"p1\"}")));
        awaitPublished(flow, Examples.jsonKey(flow, "valid.json"));
        JsonNode letter = awaitDeadLetter(flow, Examples.jsonKey(flow, "invalid.json"));
        assertEquals("pull", letter.path("intake").asText());
    }

    private void send(String flow, String body) throws JMSException {
        try (JMSContext context = connectionFactory.createContext()) {
            TextMessage message = context.createTextMessage(body);
            context.createProducer().send(context.createQueue("sync." + flow + ".in"), message);
        }
    }

    private static void awaitPublished(String flow, String key) {
        await().atMost(WAIT).until(() -> SyncData.outbox(flow).stream().anyMatch(e -> key.equals(e.path("key").asText())));
    }

    private static JsonNode awaitDeadLetter(String flow, String key) {
        return await().atMost(WAIT).until(() -> SyncData.deadLetters(flow).stream()
                .filter(d -> key.equals(d.path("key").asText())).findFirst().orElse(null), d -> d != null);
    }
}
