package io.syncline.intake;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import io.syncline.pipeline.SourceRecord;
import io.syncline.pipeline.SyncProperties;

/** A message from a flow's queue as a one-record chunk: from a webhook (with its event id) or from any JMS producer. */
@ApplicationScoped
@Named("jmsIntake")
public class JmsIntake {

    public void toRecords(Exchange exchange) {
        Message message = exchange.getMessage();
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        String eventId = message.getHeader(WebhookIntake.EVENT_ID, String.class);
        if (eventId == null) {
            eventId = message.getHeader("JMSMessageID", String.class);
        }
        String intake = message.getHeader(WebhookIntake.INTAKE, "jms", String.class);
        Instant receivedAt = receivedAt(message);
        String payload = message.getBody(String.class);
        message.removeHeaders("*");
        message.setBody(List.of(SourceRecord.json(flow, intake, eventId, receivedAt, payload == null ? "" : payload)));
    }

    private static Instant receivedAt(Message message) {
        String stamped = message.getHeader(WebhookIntake.RECEIVED_AT, String.class);
        if (stamped != null) {
            try {
                return Instant.parse(stamped);
            } catch (DateTimeParseException ignored) {
                // a foreign producer's value: fall back to the broker's timestamp
            }
        }
        Long jmsTimestamp = message.getHeader("JMSTimestamp", Long.class);
        return jmsTimestamp != null && jmsTimestamp > 0 ? Instant.ofEpochMilli(jmsTimestamp) : Instant.now();
    }
}
