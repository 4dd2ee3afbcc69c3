package io.syncline.deadletter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
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
import io.syncline.record.DeadLetter;
import io.syncline.record.IntakeKind;

/**
 * Reads the dead letters where they are kept: the broker's dead-letter queue. Browsing never consumes, so a
 * listing cannot lose a record.
 */
@ApplicationScoped
public class DeadLetterStore {

    private static final Pattern FLOW_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern LETTER_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    /** A message the broker moved here itself (after its maximum delivery attempts) is known by its JMS id. */
    private static final Pattern BROKER_MOVED_ID = Pattern.compile("ID:[0-9a-fA-F-]{36}");

    private final BrokerConnection broker;
    private final SyncConfig config;
    private final ObjectMapper mapper;

    DeadLetterStore(BrokerConnection broker, SyncConfig config, ObjectMapper mapper) {
        this.broker = broker;
        this.config = config;
        this.mapper = mapper;
    }

    /** Oldest first: {@code limit} of them after skipping {@code offset}, filtered by flow, category and time. */
    public List<DeadLetter> list(Optional<String> flow, Optional<String> category, Optional<java.time.Instant> since,
            int offset, int limit) {
        return page(flow, category, since, offset, limit).items();
    }

    /** One page of the dead letters that match, oldest first, and how many match in all. */
    public record Page(List<DeadLetter> items, long total) {
    }

    public Page page(Optional<String> flow, Optional<String> category, Optional<java.time.Instant> since, int offset,
            int limit) {
        List<String> conditions = new ArrayList<>();
        // a message the broker moved here itself has none of Syncline's properties: only the queue it came from
        flow.ifPresent(f -> {
            requireMatch(FLOW_ID, f, "flow");
            conditions.add("(syncFlow = '" + f + "' OR _AMQ_ORIG_ADDRESS = 'sync." + f + ".in')");
        });
        category.ifPresent(c -> {
            requireMatch(FLOW_ID, c, "category");
            conditions.add(DeadLetter.DELIVERY_ATTEMPTS_EXHAUSTED.equals(c) ? "syncDeadLetterId IS NULL" : "syncCategory = '" + c + "'");
        });
        since.ifPresent(t -> conditions.add("(syncDeadLetteredAt >= " + t.toEpochMilli()
                + " OR (syncDeadLetterId IS NULL AND JMSTimestamp >= " + t.toEpochMilli() + "))"));
        return browse(conditions.isEmpty() ? null : String.join(" AND ", conditions), offset, limit);
    }

    /**
     * Dead letters per flow, counted from the queue at most every few seconds (health checks and metrics ask
     * often; browsing the queue for each of them would not scale).
     */
    public Map<String, Long> countsByFlow() {
        CachedCounts cached = counts;
        if (cached != null && cached.at() > System.currentTimeMillis() - COUNT_CACHE_MS) {
            return cached.counts();
        }
        Map<String, Long> fresh = new java.util.HashMap<>();
        try (ActiveMQConnectionFactory factory = broker.newDirectFactory();
                var connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            QueueBrowser browser = session.createBrowser(session.createQueue(config.broker().deadLetterAddress()));
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message message = (Message) messages.nextElement();
                String flow = message.getStringProperty("syncFlow");
                if (flow == null) {
                    flow = read(message).flow();
                }
                if (flow != null) {
                    fresh.merge(flow, 1L, Long::sum);
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("The dead letters could not be counted: " + e.getMessage(), e);
        }
        counts = new CachedCounts(System.currentTimeMillis(), Map.copyOf(fresh));
        return counts.counts();
    }

    /** Forget the cached counts: a dead letter was just added or removed. */
    public void countsChanged() {
        counts = null;
    }

    private record CachedCounts(long at, Map<String, Long> counts) {
    }

    static final long COUNT_CACHE_MS = 2000;
    private volatile CachedCounts counts;

    /** Ids of the dead letters of a flow (and category), oldest first: what a bulk replay works through. */
    public List<String> ids(String flow, Optional<String> category, int limit) {
        return list(Optional.of(flow), category, Optional.empty(), 0, limit).stream().map(DeadLetter::id).toList();
    }

    /**
     * Takes one dead letter out of the queue inside a local JMS transaction: {@code work} decides, from the letter,
     * whether it goes (commit) or stays (rollback). Nothing is removed unless {@code work} says so and returns.
     */
    public <T> Optional<T> take(String id, java.util.function.Function<DeadLetter, Taken<T>> work) {
        String selector = selectorFor(id);
        try (ActiveMQConnectionFactory factory = broker.newDirectFactory();
                var connection = factory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            var consumer = session.createConsumer(session.createQueue(config.broker().deadLetterAddress()), selector);
            Message message = consumer.receive(2000);
            if (message == null) {
                return Optional.empty();
            }
            Taken<T> taken;
            try {
                taken = work.apply(read(message));
            } catch (RuntimeException e) {
                session.rollback();
                throw e;
            }
            if (taken.remove()) {
                session.commit();
                countsChanged();
            } else {
                session.rollback();
            }
            return Optional.ofNullable(taken.result());
        } catch (JMSException e) {
            throw new IllegalStateException("Dead letter " + id + " could not be taken from the broker: " + e.getMessage(), e);
        }
    }

    /** What {@link #take} does with a dead letter: remove it or leave it, and what to answer. */
    public record Taken<T>(boolean remove, T result) {
    }

    public Optional<DeadLetter> find(String id) {
        return browse(selectorFor(id), 0, 1).items().stream().findFirst();
    }

    /** Ids are checked before they go into a selector: a dead letter's own id, or the JMS id of a broker-moved one. */
    private static String selectorFor(String id) {
        if (BROKER_MOVED_ID.matcher(id).matches()) {
            return "JMSMessageID = '" + id + "'";
        }
        requireMatch(LETTER_ID, id, "id");
        return "syncDeadLetterId = '" + id + "'";
    }



    /** Reads only the page's messages; counts the rest. */
    private Page browse(String selector, int offset, int limit) {
        try (ActiveMQConnectionFactory factory = broker.newDirectFactory();
                var connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            QueueBrowser browser = session.createBrowser(session.createQueue(config.broker().deadLetterAddress()), selector);
            List<DeadLetter> letters = new ArrayList<>();
            long total = 0;
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message message = (Message) messages.nextElement();
                if (total >= offset && letters.size() < limit) {
                    letters.add(read(message));
                }
                total++;
            }
            return new Page(letters, total);
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
        return new DeadLetter(message.getJMSMessageID(), flow, IntakeKind.JMS, origin, DeadLetter.DELIVERY_ATTEMPTS_EXHAUSTED, null,
                "The broker moved the message here after its maximum delivery attempts", List.of(),
                message.getIntProperty("JMSXDeliveryCount"), null, null, null, null,
                message.getStringProperty("syncEventId"), null, message.getStringProperty("syncReceivedAt"), null, null,
                0, "json", text);
    }

    private static void requireMatch(Pattern pattern, String value, String name) {
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid " + name + ": " + value);
        }
    }
}
