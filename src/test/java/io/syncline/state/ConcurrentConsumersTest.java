package io.syncline.state;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;

/**
 * A flow with several consumers still delivers every version of one key in order: the webhook puts each key in
 * its own message group, so the broker never hands two versions of a key to two consumers at once.
 */
@QuarkusTest
@TestProfile(ConcurrentConsumersTest.FourConsumers.class)
class ConcurrentConsumersTest {

    public static class FourConsumers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.insurance-claims.consumers", "4");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "consumers")));
        }
    }

    static final String FLOW = "insurance-claims";

    @Inject
    CamelContext camel;

    @Test
    void everyVersionOfAKeyArrivesInOrderWhileOtherKeysRunBesideIt() throws Exception {
        String claim = Claims.newClaimNumber();
        // a backlog, so that the four consumers really work at the same time: the worker waits while it builds up
        camel.getRouteController().suspendRoute(FLOW + "-worker");
        Instant first = Instant.parse("2026-11-27T00:00:00Z");
        List<String> sent = new ArrayList<>();
        for (int version = 0; version < 40; version++) {
            String reportedAt = first.plusSeconds(60L * version).toString();
            sent.add(reportedAt);
            post(Claims.valid(claim).replace("2026-11-27T09:14:00Z", reportedAt));
            // other claims in between, so all four consumers are busy
            post(Claims.valid(Claims.newClaimNumber()));
            post(Claims.valid(Claims.newClaimNumber()));
        }

        camel.getRouteController().resumeRoute(FLOW + "-worker");

        await().atMost(Duration.ofSeconds(60)).until(() -> versions(claim).contains(sent.get(sent.size() - 1)));
        assertEquals(sent, versions(claim), "every version, once, in the order it was accepted");
    }

    private static List<String> versions(String claim) {
        return SyncData.outbox(FLOW).stream().filter(e -> claim.equals(e.path("key").asText()))
                .map(e -> e.path("sourceTimestamp").asText()).toList();
    }

    private static void post(String claim) {
        given().contentType("application/json").body(claim).post("/webhooks/" + FLOW).then().statusCode(202);
    }
}
