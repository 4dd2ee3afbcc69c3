package io.syncline.pipeline;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import io.quarkus.runtime.annotations.RegisterForReflection;

import io.syncline.record.SourceRecord;

/**
 * Runs a flow's own step (the intake templates' {@code steps} parameter, a {@code direct:} route of the flow's
 * route.yaml) on each record of a chunk before validation. The step sees one record's JSON text as its body and leaves
 * the record to validate; a step that ends with {@code stop} drops the record; a step that fails makes the record a
 * validation dead letter naming the step, and the chunk's other records go on.
 */
@ApplicationScoped
@Named("flowSteps")
@RegisterForReflection
public class FlowSteps {

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

    @PreDestroy
    void close() throws Exception {
        producer.close();
    }
}
