package io.syncline.deadletter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.BatchRun;
import io.syncline.record.DeadLetter;
import io.syncline.record.SourceRecord;

/**
 * Replays dead letters through the pipeline as it is configured now: validation, mapping, the version guard and
 * the target again, so a corrected schema, configuration or target lets the record through. The dead letter
 * leaves the queue only once the record was delivered, found already delivered, or dead-lettered anew (with its
 * replay count one higher); past {@code sync.dead-letters.max-replays} it stays put.
 */
@ApplicationScoped
public class DeadLetterReplay {

    /** delivered | already-delivered | failed-again | refused. */
    public record Outcome(String id, String flow, String outcome, String detail) {
    }

    public record BulkOutcome(String flow, int replayed, int delivered, int alreadyDelivered, int failedAgain, int refused,
            List<Outcome> items) {
    }

    private static final Logger LOG = Logger.getLogger(DeadLetterReplay.class);

    private final DeadLetterStore store;
    private final SyncConfig config;
    private final CamelContext camel;
    private final ProducerTemplate producer;

    DeadLetterReplay(DeadLetterStore store, SyncConfig config, CamelContext camel, ProducerTemplate producer) {
        this.store = store;
        this.config = config;
        this.camel = camel;
        this.producer = producer;
    }

    public Optional<Outcome> replay(String id) {
        return store.take(id, this::replay);
    }

    public BulkOutcome replayAll(String flow, Optional<String> category, int limit) {
        List<Outcome> items = store.ids(flow, category, limit).stream()
                .map(this::replay).flatMap(Optional::stream).toList();
        return new BulkOutcome(flow, (int) items.stream().filter(o -> !o.outcome().equals("refused")).count(),
                count(items, "delivered"), count(items, "already-delivered"), count(items, "failed-again"),
                count(items, "refused"), items);
    }

    public boolean delete(String id) {
        return store.take(id, letter -> new DeadLetterStore.Taken<>(true, Boolean.TRUE)).isPresent();
    }

    private DeadLetterStore.Taken<Outcome> replay(DeadLetter letter) {
        int maxReplays = config.deadLetters().maxReplays();
        if (letter.replayCount() >= maxReplays) {
            return new DeadLetterStore.Taken<>(false, new Outcome(letter.id(), letter.flow(), "refused",
                    "replayed " + letter.replayCount() + " times already (sync.dead-letters.max-replays=" + maxReplays
                            + "); fix the cause and delete it, or raise the limit"));
        }
        if (letter.payload() == null) {
            // e.g. a non-text message the broker moved here: replaying "" would fail and lose the original
            return new DeadLetterStore.Taken<>(false, new Outcome(letter.id(), letter.flow(), "refused",
                    "no text payload to replay; the message stays as it is"));
        }
        if (SourceRecord.JAVA_SERIALIZED.equals(letter.payloadFormat())) {
            return new DeadLetterStore.Taken<>(false, new Outcome(letter.id(), letter.flow(), "refused",
                    "a serialized Java object is never deserialized, so there is no record to replay; the message stays as it is"));
        }
        if (letter.flow() == null || !config.flows().containsKey(letter.flow())) {
            return new DeadLetterStore.Taken<>(false, new Outcome(letter.id(), letter.flow(), "refused",
                    "no configured flow " + letter.flow()));
        }
        BatchRun run = new BatchRun(letter.flow(), letter.intake(), letter.id());
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(SyncProperties.FLOW, letter.flow());
        exchange.setProperty(SyncProperties.BATCH_RUN, run);
        exchange.setProperty(SyncProperties.REPLAY_COUNT, letter.replayCount() + 1);
        exchange.getMessage().setBody(List.of(new SourceRecord(letter.flow(), letter.intake(), letter.eventId(),
                receivedAt(letter), letter.payload() == null ? "" : letter.payload(),
                letter.payloadFormat() == null ? SourceRecord.JSON : letter.payloadFormat(), letter.fileName(),
                letter.line(), null)));
        producer.send("direct:sync-process", exchange);
        if (exchange.getException() == null && exchange.getProperty(SyncProperties.DEAD_LETTER_FAILURE) != null) {
            exchange.setException(exchange.getProperty(SyncProperties.DEAD_LETTER_FAILURE, Exception.class));
        }
        if (exchange.getException() != null) {
            // the new dead letter could not be written: keep the old one
            LOG.warnf("Replay of dead letter %s failed: %s", letter.id(), exchange.getException().getMessage());
            return new DeadLetterStore.Taken<>(false, new Outcome(letter.id(), letter.flow(), "refused",
                    "replay failed before an outcome: " + exchange.getException().getMessage()));
        }
        String outcome = run.published() > 0 ? "delivered"
                : run.staleSkipped() > 0 ? "already-delivered"
                : "failed-again";
        return new DeadLetterStore.Taken<>(true, new Outcome(letter.id(), letter.flow(), outcome, null));
    }

    private static Instant receivedAt(DeadLetter letter) {
        try {
            return letter.receivedAt() == null ? Instant.now() : Instant.parse(letter.receivedAt());
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }

    private static int count(List<Outcome> items, String outcome) {
        return (int) items.stream().filter(o -> o.outcome().equals(outcome)).count();
    }
}
