package io.syncline.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.ObjectMessage;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.pipeline.SyncProperties;
import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;

/**
 * A chunk of messages from a flow's queue ({@code sync-queue}) as a chunk of records: from a webhook (with its event
 * id) or from any JMS producer. The consumer hands over the JMS messages unread, so this class alone decides how a
 * body is read: text and bytes are the record's JSON; an {@link ObjectMessage} is never deserialized (Java
 * deserialization of a stranger's bytes runs the stranger's choice of code) but dead-lettered with its bytes.
 */
@ApplicationScoped
@Named("jmsIntake")
public class JmsIntake {

    static final String OBJECT_MESSAGE_REFUSED = "a JMS ObjectMessage (a serialized Java object) is never deserialized;"
            + " send the record as JSON in a TextMessage. Its bytes are kept, base64-encoded, as this dead letter's payload";

    private final ObjectMapper mapper;

    JmsIntake(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void toRecords(Exchange exchange) throws JMSException {
        @SuppressWarnings("unchecked")
        List<jakarta.jms.Message> messages = exchange.getMessage().getBody(List.class);
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        List<SourceRecord> records = new ArrayList<>(messages.size());
        for (jakarta.jms.Message received : messages) {
            String eventId = received.getStringProperty(WebhookIntake.EVENT_ID);
            if (eventId == null) {
                eventId = received.getJMSMessageID();
            }
            // a webhook's record says so; anything else that came through the queue came in by JMS
            IntakeKind intake = IntakeKind.fromWire(received.getStringProperty(WebhookIntake.INTAKE));
            records.add(record(received, flow, intake == null ? IntakeKind.JMS : intake, eventId, receivedAt(received)));
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(records);
    }

    private SourceRecord record(jakarta.jms.Message received, String flow, IntakeKind intake, String eventId,
            Instant receivedAt) throws JMSException {
        if (received instanceof TextMessage text) {
            return SourceRecord.json(flow, intake, eventId, receivedAt, text.getText() == null ? "" : text.getText());
        }
        if (received instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return SourceRecord.json(flow, intake, eventId, receivedAt, new String(body, StandardCharsets.UTF_8));
        }
        if (received instanceof ObjectMessage) {
            return refused(flow, intake, eventId, receivedAt, SourceRecord.JAVA_SERIALIZED,
                    serializedBytes(received), OBJECT_MESSAGE_REFUSED);
        }
        if (received instanceof MapMessage map) {
            return refused(flow, intake, eventId, receivedAt, SourceRecord.JSON, entries(map),
                    "a JMS MapMessage is not a record; send the record as JSON in a TextMessage");
        }
        String kind = received == null ? "nothing" : received.getClass().getSimpleName();
        return refused(flow, intake, eventId, receivedAt, null, null,
                "a JMS message without a text or bytes body (" + kind + ") is not a record; send the record as JSON in a TextMessage");
    }

    private static SourceRecord refused(String flow, IntakeKind intake, String eventId, Instant receivedAt, String format,
            String payload, String why) {
        return new SourceRecord(flow, intake, eventId, receivedAt, payload, format, null, null, why);
    }

    /** The serialized object's bytes as the broker holds them (a length, then the bytes), read without deserializing. */
    private static String serializedBytes(jakarta.jms.Message received) {
        if (!(received instanceof ActiveMQMessage artemis)) {
            return null;
        }
        ActiveMQBuffer body = artemis.getCoreMessage().getReadOnlyBodyBuffer();
        if (body.readableBytes() < Integer.BYTES) {
            return "";
        }
        byte[] data = new byte[Math.min(body.readInt(), body.readableBytes())];
        body.readBytes(data);
        return Base64.getEncoder().encodeToString(data);
    }

    private String entries(MapMessage map) throws JMSException {
        Map<String, Object> entries = new LinkedHashMap<>();
        for (Object name : Collections.list(map.getMapNames())) {
            entries.put(name.toString(), map.getObject(name.toString()));
        }
        try {
            return mapper.writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Instant receivedAt(jakarta.jms.Message message) throws JMSException {
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
