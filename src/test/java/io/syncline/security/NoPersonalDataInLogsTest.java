package io.syncline.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

/**
 * Every way a record carrying personal data can fail - refused at the webhook, unparseable on the queue, refused by
 * the target with the record echoed back, retried until the target gives up - and the log has none of it.
 */
@QuarkusTest
@TestProfile(NoPersonalDataInLogsTest.EchoingCrm.class)
class NoPersonalDataInLogsTest {

    public static class EchoingCrm implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.insurance-claims.target.kind", "http", "sync.flows.insurance-claims.webhook.open", "true",
                    "sync.retry.max-redeliveries", "1");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "logs")),
                    new TestResourceEntry(WireMockResource.class, Map.of("sync.flows.insurance-claims.target.url", "/crm/claims")));
        }
    }

    static final String FLOW = "insurance-claims";
    static final Path LOG = Path.of("target", "quarkus-test.log");

    @Inject
    ConnectionFactory connectionFactory;

    @Test
    void failuresAreLoggedWithoutTheRecords() throws Exception {
        String name = "Sentinel Quillfeather";
        String email = "quillfeather.sentinel@example.org";
        String refusedByCrm = Claims.newClaimNumber();
        String unavailable = Claims.newClaimNumber();
        // the CRM refuses one claim and echoes it back; it is down for another
        WireMockResource.server().stubFor(post(urlEqualTo("/crm/claims")).withRequestBody(containing(refusedByCrm))
                .willReturn(aResponse().withStatus(422).withBody("{{request.body}}").withTransformers("response-template")));
        WireMockResource.server().stubFor(post(urlEqualTo("/crm/claims")).withRequestBody(containing(unavailable))
                .willReturn(aResponse().withStatus(503).withBody("{{request.body}}").withTransformers("response-template")));

        given().contentType("application/json").body(withClaimant(Claims.valid(refusedByCrm), name, email))
                .post("/webhooks/" + FLOW).then().statusCode(202);
        given().contentType("application/json").body(withClaimant(Claims.valid(unavailable), name, email))
                .post("/webhooks/" + FLOW).then().statusCode(202);
        // refused at the door: a schema error and broken JSON whose first bad token is the name
        given().contentType("application/json").body(withClaimant(Claims.valid(Claims.newClaimNumber()), name, email)
                .replace("\"lossType\":\"auto-collision\",", "")).post("/webhooks/" + FLOW).then().statusCode(400);
        given().contentType("application/json").body("{\"claimant\": " + name + "}").post("/webhooks/" + FLOW).then()
                .statusCode(400);
        // and the same broken JSON on the queue, which becomes a dead letter
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer().send(context.createQueue("sync." + FLOW + ".in"),
                    context.createTextMessage("{\"claimant\": " + name + ", \"email\": \"" + email + "\"}"));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.deadLetters(FLOW).stream()
                .map(d -> d.path("key").asText()).filter(k -> k.equals(refusedByCrm) || k.equals(unavailable)).count() == 2
                && SyncData.deadLetters(FLOW).stream().anyMatch(d -> "jms".equals(d.path("intake").asText())));

        String log = Files.readString(LOG);
        assertTrue(log.contains("dead-lettered"), "the failures were logged");
        assertFalse(log.contains("Quillfeather"), "a name reached the log");
        assertFalse(log.contains(email), "an e-mail address reached the log");
    }

    private static String withClaimant(String claim, String name, String email) {
        return claim.replace("Jane Doe", name).replace("jane@example.com", email);
    }
}
