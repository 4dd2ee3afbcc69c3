package io.syncline.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.pipeline.Outcomes;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.BatchRun;
import io.syncline.record.DeadLetter;
import io.syncline.record.Envelope;
import io.syncline.record.SourceRecord;

/** Turns failures into {@link DeadLetter}s for {@code direct:sync-dead-letter}, which writes them to the broker. */
@ApplicationScoped
@Named("deadLetters")
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final ObjectMapper mapper;
    private final Outcomes outcomes;
    private final DeadLetterStore store;
    private final ProducerTemplate producer;

    DeadLetters(ObjectMapper mapper, Outcomes outcomes, DeadLetterStore store, ProducerTemplate producer) {
        this.mapper = mapper;
        this.outcomes = outcomes;
        this.store = store;
        this.producer = producer;
    }

    /**
     * Writes the dead letters of property {@code syncDeadLetters} through {@code direct:sync-dead-letter} (on this
     * thread, so a JMS worker's letters commit with its consumer). Never throws: inside an error handler a thrown
     * exception would be swallowed; a failure marks the exchange instead, for the caller to fail on.
     */
    public void write(Exchange exchange) {
        List<?> letters = exchange.getProperty(SyncProperties.DEAD_LETTERS, List.class);
        if (letters == null || letters.isEmpty()) {
            return;
        }
        Exchange writing = exchange.copy();
        producer.send("direct:sync-dead-letter", writing);
        if (writing.getException() != null) {
            LOG.errorf("Flow %s: %d dead letter(s) could not be written: %s", exchange.getProperty(SyncProperties.FLOW),
                    letters.size(), writing.getException().getMessage());
            exchange.setProperty(SyncProperties.DEAD_LETTER_FAILURE, writing.getException());
        }
        exchange.removeProperty(SyncProperties.DEAD_LETTERS);
    }

    /**
     * The chunk in the body (envelopes, or source records if it failed before mapping) could not be delivered:
     * one dead letter per record, with the exception, the attempts and the target's last answer.
     */
    public void fromDeliveryFailure(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String category = exchange.getProperty(SyncProperties.ERROR_CATEGORY, DeadLetter.INTERNAL, String.class);
        int attempts = exchange.getProperty(SyncProperties.ATTEMPTS, 1, Integer.class);
        Instant first = exchange.getProperty(SyncProperties.FIRST_FAILURE_AT, Instant.class);
        Instant last = exchange.getProperty(SyncProperties.LAST_FAILURE_AT, Instant.class);
        String response = exchange.getProperty(SyncProperties.TARGET_RESPONSE, String.class);
        String route = exchange.getFromRouteId();
        int replayCount = exchange.getProperty(SyncProperties.REPLAY_COUNT, 0, Integer.class);

        List<?> chunk = exchange.getProperty(SyncProperties.CHUNK_IN_FLIGHT, List.class);
        if (chunk == null) {
            chunk = exchange.getMessage().getBody(List.class);
        }
        List<DeadLetter> letters = new ArrayList<>(chunk == null ? 0 : chunk.size());
        if (chunk != null) {
            for (Object item : chunk) {
                if (item instanceof Envelope envelope) {
                    letters.add(DeadLetter.of(envelope.source(), envelope.key(), route, category, error, List.of(),
                            attempts, first, last, response, replayCount));
                } else if (item instanceof SourceRecord source) {
                    letters.add(DeadLetter.of(source, null, route, category, error, List.of(), attempts, first, last,
                            response, replayCount));
                }
            }
        }
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        LOG.warnf("Flow %s: %d record(s) dead-lettered as %s after %d attempt(s): %s", flow, letters.size(), category,
                attempts, error == null ? "no exception" : error.getClass().getSimpleName());
        // records of the chunk the target had already refused one by one are dead letters too
        @SuppressWarnings("unchecked")
        List<DeadLetter> rejectedEarlier = exchange.getProperty(SyncProperties.DEAD_LETTERS, List.class);
        if (rejectedEarlier != null) {
            letters.addAll(0, rejectedEarlier);
        }
        exchange.setProperty(SyncProperties.DEAD_LETTERS, letters);
    }

    /** Records a target rejected one by one (in a 2xx bulk answer, or alone): dead letters, written after the target step. */
    public void rejectedItems(Exchange exchange, List<Envelope> rejected, List<String> answers) {
        String route = exchange.getFromRouteId();
        int replayCount = exchange.getProperty(SyncProperties.REPLAY_COUNT, 0, Integer.class);
        int attempts = exchange.getProperty(SyncProperties.ATTEMPTS, 0, Integer.class) + 1;
        List<DeadLetter> letters = new ArrayList<>(rejected.size());
        for (int i = 0; i < rejected.size(); i++) {
            Envelope envelope = rejected.get(i);
            letters.add(DeadLetter.of(envelope.source(), envelope.key(), route, DeadLetter.TARGET_PERMANENT, null,
                    List.of(), attempts, null, null, answers.get(i), replayCount));
        }
        LOG.warnf("Flow %s: the target rejected %d record(s) of a chunk", exchange.getProperty(SyncProperties.FLOW, String.class),
                letters.size());
        // several requests of one chunk may each reject some: all of them are written after the target step
        @SuppressWarnings("unchecked")
        List<DeadLetter> earlier = exchange.getProperty(SyncProperties.DEAD_LETTERS, List.class);
        if (earlier != null) {
            letters.addAll(0, earlier);
        }
        exchange.setProperty(SyncProperties.DEAD_LETTERS, letters);
    }

    /** Body: one dead letter. Out: its JSON, with only Syncline's own headers (they become JMS properties). */
    public void toMessage(Exchange exchange) throws JsonProcessingException {
        DeadLetter letter = exchange.getMessage().getBody(DeadLetter.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader("syncDeadLetterId", letter.id());
        message.setHeader("syncFlow", letter.flow());
        message.setHeader("syncCategory", letter.category());
        message.setHeader("syncDeadLetteredAt", java.time.Instant.parse(letter.deadLetteredAt()).toEpochMilli());
        message.setBody(mapper.writeValueAsString(letter));
    }

    /** After every dead letter of the property is durable in the broker. */
    public void recorded(Exchange exchange) {
        List<?> letters = exchange.getProperty(SyncProperties.DEAD_LETTERS, List.class);
        if (letters == null || letters.isEmpty()) {
            return;
        }
        outcomes.count(exchange.getProperty(SyncProperties.FLOW, String.class), Outcomes.DEAD_LETTERED, letters.size());
        BatchRun run = exchange.getProperty(SyncProperties.BATCH_RUN, BatchRun.class);
        if (run != null) {
            run.deadLettered(letters.size());
        }
        exchange.removeProperty(SyncProperties.DEAD_LETTERS);
        store.countsChanged();
    }
}
