package io.syncline.deadletter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.broker.BrokerConnection;
import io.syncline.config.SyncConfig;

/**
 * Reads the dead letters where they are kept: the broker's dead-letter queue. Browsing never consumes, so a
 * listing cannot lose a record.
 */
@ApplicationScoped
public class DeadLetterStore {

    private static final Pattern FLOW_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern LETTER_ID = Pattern.compile("[0-9a-fA-F-]{36}");

    private final BrokerConnection broker;
    private final SyncConfig config;
    private final ObjectMapper mapper;

    DeadLetterStore(BrokerConnection broker, SyncConfig config, ObjectMapper mapper) {
        this.broker = broker;
        this.config = config;
        this.mapper = mapper;
    }

    /** Oldest first, at most {@code limit}, of one flow or of all. */
    public List<DeadLetter> list(Optional<String> flow, int limit) {
        String selector = flow.map(f -> {
            requireMatch(FLOW_ID, f, "flow");
            return "syncFlow = '" + f + "'";
        }).orElse(null);
        return browse(selector, limit);
    }

    public Optional<DeadLetter> find(String id) {
        requireMatch(LETTER_ID, id, "id");
        return browse("syncDeadLetterId = '" + id + "'", 1).stream().findFirst();
    }

    private List<DeadLetter> browse(String selector, int limit) {
        try (ActiveMQConnectionFactory factory = broker.newDirectFactory();
                var connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            QueueBrowser browser = session.createBrowser(session.createQueue(config.broker().deadLetterAddress()), selector);
            List<DeadLetter> letters = new ArrayList<>();
            for (Message message : Collections.list((Enumeration<Message>) browser.getEnumeration())) {
                if (letters.size() >= limit) {
                    break;
                }
                letters.add(read(message));
            }
            return letters;
        } catch (JMSException e) {
            throw new IllegalStateException("The dead letters could not be read from the broker: " + e.getMessage(), e);
        }
    }

    private DeadLetter read(Message message) throws JMSException {
        String text = message instanceof TextMessage textMessage ? textMessage.getText() : null;
        if (message.propertyExists("syncDeadLetterId") && text != null) {
            try {
                return mapper.readValue(text, DeadLetter.class);
            } catch (Exception e) {
                throw new IllegalStateException("Dead letter " + message.getJMSMessageID() + " is not readable", e);
            }
        }
        // Moved here by the broker itself after max delivery attempts: what it knows is the original queue.
        String origin = message.getStringProperty("_AMQ_ORIG_ADDRESS");
        String flow = origin != null && origin.startsWith("sync.") && origin.endsWith(".in")
                ? origin.substring("sync.".length(), origin.length() - ".in".length()) : null;
        return new DeadLetter(message.getJMSMessageID(), flow, "jms", origin, "delivery-attempts-exhausted", null,
                "The broker moved the message here after its maximum delivery attempts", List.of(),
                message.getIntProperty("JMSXDeliveryCount"), null, null, null, null,
                message.getStringProperty("syncEventId"), null, message.getStringProperty("syncReceivedAt"), null, null,
                "json", text);
    }

    private static void requireMatch(Pattern pattern, String value, String name) {
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid " + name + ": " + value);
        }
    }
}
