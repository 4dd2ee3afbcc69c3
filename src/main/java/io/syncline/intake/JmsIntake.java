package io.syncline.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import org.apache.camel.Exchange;

import io.syncline.pipeline.SourceRecord;
import io.syncline.pipeline.SyncProperties;

/**
 * A chunk of messages from a flow's queue ({@code sync-queue}) as a chunk of records: from a webhook (with its event
 * id) or from any JMS producer.
 */
@ApplicationScoped
@Named("jmsIntake")
public class JmsIntake {

    public void toRecords(Exchange exchange) throws JMSException {
        @SuppressWarnings("unchecked")
        List<Message> messages = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        List<SourceRecord> records = new ArrayList<>(messages.size());
        for (Message message : messages) {
            String eventId = message.getStringProperty(WebhookIntake.EVENT_ID);
            if (eventId == null) {
                eventId = message.getJMSMessageID();
            }
            String intake = message.getStringProperty(WebhookIntake.INTAKE);
            String payload = payload(message);
            records.add(SourceRecord.json(flow, intake == null ? "jms" : intake, eventId, receivedAt(message),
                    payload == null ? "" : payload));
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(records);
    }

    /** A text message's text; a bytes message read as UTF-8 (a JSON record); anything else has no record. */
    private static String payload(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            return text.getText();
        }
        if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return new String(body, StandardCharsets.UTF_8);
        }
        return null;
    }

    private static Instant receivedAt(Message message) throws JMSException {
        String stamped = message.getStringProperty(WebhookIntake.RECEIVED_AT);
        if (stamped != null) {
            try {
                return Instant.parse(stamped);
            } catch (DateTimeParseException ignored) {
                // a foreign producer's value: fall back to the broker's timestamp
            }
        }
        long jmsTimestamp = message.getJMSTimestamp();
        return jmsTimestamp > 0 ? Instant.ofEpochMilli(jmsTimestamp) : Instant.now();
    }
}
