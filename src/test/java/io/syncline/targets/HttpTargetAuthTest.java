package io.syncline.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.Examples;
import io.syncline.support.WireMockResource;

/** An http target that real APIs accept: each flow authenticates its own way, keeps its query string and its timeout. */
@QuarkusTest
@TestProfile(HttpTargetAuthTest.Targets.class)
class HttpTargetAuthTest {

    static final String CLIENT_SECRET = "client-secret-3b9f0e";
    static final String BEARER = "bearer-token-51d7aa";
    static final String PASSWORD = "basic-password-0c2e44";
    static final String API_KEY = "api-key-9a61fe";
    static final Duration WAIT = Duration.ofSeconds(30);

    public static class Targets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("sync.flows.insurance-claims.target.kind", "http"),
                    Map.entry("sync.flows.insurance-claims.webhook.open", "true"),
                    Map.entry("sync.flows.insurance-claims.target.auth.kind", "oauth2"),
                    Map.entry("sync.flows.insurance-claims.target.auth.client-id", "syncline"),
                    Map.entry("sync.flows.insurance-claims.target.auth.client-secret", CLIENT_SECRET),
                    Map.entry("sync.flows.insurance-claims.target.auth.scope", "crm.write"),
                    Map.entry("sync.flows.insurance-policy-renewals.target.kind", "http"),
                    Map.entry("sync.flows.insurance-policy-renewals.webhook.open", "true"),
                    Map.entry("sync.flows.insurance-policy-renewals.target.auth.kind", "bearer"),
                    Map.entry("sync.flows.insurance-policy-renewals.target.auth.token", BEARER),
                    Map.entry("sync.flows.retail-loyalty-tiers.target.kind", "http"),
                    Map.entry("sync.flows.retail-loyalty-tiers.webhook.open", "true"),
                    Map.entry("sync.flows.retail-loyalty-tiers.target.auth.kind", "basic"),
                    Map.entry("sync.flows.retail-loyalty-tiers.target.auth.username", "syncline"),
                    Map.entry("sync.flows.retail-loyalty-tiers.target.auth.password", PASSWORD),
                    Map.entry("sync.flows.retail-online-purchases.target.kind", "http"),
                    Map.entry("sync.flows.retail-online-purchases.webhook.open", "true"),
                    Map.entry("sync.flows.retail-online-purchases.target.auth.kind", "api-key"),
                    Map.entry("sync.flows.retail-online-purchases.target.auth.header", "X-Api-Key"),
                    Map.entry("sync.flows.retail-online-purchases.target.auth.api-key", API_KEY),
                    Map.entry("sync.flows.healthcare-patient-discharges.target.kind", "http"),
                    Map.entry("sync.flows.healthcare-patient-discharges.webhook.open", "true"),
                    Map.entry("sync.flows.healthcare-patient-discharges.target.timeout", "PT2S"),
                    // publishes beyond this machine, no secret, not opened: its webhook takes signed requests only
                    Map.entry("sync.flows.financial-compliance-docs.target.kind", "http"));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(DataDirResource.class, Map.of("name", "http-target-auth")),
                    new TestResourceEntry(WireMockResource.class, Map.of(
                            "sync.flows.insurance-claims.target.url", "/crm/claims",
                            "sync.flows.insurance-claims.target.auth.token-url", "/oauth/token",
                            "sync.flows.insurance-policy-renewals.target.url", "/crm/renewals",
                            "sync.flows.retail-loyalty-tiers.target.url", "/crm/tiers",
                            "sync.flows.retail-online-purchases.target.url", "/crm/purchases",
                            "sync.flows.healthcare-patient-discharges.target.url", "/crm/discharges?tenant=acme&region=eu",
                            "sync.flows.financial-compliance-docs.target.url", "/crm/compliance")));
        }
    }

    @Test
    void anOAuth2TokenIsFetchedOnceCachedAndFetchedAgainWhenTheTargetRefusesIt() throws Exception {
        WireMockServer crm = WireMockResource.server();
        crm.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs(STARTED)
                .withBasicAuth("syncline", CLIENT_SECRET).withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("scope=crm.write")).willSetStateTo("second")
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        crm.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs("second")
                .withBasicAuth("syncline", CLIENT_SECRET).willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"tok-2\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        crm.stubFor(post(urlEqualTo("/crm/claims")).inScenario("revocation").whenScenarioStateIs(STARTED)
                .withHeader("Authorization", equalTo("Bearer tok-1")).willReturn(aResponse().withStatus(200)));
        crm.stubFor(post(urlEqualTo("/crm/claims")).inScenario("revocation").whenScenarioStateIs("revoked")
                .withHeader("Authorization", equalTo("Bearer tok-1")).willReturn(aResponse().withStatus(401)));
        crm.stubFor(post(urlEqualTo("/crm/claims")).withHeader("Authorization", equalTo("Bearer tok-2"))
                .willReturn(aResponse().withStatus(200)));

        String first = Claims.newClaimNumber();
        send("insurance-claims", Claims.valid(first));
        await().atMost(WAIT).until(() -> delivered("/crm/claims", first, "Bearer tok-1"));
        String second = Claims.newClaimNumber();
        send("insurance-claims", Claims.valid(second));
        await().atMost(WAIT).until(() -> delivered("/crm/claims", second, "Bearer tok-1"));
        assertEquals(1, crm.findAll(postRequestedFor(urlEqualTo("/oauth/token"))).size(), "the token is cached");

        crm.setScenarioState("revocation", "revoked");
        String third = Claims.newClaimNumber();
        send("insurance-claims", Claims.valid(third));
        await().atMost(WAIT).until(() -> delivered("/crm/claims", third, "Bearer tok-2"));
        assertEquals(2, crm.findAll(postRequestedFor(urlEqualTo("/oauth/token"))).size());
        noSecretInTheLog();
    }

    @Test
    void bearerBasicAndApiKeyTargetsGetTheirCredentials() throws Exception {
        WireMockServer crm = WireMockResource.server();
        crm.stubFor(post(urlEqualTo("/crm/renewals")).withHeader("Authorization", equalTo("Bearer " + BEARER))
                .willReturn(aResponse().withStatus(200)));
        crm.stubFor(post(urlEqualTo("/crm/tiers")).withBasicAuth("syncline", PASSWORD).willReturn(aResponse().withStatus(200)));
        crm.stubFor(post(urlEqualTo("/crm/purchases")).withHeader("X-Api-Key", equalTo(API_KEY))
                .willReturn(aResponse().withStatus(200)));
        for (String[] flow : List.of(new String[] { "insurance-policy-renewals", "/crm/renewals" },
                new String[] { "retail-loyalty-tiers", "/crm/tiers" },
                new String[] { "retail-online-purchases", "/crm/purchases" })) {
            send(flow[0], Examples.text(flow[0], "valid.json"));
            await().atMost(WAIT).until(() -> crm.findAll(postRequestedFor(urlEqualTo(flow[1]))).stream()
                    .anyMatch(r -> r.getBodyAsString().contains(Examples.jsonKey(flow[0], "valid.json"))));
        }
        // WireMock answers 404 to a request without the credentials its stub requires: none came without them
        assertTrue(crm.findAll(postRequestedFor(urlEqualTo("/crm/tiers"))).stream()
                .allMatch(r -> r.getHeader("Authorization") != null));
        noSecretInTheLog();
    }

    @Test
    void aUrlWithAQueryStringKeepsItAndTheFlowsTimeoutCutsASlowAnswerShort() {
        WireMockServer crm = WireMockResource.server();
        // the first answer comes after 15 s: with target.timeout=PT2S the call is given up and retried long before
        crm.stubFor(post(urlPathEqualTo("/crm/discharges")).inScenario("slow").whenScenarioStateIs(STARTED)
                .willSetStateTo("fast").willReturn(aResponse().withStatus(200).withFixedDelay(15_000)));
        crm.stubFor(post(urlPathEqualTo("/crm/discharges")).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200)));
        String flow = "healthcare-patient-discharges";
        String key = Examples.jsonKey(flow, "valid.json");
        send(flow, Examples.text(flow, "valid.json"));
        List<LoggedRequest> calls = await().atMost(Duration.ofSeconds(10))
                .until(() -> crm.findAll(postRequestedFor(urlPathEqualTo("/crm/discharges"))
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"key\":\"" + key + "\""))), r -> r.size() >= 2);
        for (LoggedRequest call : calls) {
            assertEquals("acme", call.queryParameter("tenant").firstValue());
            assertEquals("eu", call.queryParameter("region").firstValue());
            assertFalse(call.getUrl().contains("throwExceptionOnFailure"), call.getUrl());
        }
    }

    @Test
    void aFlowPublishingBeyondThisMachineRefusesUnsignedWebhooksUnlessOpened() {
        String flow = "financial-compliance-docs";
        given().contentType("application/json").body(Examples.text(flow, "valid.json")).post("/webhooks/" + flow).then()
                .statusCode(401).body("type", org.hamcrest.Matchers.equalTo("urn:syncline:problem:invalid-signature"))
                .body("detail", org.hamcrest.Matchers.containsString("sync.flows." + flow + ".webhook.open=true"));
        given().get("/api/flows/" + flow).then().body("openWebhooks", org.hamcrest.Matchers.equalTo(false));
        given().get("/api/flows/insurance-policy-renewals").then().body("openWebhooks", org.hamcrest.Matchers.equalTo(true));
        assertTrue(WireMockResource.server().findAll(postRequestedFor(urlEqualTo("/crm/compliance"))).isEmpty());
    }

    private static void noSecretInTheLog() throws Exception {
        Path log = Path.of("target", "quarkus-test.log");
        String text = Files.exists(log) ? Files.readString(log) : "";
        for (String secret : List.of(CLIENT_SECRET, BEARER, PASSWORD, API_KEY, "tok-1", "tok-2")) {
            assertFalse(text.contains(secret), "the log holds " + secret);
        }
    }

    private static void send(String flow, String body) {
        given().contentType("application/json").body(body).post("/webhooks/" + flow).then().statusCode(202);
    }

    private static boolean delivered(String path, String key, String authorization) {
        return WireMockResource.server().findAll(postRequestedFor(urlEqualTo(path))
                .withHeader("Authorization", equalTo(authorization))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"key\":\"" + key + "\""))).size() >= 1;
    }
}
