package io.syncline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;

/** A flow's own step refusing a record makes it a dead letter; a step that cannot be reached fails the chunk. */
class FlowStepsTest {

    private CamelContext camel;
    private FlowSteps steps;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:lab-results-refuse-negatives").id("lab-results-refuse-negatives")
                        .filter(body().contains("-")).throwException(IllegalArgumentException.class, "a negative value").end();
            }
        });
        camel.start();
        steps = new FlowSteps(camel);
    }

    @AfterEach
    void stop() throws Exception {
        steps.close();
        camel.close();
    }

    @Test
    void aRecordTheStepRefusesIsADeadLetterNamingTheStepAndTheOthersGoOn() {
        List<SourceRecord> kept = steps.apply(List.of(record("1", "{\"value\": -1}"), record("2", "{\"value\": 1}")),
                "direct:lab-results-refuse-negatives");
        assertEquals(2, kept.size());
        assertTrue(kept.get(0).defect().contains("direct:lab-results-refuse-negatives failed: a negative value"), kept.get(0).defect());
        assertEquals(null, kept.get(1).defect());
    }

    @Test
    void aStepThatIsNotRunningFailsTheChunkInsteadOfDeadLetteringItsRecords() throws Exception {
        camel.getRouteController().stopRoute("lab-results-refuse-negatives");
        RuntimeException failure = assertThrows(RuntimeException.class, () -> steps.apply(
                List.of(record("1", "{\"value\": 1}")), "direct:lab-results-refuse-negatives?block=false"));
        assertTrue(failure.getCause() instanceof DirectConsumerNotAvailableException, failure.toString());
    }

    private static SourceRecord record(String eventId, String payload) {
        return SourceRecord.json("lab-results", IntakeKind.WEBHOOK, eventId, Instant.now(), payload);
    }
}
