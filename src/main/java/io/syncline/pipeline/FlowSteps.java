package io.syncline.pipeline;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.util.ObjectHelper;

import io.quarkus.runtime.annotations.RegisterForReflection;

import io.syncline.record.SourceRecord;

/**
 * Runs a flow's own step (the intake templates' {@code steps} parameter, a {@code direct:} route of the flow's
 * route.yaml) on each record of a chunk before validation. The step sees one record's JSON text as its body and leaves
 * the record to validate; a step that ends with {@code stop} drops the record; a step that fails makes the record a
 * validation dead letter naming the step, and the chunk's other records go on; a step that cannot be reached (its route
 * stopped by a reload) fails the chunk, which rolls back or is retried as any delivery failure.
 * <p>
 * A transient failure of a step (an enrichment call timing out) is dead-lettered as any step failure, not retried
 * through {@code targets.FailureClassifier} as a target failure is: the classifier lives in {@code targets/}, which
 * imports this package, so calling it from here would make the two packages import each other; its budget belongs
 * with the delivery (a package of its own) first.
 */
@ApplicationScoped
@Named("flowSteps")
@RegisterForReflection
public class FlowSteps {

    /** The intake templates' {@code steps} parameter of a flow without steps of its own. */
    public static final String NONE = "none";

    private final ProducerTemplate producer;

    FlowSteps(CamelContext camel) {
        this.producer = camel.createProducerTemplate();
    }

    public List<SourceRecord> apply(List<SourceRecord> records, String endpoint) {
        List<SourceRecord> kept = new ArrayList<>(records.size());
        for (SourceRecord record : records) {
            if (record.defect() != null || !SourceRecord.JSON.equals(record.format()) && !SourceRecord.CSV_ROW.equals(record.format())) {
                kept.add(record);
                continue;
            }
            Exchange done = producer.send(endpoint, exchange -> {
                exchange.setProperty(SyncProperties.FLOW, record.flow());
                exchange.getMessage().setBody(record.payload());
            });
            if (done.getException() != null) {
                if (!refusedByStep(done)) {
                    throw RuntimeCamelException.wrapRuntimeCamelException(done.getException());
                }
                kept.add(record.withDefect("the flow's own step " + endpoint + " failed: " + done.getException().getMessage()));
            } else if (!done.isRouteStop()) {
                String payload = done.getMessage().getBody(String.class);
                if (payload != null && !payload.isBlank()) {
                    kept.add(record.withPayload(payload));
                }
            }
        }
        return kept;
    }

    /**
     * The step's own failure on this record: raised in its route (Camel names the route that failed). Anything else,
     * e.g. no consumer on the step's endpoint during a reload, is the chunk's delivery failing, not the record.
     */
    private static boolean refusedByStep(Exchange done) {
        return done.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID) != null
                && ObjectHelper.getException(DirectConsumerNotAvailableException.class, done.getException()) == null;
    }

    @PreDestroy
    void close() throws Exception {
        producer.close();
    }
}
