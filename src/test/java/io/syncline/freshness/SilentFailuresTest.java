package io.syncline.freshness;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.syncline.support.Claims;
import io.syncline.support.RiskFiles;
import io.syncline.support.SyncData;
import io.syncline.support.Watched;
import io.syncline.support.WireMockResource;

/** Failures that would otherwise pass unnoticed, each made visible in health, the catalog, metrics and JMX. */
@QuarkusTest
@TestProfile(Watched.class)
class SilentFailuresTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    CamelContext camel;

    @Test
    void wellnessReportsEveryFlowAndABatchFlowWithNoDataGoesDownSayingSince() {
        given().get("/q/health/well").then()
                .body("checks.findAll { it.name.startsWith('flow-') }", hasSize(15));
        await().atMost(WAIT).until(() -> "DOWN".equals(well("financial-monthly-statements").getString("status")));
        JsonPath check = well("financial-monthly-statements");
        assertTrue(check.getString("data.reason").startsWith("no data since "), check.prettify());
        assertEquals("stale", check.getString("data.state"));
        // a stale flow raises an alarm but does not take the instance out of the load balancer
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aFreshlyDeliveredRealTimeFlowIsHealthy() {
        String claim = Claims.newClaimNumber();
        given().contentType("application/json").body(Claims.valid(claim).replace("2026-11-27T09:14:00Z", Instant.now().toString()))
                .post("/webhooks/insurance-claims").then().statusCode(202);
        await().atMost(WAIT).until(() -> "UP".equals(well("insurance-claims").getString("status")));
        given().get("/api/flows/insurance-claims").then().body("health.state", equalTo("healthy"));
    }

    @Test
    void aFileWithZeroDataRowsShowsTheFlowAsFailing() {
        String flow = "healthcare-outcome-reporting";
        String header = SyncData.firstLine(io.syncline.support.Examples.file(flow, "valid.csv"));
        SyncData.drop(flow, "empty-month.csv", (header + "\n").getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> "failing".equals(given().get("/api/flows/" + flow).jsonPath().getString("health.state")));
        given().get("/api/flows/" + flow).then()
                .body("health.reasons[0]", containsString("last batch run failed: empty-month.csv: no data rows"))
                .body("health.lastRun.status", equalTo("failed"));
        JsonPath check = well(flow);
        assertEquals("DOWN", check.getString("status"));
        assertTrue(check.getString("data.reason").contains("no data rows"));
    }

    @Test
    void aTargetThatAnswers200ButReportsItemErrorsIsCountedAsFailing() {
        String prefix = RiskFiles.newPrefix();
        String name = "item-errors-" + prefix + ".csv";
        // a bulk API's answer: 200, one result per record, two of them refused
        String results = "[{\"success\":true},{\"success\":false,\"errors\":[{\"statusCode\":\"FIELD_INTEGRITY_EXCEPTION\"}]},"
                + "{\"success\":true},{\"success\":false,\"errors\":[{\"statusCode\":\"DUPLICATE_VALUE\"}]},{\"success\":true}]";
        WireMockResource.server().stubFor(post(urlEqualTo("/crm/risk")).willReturn(okJson(results)));
        SyncData.drop("insurance-actuarial-risk", name, RiskFiles.csv(prefix, 5, java.util.Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", name), r -> r.isPresent()).get();
        assertEquals(3, report.path("published").asLong());
        assertEquals(2, report.path("deadLettered").asLong());
        List<JsonNode> letters = SyncData.deadLetters("insurance-actuarial-risk").stream()
                .filter(d -> name.equals(d.path("fileName").asText())).toList();
        assertEquals(List.of(3, 5), letters.stream().map(d -> d.path("line").asInt()).sorted().toList());
        assertTrue(letters.stream().anyMatch(d -> d.path("targetResponse").asText().contains("DUPLICATE_VALUE")));
        await().atMost(WAIT).until(() -> "failing".equals(
                given().get("/api/flows/insurance-actuarial-risk").jsonPath().getString("health.state")));
    }

    @Test
    void aRealTimeFlowWhoseConsumerStoppedMakesReadinessNameTheRoute() throws Exception {
        camel.getRouteController().stopRoute("insurance-policy-renewals-worker");
        try {
            String ready = given().get("/q/health/ready").then().statusCode(503).extract().asString();
            assertTrue(ready.contains("insurance-policy-renewals-worker"), ready);
        } finally {
            camel.getRouteController().startRoute("insurance-policy-renewals-worker");
        }
        await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void prometheusCarriesThePerFlowSeries() {
        String claim = Claims.newClaimNumber();
        given().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/insurance-claims").then().statusCode(202);
        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix("insurance-claims", claim).size() == 1);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of(
                "syncline_records_total{flow=\"insurance-claims\",outcome=\"published\"}",
                "syncline_records_total{flow=\"insurance-claims\",outcome=\"received\"}",
                "syncline_delivery_lag_seconds_bucket{flow=\"insurance-claims\",le=\"60.0\"}",
                "syncline_delivery_lag_seconds_count{flow=\"insurance-claims\"}",
                "syncline_flow_last_success{flow=\"insurance-claims\"}",
                "syncline_dead_letters{flow=\"insurance-claims\"}",
                "camel_exchanges_total")) {
            assertTrue(metrics.contains(series), "missing " + series);
        }
    }

    @Test
    void everyMetricTheAlertsAndTheGrafanaDashboardUseIsExposed() throws Exception {
        WireMockResource.server().stubFor(post(urlEqualTo("/crm/risk")).atPriority(10).willReturn(okJson("{}")));
        String prefix = RiskFiles.newPrefix();
        SyncData.drop("insurance-actuarial-risk", "metrics-" + prefix + ".csv", RiskFiles.csv(prefix, 3, java.util.Set.of()));
        await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", "metrics-" + prefix + ".csv").isPresent());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        String used = java.nio.file.Files.readString(java.nio.file.Path.of("docker/prometheus/alerts.yml"))
                + java.nio.file.Files.readString(java.nio.file.Path.of("docker/grafana/dashboards/syncline.json"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b((?:syncline|camel)_[a-z_]+)").matcher(used);
        java.util.Set<String> missing = new java.util.TreeSet<>();
        while (names.find()) {
            if (!metrics.contains("\n" + names.group(1))) {
                missing.add(names.group(1));
            }
        }
        assertEquals(java.util.Set.of(), missing, "series the alerts or the dashboard use but /q/metrics lacks");
    }

    @Test
    void eachFlowHasAnMBeanWithItsFiguresAndOperations() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName claims = new ObjectName("io.syncline:type=Flow,name=insurance-claims");
        assertEquals("realtime", server.getAttribute(claims, "Mode"));
        assertTrue(server.queryNames(new ObjectName("io.syncline:type=Flow,*"), null).size() == 15);
        long published = (Long) server.getAttribute(claims, "Published");
        assertTrue(published >= 0);

        server.invoke(claims, "pause", null, null);
        assertEquals("paused", server.getAttribute(claims, "State"));
        server.invoke(claims, "resume", null, null);
        assertEquals("running", server.getAttribute(claims, "State"));

        ObjectName risk = new ObjectName("io.syncline:type=Flow,name=insurance-actuarial-risk");
        assertEquals("insurance-actuarial-risk-file", server.invoke(risk, "runNow", null, null));
        String replay = (String) server.invoke(claims, "replayDeadLetters", null, null);
        assertTrue(replay.startsWith("replayed "), replay);
        assertTrue(server.getAttribute(claims, "LagP99Millis") instanceof Double);
    }

    private static JsonPath well(String flow) {
        JsonPath all = given().get("/q/health/well").jsonPath();
        return new JsonPath(all.prettify()).setRootPath("checks.find { it.name == 'flow-" + flow + "' }");
    }
}
