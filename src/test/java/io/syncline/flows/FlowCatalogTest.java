package io.syncline.flows;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.DataDirResource;
import io.syncline.support.Examples;
import io.syncline.support.RiskFiles;
import io.syncline.support.SyncData;

/** The flow catalog with production schedules: file windows closed, so files wait until someone runs the flow. */
@QuarkusTest
@TestProfile(FlowCatalogTest.ProductionWindows.class)
class FlowCatalogTest {

    @Inject
    ConnectionFactory connectionFactory;

    public static class ProductionWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a window that never opens on its own during the test: 04:00 on 31 December
            return Map.of("sync.flows.insurance-actuarial-risk.schedule", "0 0 4 31 12 ?");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "catalog")));
        }
    }

    @Test
    void theCatalogListsTheFifteenFlowsWithWhatAUserNeedsToKnow() {
        given().get("/api/flows").then().statusCode(200)
                .body("$", hasSize(15))
                .body("id", containsInAnyOrder(Examples.configuredFlows().toArray()))
                .body("find { it.id == 'insurance-claims' }.industry", equalTo("insurance"))
                .body("find { it.id == 'insurance-claims' }.dataFlow", equalTo("New claim submissions"))
                .body("find { it.id == 'insurance-claims' }.mode", equalTo("realtime"))
                .body("find { it.id == 'insurance-claims' }.intakes", equalTo(List.of("webhook")))
                .body("find { it.id == 'insurance-claims' }.agentFacing", equalTo(true))
                .body("find { it.id == 'insurance-claims' }.target.kind", equalTo("outbox"))
                .body("find { it.id == 'insurance-claims' }.freshness.maxLag", equalTo("PT1M"))
                .body("find { it.id == 'insurance-claims' }.counters.published", notNullValue())
                .body("find { it.id == 'financial-portfolio-trades' }.intakes", equalTo(List.of("jms")))
                .body("find { it.id == 'financial-compliance-docs' }.intakes", containsInAnyOrder("webhook", "file"))
                .body("find { it.id == 'retail-catalog-pricing' }.intakes", containsInAnyOrder("pull", "file"))
                .body("find { it.id == 'manufacturing-production-output' }.intakes", equalTo(List.of("pull")))
                .body("find { it.id == 'manufacturing-production-output' }.schedule", equalTo("0 0/15 * * * ?"))
                .body("find { it.id == 'manufacturing-production-output' }.nextFireTime", notNullValue())
                .body("find { it.id == 'financial-monthly-statements' }.freshness.maxSilence", equalTo("PT768H"));
        given().get("/api/flows/no-such-flow").then().statusCode(404);
    }

    @Test
    void runTakesAWaitingFileNowOutsideItsWindow() {
        String flow = "insurance-actuarial-risk";
        String prefix = RiskFiles.newPrefix();
        String name = "run-now-" + prefix + ".csv";
        SyncData.drop(flow, name, RiskFiles.csv(prefix, 5, java.util.Set.of()));
        given().get("/api/flows/" + flow).then().body("nextFireTime", notNullValue());

        given().post("/api/flows/" + flow + "/run").then().statusCode(202)
                .body("triggered", hasItem(flow + "-file"));
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.report(flow, name).isPresent());
        assertEquals(5, SyncData.outboxWithKeyPrefix(flow, prefix).size());

        given().post("/api/flows/insurance-claims/run").then().statusCode(409);
    }

    @Test
    void aPausedFlowHoldsItsRecordsAndDeliversThemOnResume() throws Exception {
        String flow = "financial-portfolio-trades";
        String key = Examples.jsonKey(flow, "valid.json");
        given().post("/api/flows/" + flow + "/pause").then().statusCode(200).body("state", equalTo("paused"));
        try (JMSContext context = connectionFactory.createContext()) {
            Queue queue = context.createQueue("sync." + flow + ".in");
            context.createProducer().send(queue, Examples.text(flow, "valid.json"));
            // the trade waits in the flow's queue, untouched, while the flow is paused
            await().atMost(Duration.ofSeconds(10)).until(() -> Collections.list(context.createBrowser(queue).getEnumeration()).size() == 1);
            assertEquals(0, SyncData.outboxWithKeyPrefix(flow, key).size());
        }
        given().post("/api/flows/" + flow + "/resume").then().statusCode(200).body("state", equalTo("running"));
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(flow, key).size() == 1);
    }

    @Test
    void aPausedWebhookFlowAnswers503AndAcceptsAgainOnResume() {
        given().post("/api/flows/insurance-claims/pause").then().statusCode(200).body("state", equalTo("paused"));
        try {
            given().contentType("application/json").body(Examples.text("insurance-claims", "valid.json"))
                    .post("/webhooks/insurance-claims").then().statusCode(503);
        } finally {
            given().post("/api/flows/insurance-claims/resume").then().statusCode(200).body("state", equalTo("running"));
        }
        given().contentType("application/json").body(Examples.text("insurance-claims", "valid.json"))
                .post("/webhooks/insurance-claims").then().statusCode(202);
    }
}
