package io.syncline.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.SyncData;

/** A source system that speaks JMS puts records straight on the flow's queue. */
@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class JmsIntakeTest {

    static final String FLOW = "insurance-claims";

    @Inject
    ConnectionFactory connectionFactory;

    @Test
    void aRecordSentToTheFlowQueueIsDeliveredAndCountedAsAccepted() {
        long accepted = counter("accepted");
        String claim = Claims.newClaimNumber();
        String messageId = send(Claims.valid(claim));

        JsonNode envelope = await().atMost(Duration.ofSeconds(20))
                .until(() -> SyncData.outboxWithKeyPrefix(FLOW, claim), l -> l.size() == 1).get(0);
        assertEquals(messageId, envelope.path("eventId").asText());
        await().atMost(Duration.ofSeconds(5)).until(() -> counter("accepted") == accepted + 1);
    }

    private static long counter(String outcome) {
        return io.restassured.RestAssured.given().get("/api/flows/" + FLOW).then().statusCode(200).extract().jsonPath()
                .getLong("counters." + outcome);
    }

    @Test
    void aMessageThatIsNotARecordIsDeadLetteredAndTheNextOneStillGoesThrough() {
        String messageId = send("<claim>not json</claim>");
        String claim = Claims.newClaimNumber();
        send(Claims.valid(claim));

        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, claim).size() == 1);
        JsonNode letter = SyncData.deadLetters(FLOW).stream().filter(d -> messageId.equals(d.path("eventId").asText()))
                .findFirst().orElseThrow();
        assertEquals("validation", letter.path("category").asText());
        assertEquals("jms", letter.path("intake").asText());
        // the listing withholds what it cannot mask; the single dead letter has the message as it came
        assertTrue(letter.path("payload").asText().startsWith("***"));
        io.restassured.RestAssured.given().get("/api/dead-letters/" + letter.path("id").asText()).then()
                .statusCode(200).body("payload", org.hamcrest.Matchers.equalTo("<claim>not json</claim>"));
    }

    /**
     * manufacturing-inventory-levels has a step of its own (its route.yaml): the WMS's heartbeats on the queue are
     * dropped before validation instead of becoming dead letters; a stock position goes through as it came.
     */
    @Test
    void theInventoryFlowsOwnStepDropsTheWmsHeartbeats() {
        String inventory = "manufacturing-inventory-levels";
        String heartbeat = send(inventory, "{\"messageType\": \"HEARTBEAT\", \"sentAt\": \"2026-11-27T09:14:00Z\"}");
        String notAPosition = send(inventory, "{\"messageType\": \"STOCKTAKE\"}");
        String sku = "PMP-" + System.nanoTime() % 1_000_000_000L;
        String position = send(inventory, """
                {"inventoryRecordId": "%s@WH01", "sku": "%s", "locationCode": "WH01", "onHandQuantity": 240,
                 "reservedQuantity": 36, "availableQuantity": 204, "unitOfMeasure": "EA", "asOf": "2026-11-27T09:14:00Z"}
                """.formatted(sku, sku));

        JsonNode envelope = await().atMost(Duration.ofSeconds(20))
                .until(() -> SyncData.outboxWithKeyPrefix(inventory, sku + "@"), l -> l.size() == 1).get(0);
        assertEquals(position, envelope.path("eventId").asText());
        assertEquals(240, envelope.path("record").path("onHandQuantity").asInt());
        // a message that is neither goes on to validation as before; it came after the heartbeat, on the same consumer
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.deadLetters(inventory).stream()
                .anyMatch(d -> notAPosition.equals(d.path("eventId").asText())));
        assertTrue(SyncData.deadLetters(inventory).stream().noneMatch(d -> heartbeat.equals(d.path("eventId").asText())),
                "a heartbeat is no dead letter");
    }

    private String send(String body) {
        return send(FLOW, body);
    }

    private String send(String flow, String body) {
        try (JMSContext context = connectionFactory.createContext()) {
            TextMessage message = context.createTextMessage(body);
            context.createProducer().send(context.createQueue("sync." + flow + ".in"), message);
            return message.getJMSMessageID();
        } catch (jakarta.jms.JMSException e) {
            throw new AssertionError(e);
        }
    }
}
