package io.syncline;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.Examples;
import io.syncline.support.SyncData;

/** The README's tour, step by step, with the example files of the flow folders. */
@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class ReadmeTourTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theClaimExamples() throws IOException {
        given().contentType("application/json").body(Examples.text("insurance-claims", "valid.json"))
                .post("/webhooks/insurance-claims").then().statusCode(202);
        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix("insurance-claims", "CLM-100234").size() >= 1);

        given().contentType("application/json").body(Examples.text("insurance-claims", "invalid.json"))
                .post("/webhooks/insurance-claims").then().statusCode(400)
                .body("errors", hasSize(6));
    }

    @Test
    void theActuarialExamples() throws IOException {
        String flow = "insurance-actuarial-risk";
        for (String name : new String[] { "valid.csv", "with-invalid-rows.csv", "header-only.csv" }) {
            SyncData.drop(flow, name, Files.readAllBytes(Examples.file(flow, name)));
        }
        JsonNode valid = await().atMost(WAIT).until(() -> SyncData.report(flow, "valid.csv"), r -> r.isPresent()).get();
        assertEquals(20, valid.path("published").asLong());

        JsonNode mixed = await().atMost(WAIT).until(() -> SyncData.report(flow, "with-invalid-rows.csv"), r -> r.isPresent()).get();
        assertEquals(2, mixed.path("published").asLong());
        assertEquals(2, mixed.path("deadLettered").asLong());
        assertEquals(2, SyncData.deadLetters(flow).stream()
                .filter(d -> d.path("fileName").asText().equals("with-invalid-rows.csv")).count());

        JsonNode headerOnly = await().atMost(WAIT).until(() -> SyncData.report(flow, "header-only.csv"), r -> r.isPresent()).get();
        assertEquals("failed", headerOnly.path("status").asText());
        await().atMost(WAIT).until(() -> SyncData.storedIn("failed", flow, "header-only.csv"));
    }
}
