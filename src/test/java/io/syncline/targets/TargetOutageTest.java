package io.syncline.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

/** The CRM is down for thirty seconds; within the retry budget, everything arrives once it is back. */
@QuarkusTest
@TestProfile(TargetOutageTest.PatientRetries.class)
class TargetOutageTest {

    public static class PatientRetries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.insurance-claims.target.kind", "http",
                    "sync.flows.insurance-claims.webhook.open", "true",
                    "sync.flows.insurance-claims.retry.max-redeliveries", "1000",
                    "sync.flows.insurance-claims.retry.max-elapsed", "3m",
                    "sync.retry.initial-delay-ms", "200",
                    "sync.retry.max-delay-ms", "2000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "target-outage")),
                    new TestResourceEntry(WireMockResource.class, Map.of("sync.flows.insurance-claims.target.url", "/crm/claims")));
        }
    }

    @Test
    void aTargetDownForThirtySecondsGetsEverythingOnceItRecoversAndNothingIsDeadLettered() {
        WireMockServer crm = WireMockResource.server();
        crm.stubFor(post(urlEqualTo("/crm/claims")).willReturn(aResponse().withStatus(503)));
        List<String> claims = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String claim = Claims.newClaimNumber();
            claims.add(claim);
            given().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/insurance-claims")
                    .then().statusCode(202);
        }

        // the outage lasts until the CRM has been refusing for thirty seconds
        await().atMost(Duration.ofSeconds(60)).until(() -> outageSoFar(crm).compareTo(Duration.ofSeconds(30)) >= 0);
        crm.stubFor(post(urlEqualTo("/crm/claims")).willReturn(aResponse().withStatus(200)));

        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(crm).containsAll(claims));
        assertTrue(SyncData.deadLetters("insurance-claims").isEmpty(), "nothing dead-lettered within the retry budget");
    }

    private static Duration outageSoFar(WireMockServer crm) {
        List<Long> refused = crm.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 503)
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        return refused.isEmpty() ? Duration.ZERO : Duration.ofMillis(refused.get(refused.size() - 1) - refused.get(0));
    }

    private static Set<String> delivered(WireMockServer crm) {
        return crm.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 200)
                .map(ServeEvent::getRequest).map(r -> r.getBodyAsString())
                // a chunk of claims in one array
                .flatMap(body -> java.util.regex.Pattern.compile("\"key\":\"([^\"]+)\"").matcher(body).results().map(m -> m.group(1)))
                .collect(Collectors.toSet());
    }
}
